"""The compose files are valid and agree with .env.example (docs/contract.md §7, §3.1); no Docker engine needed.

- `config` accepts docker-compose.yml, docker-compose.yml + docker-compose.test.yml and docker-compose.dind.yml,
  with every compose tool found here (docker-compose 1.29 on these machines; Compose v2 too when installed);
- the files use nothing that only one compose generation understands (no top-level `version`);
- the DinD file is production mode: it refuses to render without the secrets;
- the development defaults baked into docker-compose.yml are exactly the values of .env.example (the file the
  gateway's "development secret" warning is based on), and every variable of .env.example is used.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from test_compose import ensure_docker_compose_v1, has_compose_v2

ROOT = Path(__file__).resolve().parent.parent
FILES = ("docker-compose.yml", "docker-compose.local.yml", "docker-compose.test.yml", "docker-compose.dind.yml")
TEST_STACK = ["docker-compose.yml", "docker-compose.local.yml", "docker-compose.test.yml"]
DIND_SECRETS = {
    "JWT_SECRET_KEY": "prod-jwt-secret-0123456789abcdef0123456789abcdef",
    "X_API_KEY": "prod-api-key", "AUTH_USER": "ops", "AUTH_PASS": "prod-pass", "MANAGER_TOKEN": "prod-token",
    "ESB_ACCESS_KEY_ID": "prod-access", "ESB_SECRET_ACCESS_KEY": "prod-secret",
}


def compose_tools() -> list[list[str]]:
    ensure_docker_compose_v1()
    tools = []
    if has_compose_v2():
        tools.append(["docker", "compose"])
    if shutil.which("docker-compose"):
        tools.append(["docker-compose"])
    return tools


TOOLS = compose_tools()
# No compose tool at all is a broken machine, not a reason to skip: fail with the reason.
TOOL_PARAMS = [pytest.param(t, id=" ".join(t)) for t in TOOLS] or [pytest.param(None, id="no-compose-tool")]


def dotenv_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def clean_env(**extra: str) -> dict[str, str]:
    """Only PATH/HOME: no variable of the developer's shell may change what compose renders."""
    env = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    env.update(extra)
    return env


def compose_args(tool: list[str] | None, files: list[str], tmp_path: Path) -> list[str]:
    if tool is None:
        pytest.fail("no compose tool (docker compose or docker-compose) is installed")
    # An empty --env-file: a developer's .env next to the files must not change what is checked.
    empty = tmp_path / "empty.env"
    empty.write_text("")
    return tool + ["--env-file", str(empty)] + [a for f in files for a in ("-f", str(ROOT / f))]


def render(tool: list[str] | None, files: list[str], tmp_path: Path, env: dict[str, str],
           check: bool = True, command: tuple[str, ...] = ("config",)) -> subprocess.CompletedProcess:
    cmd = compose_args(tool, files, tmp_path) + list(command)
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    if check:
        assert proc.returncode == 0, f"{' '.join(cmd)}:\n{proc.stderr}"
    return proc


@pytest.mark.parametrize("tool", TOOL_PARAMS)
@pytest.mark.parametrize("files", [["docker-compose.yml"], ["docker-compose.yml", "docker-compose.local.yml"],
                                   TEST_STACK], ids=["base", "base+local", "base+local+test"])
def test_config_renders(tool, files, tmp_path):
    rendered = yaml.safe_load(render(tool, files, tmp_path, clean_env()).stdout)
    services = rendered["services"]
    assert {"gateway", "manager", "storage"} <= set(services)
    # The manager publishes nothing and sits on the Lambda network only; its API is the Unix socket.
    manager = services["manager"]
    assert "ports" not in manager
    assert set(manager["networks"]) == {"lambda"}
    assert manager["environment"]["MANAGER_LISTEN"] == "unix:///run/esb/manager.sock"
    assert services["gateway"]["environment"]["MANAGER_URL"] == "unix:///run/esb/manager.sock"
    assert rendered["networks"]["lambda"]["internal"] is True
    # Jumbo frames between the gateway and the workers (docs/manager.md, "The Lambda network").
    assert str(rendered["networks"]["lambda"]["driver_opts"]["com.docker.network.driver.mtu"]) == "9000"
    for service in ("gateway", "manager"):
        volumes = services[service]["volumes"]
        text = [v if isinstance(v, str) else f"{v.get('source')}:{v.get('target')}" for v in volumes]
        assert any("manager_socket" in v and "/run/esb" in v for v in text), (service, text)
    assert not any("manager_socket" in str(v) for s in ("storage",) for v in services[s].get("volumes", []))
    # §1: the Manager is the daemon with docker.sock; the Gateway holds no Docker access. The only other holder is
    # `app`, the one-shot `esb build`/`esb provision` of the sample (the CLI, not a daemon; docs/deployment.md).
    with_docker = {name for name, service in services.items()
                   if "docker.sock" in str(service.get("volumes", [])) or "DOCKER_HOST" in (service.get("environment") or {})}
    assert "manager" in with_docker and with_docker <= {"manager", "app"}, with_docker


@pytest.mark.parametrize("tool", TOOL_PARAMS)
def test_test_stack_uses_local_images_and_stand_ins(tool, tmp_path):
    rendered = yaml.safe_load(render(tool, TEST_STACK, tmp_path, clean_env()).stdout)["services"]
    assert rendered["gateway"]["image"] == "esb-gateway:test"
    assert rendered["manager"]["image"] == "esb-manager:test"
    # Host-built binaries on the local runtime image: the one Dockerfile's `build` stage takes them (BINARIES=host).
    for service in ("gateway", "manager", "app"):
        args = rendered[service]["build"]["args"]
        assert args["BINARIES"] == "host" and args["SWIFT_IMAGE"] == args["RUNTIME_IMAGE"] == "esb-local/runtime:bookworm"
    # docker-compose.local.yml: moto for RustFS and Alternator, a log sink for VictoriaLogs, all from one local image.
    for service in ("storage", "database", "victorialogs"):
        assert rendered[service]["image"] == "esb-local/moto:latest"
    assert not any(service.get("profiles") for service in rendered.values())


@pytest.mark.parametrize("tool", TOOL_PARAMS)
def test_local_override_replaces_only_the_third_party_services(tool, tmp_path):
    assert set(yaml.safe_load((ROOT / "docker-compose.local.yml").read_text())["services"]) == \
        {"storage", "database", "victorialogs"}
    base = yaml.safe_load(render(tool, ["docker-compose.yml"], tmp_path, clean_env()).stdout)["services"]
    local = yaml.safe_load(render(tool, ["docker-compose.yml", "docker-compose.local.yml"], tmp_path,
                                  clean_env()).stdout)["services"]
    def normal(service):   # compose 1.29 reorders volumes and writes networks as {} or None after a merge
        return dict(service, volumes=sorted(map(str, service.get("volumes", []))),
                    networks=sorted(service.get("networks") or []))
    for service in ("gateway", "manager", "app"):
        assert normal(local[service]) == normal(base[service])
    for service in ("storage", "database", "victorialogs"):
        assert local[service]["ports"] == base[service]["ports"]      # still on 127.0.0.1 only


@pytest.mark.parametrize("tool", TOOL_PARAMS)
def test_hardening_of_the_base_file(tool, tmp_path):
    """Issue 10 in one place: loopback data ports, pinned third-party images, rotated logs, the config directory,
    metrics on an internal port, ESB_ENV on both daemons, health checks, the certificate's names, the app service."""
    rendered = yaml.safe_load(render(tool, ["docker-compose.yml"], tmp_path, clean_env()).stdout)
    services = rendered["services"]

    def ports(service):   # 1.29 renders "127.0.0.1:9000:9000" strings, v2 long-form mappings
        for p in services[service].get("ports", []):
            yield (p.get("host_ip", "0.0.0.0"), str(p["target"])) if isinstance(p, dict) else \
                (p.rsplit(":", 2)[0] if p.count(":") == 2 else "0.0.0.0", p.rsplit(":", 1)[1])

    for service in ("storage", "database", "victorialogs"):
        assert all(ip == "127.0.0.1" for ip, _ in ports(service)), (service, list(ports(service)))
        assert not services[service]["image"].endswith(":latest"), services[service]["image"]
    assert [target for _, target in ports("gateway")] == ["443"]
    assert "ports" not in services["manager"] and "ports" not in services["app"]
    for name, service in services.items():
        assert service["logging"]["driver"] == "json-file", name
        assert service["logging"]["options"]["max-size"] == "10m", name
        assert name == "app" or "healthcheck" in service, f"{name} has no health check: `up --wait` means nothing"
    assert services["manager"]["environment"]["WORKER_LOG_MAX_SIZE"] == "10m"
    for daemon in ("gateway", "manager"):
        env = services[daemon]["environment"]
        assert env["ESB_ENV"] == "development"
        mounts = [v if isinstance(v, str) else f"{v.get('source')}:{v.get('target')}" for v in services[daemon]["volumes"]]
        config = [m for m in mounts if ":/app/config" in m]
        assert len(config) == 1 and config[0].split(":")[0].endswith("/config"), mounts   # the folder, not files
    gateway = services["gateway"]["environment"]
    assert gateway["METRICS_LISTEN"].endswith(":9090")
    assert {"esb-gateway", "gateway"} <= set(gateway["TLS_SUBJECT_ALT_NAMES"].split(","))
    for daemon in ("gateway", "manager"):     # both start on the application's configuration
        assert services[daemon]["depends_on"]["app"]["condition"] == "service_completed_successfully"
    assert services["app"]["restart"] == "no"
    # State lives in named volumes (`down` keeps it, `down -v` removes it), never in a container's own layer.
    for service, target in (("storage", "/data"), ("database", "/var/lib/scylla"),
                            ("victorialogs", "/victoria-logs-data"), ("gateway", "/var/lib/esb/events"),
                            ("gateway", "/app/tls")):
        mounts = [(v.get("type"), v.get("source"), v.get("target")) if isinstance(v, dict) else
                  ("volume" if not v.split(":")[0].startswith(("/", ".")) else "bind",) + tuple(v.split(":")[:2])
                  for v in services[service]["volumes"]]
        named = [source for kind, source, mounted in mounts if mounted == target and kind == "volume"]
        assert len(named) == 1 and named[0] in rendered["volumes"], (service, target, mounts)


@pytest.mark.parametrize("tool", TOOL_PARAMS)
def test_dind_is_production_mode_and_needs_the_secrets(tool, tmp_path):
    refused = render(tool, ["docker-compose.dind.yml"], tmp_path, clean_env(), check=False)
    assert refused.returncode != 0
    assert "JWT_SECRET_KEY" in refused.stderr

    rendered = yaml.safe_load(render(tool, ["docker-compose.dind.yml"], tmp_path, clean_env(**DIND_SECRETS)).stdout)
    box = rendered["services"]["box"]
    assert box["privileged"] is True
    assert box["build"]["target"] == "box"      # Debian, with the esb CLI built from source
    assert len(box["ports"]) == 1 and "443" in str(box["ports"][0]), "only the gateway leaves the box"
    assert box["environment"]["ESB_ENV"] == "production"
    assert box["environment"]["JWT_SECRET_KEY"] == DIND_SECRETS["JWT_SECRET_KEY"]
    assert any(str(v.get("target") if isinstance(v, dict) else v).endswith("/var/lib/docker") or
               "/var/lib/docker" in str(v) for v in box["volumes"])


@pytest.mark.parametrize("name", FILES)
def test_no_generation_specific_syntax(name):
    document = yaml.safe_load((ROOT / name).read_text())
    # `version` is obsolete in Compose v2 (a warning) and selects the old schema in 1.29: leave it out.
    assert "version" not in document
    assert {key for key in document if not key.startswith("x-")} <= {"services", "networks", "volumes"}


def test_dev_defaults_equal_env_example(tmp_path):
    """Every `${NAME:-default}` of docker-compose.yml whose NAME is in .env.example defaults to that value, and every
    environment entry named like a .env.example variable renders to its value when nothing is set."""
    example = dotenv_example()
    text = (ROOT / "docker-compose.yml").read_text()
    defaults = re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):-([^}]*)\}", text)
    mismatched = {name: (default, example[name]) for name, default in defaults
                  if name in example and default != example[name]}
    assert mismatched == {}, f"compose default vs .env.example: {mismatched}"

    tool = TOOLS[0] if TOOLS else None
    rendered = yaml.safe_load(render(tool, ["docker-compose.yml"], tmp_path, clean_env()).stdout)
    used = {name for name, _ in defaults}
    rendered_values = {}
    for service in rendered["services"].values():
        for key, value in (service.get("environment") or {}).items():
            if key in example:
                rendered_values.setdefault(key, set()).add(str(value))
                used.add(key)
    wrong = {k: v for k, v in rendered_values.items() if v != {example[k]}}
    assert wrong == {}, f"rendered development values differ from .env.example: {wrong}"
    assert set(example) - used == set(), "variables of .env.example that docker-compose.yml ignores"


# Every image a compose file names, as the variable that replaces it (docs/deployment.md, "Air-gapped sites").
AIRGAP_IMAGES = {name: "airgap.invalid/%s:site" % name.lower().replace("_", "-") for name in (
    "SWIFT_IMAGE", "RUNTIME_IMAGE", "BOX_IMAGE", "ESB_GATEWAY_IMAGE", "ESB_MANAGER_IMAGE", "ESB_BOX_IMAGE",
    "RUSTFS_IMAGE", "SCYLLA_IMAGE", "VICTORIALOGS_IMAGE", "LAMBDA_BASE_IMAGE")}


def image_references(services: dict) -> dict[str, str]:
    """Every place a rendered compose file names an image: `image:`, build arguments and environment values
    whose name ends in _IMAGE (the DinD box hands those to the compose file it runs inside)."""
    found = {}
    for name, service in services.items():
        if "image" in service:
            found[f"{name}.image"] = service["image"]
        for key, value in ((service.get("build") or {}).get("args") or {}).items():
            if key.endswith("_IMAGE"):
                found[f"{name}.build.args.{key}"] = str(value)
        for key, value in (service.get("environment") or {}).items():
            if key.endswith("_IMAGE"):
                found[f"{name}.environment.{key}"] = str(value)
    return found


@pytest.mark.parametrize("tool", TOOL_PARAMS)
@pytest.mark.parametrize("files,env", [(["docker-compose.yml"], {}), (["docker-compose.dind.yml"], DIND_SECRETS)],
                         ids=["base", "dind"])
def test_an_air_gapped_site_replaces_every_image_through_the_environment(tool, files, env, tmp_path):
    """§7: an air-gapped site overrides every image through build arguments / environment only — no edited file."""
    default = image_references(yaml.safe_load(render(tool, files, tmp_path, clean_env(**env)).stdout)["services"])
    # The defaults name public images (what the variables below must be able to replace).
    assert any(value.startswith("rustfs/") for value in default.values()), default
    rendered = render(tool, files, tmp_path, clean_env(**env, **AIRGAP_IMAGES))
    references = image_references(yaml.safe_load(rendered.stdout)["services"])
    assert references and all(value.startswith("airgap.invalid/") for value in references.values()), references
    # Nothing else in the rendered file names a registry image by accident (a hard-coded `image:` in a new service).
    for public in ("rustfs/", "scylladb/", "victoriametrics/", "swift:", "debian:", "public.ecr.aws"):
        assert public not in rendered.stdout, public


def test_every_dockerfile_base_image_is_a_build_argument():
    """§7: base images of the gateway and manager images are build arguments (FROM ${ARG} or an earlier stage)."""
    text = (ROOT / "Dockerfile").read_text()
    arguments = set(re.findall(r"^ARG\s+([A-Z_]+)=", text, re.MULTILINE))
    stages = set()
    for base, _, stage in re.findall(r"^FROM\s+(\S+)(\s+AS\s+(\S+))?", text, re.MULTILINE | re.IGNORECASE):
        argument = re.fullmatch(r"\$\{([A-Z_]+)\}", base)
        assert (argument and argument.group(1) in arguments) or base in stages, f"FROM {base} is not overridable"
        stages.add(stage)
    assert {"SWIFT_IMAGE", "RUNTIME_IMAGE", "BOX_IMAGE"} <= arguments
