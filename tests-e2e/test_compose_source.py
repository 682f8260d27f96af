"""The box as a new user runs it: a fresh `git clone`, `docker compose up`, the Quick start (docs/contract.md §7).

From a fresh clone of this repository's HEAD, compose builds esb-gateway, esb-manager and esb-box FROM SOURCE with
the real Dockerfile, builds the sample SAM application (examples/sample-app) with `esb` in the `app` service,
provisions its table, and serves it. Everything is docker-compose.yml as users run it, with the development
defaults (no .env), except what no registry here can provide, replaced through the variables and the override
users have too (docs/deployment.md "Source build without a registry"):
  SWIFT_IMAGE        esb-local/swift:6.3-bookworm (tests-e2e/build-toolchain-image.sh: the installed toolchain)
  RUNTIME_IMAGE      esb-local/runtime:bookworm   (build-runtime-image.sh)
  BOX_IMAGE          esb-local/dind:bookworm      (build-dind-image.sh: Debian's docker.io + docker-compose)
  LAMBDA_BASE_IMAGE  esb-local/lambda-python:sdk  (build-lambda-sdk-image.sh: the real RIE + boto3)
  docker-compose.local.yml: moto for RustFS and ScyllaDB Alternator, a log sink for VictoriaLogs.
The builds run with ESB_BUILD_NETWORK=none: with local base images they need no network at all.

Checks, as a client would see them: the login of the Quick start; the HttpApi route (payload 2.0); the REST Api
route (payload 1.0) storing a note in DynamoDB after calling another function through boto3; the Invoke API with
boto3 and the documented keys; the certificate's names (a worker verifies https://esb-gateway against it); no data
port listening on a non-loopback address; every container's log rotated, workers included; metrics on an
internal port only; then deploy/down.sh -v, and nothing of the stack is left (containers, workers, networks,
volumes). Prints the figures docs/deployment.md quotes: build times, image sizes, cold `up` to the first 200,
idle memory per service.

Skipped only when no Docker engine answers. Knobs: ESB_COMPOSE, ESB_E2E_KEEP_STACK=1.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from test_compose import compose_command, docker_available, free_port, inspect, run, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
RUN_ID = uuid.uuid4().hex[:8]
PROJECT = f"esb-src-{RUN_ID}"
NAME = f"esb-src-{RUN_ID}"             # ESB_NAME: container names <NAME>-gateway, ...
INSTANCE = f"esb-src-{RUN_ID}"         # ESB_INSTANCE: this stack's workers only
TAG = "src-test"                        # never the user's :latest images
# The development defaults of docker-compose.yml (= .env.example): what a user following the Quick start types.
API_KEY, USER, PASSWORD = "dev-api-key-change-in-production", "admin", "dev-password-change-in-production"
ACCESS_KEY, SECRET_KEY = "esbadmin", "esbadmin-secret"
LOCAL_IMAGES = {
    "SWIFT_IMAGE": "esb-local/swift:6.3-bookworm",
    "RUNTIME_IMAGE": "esb-local/runtime:bookworm",
    "BOX_IMAGE": "esb-local/dind:bookworm",
    "LAMBDA_BASE_IMAGE": "esb-local/lambda-python:sdk",
}
# The first test pays for the module's fixture: on a fresh machine the local images (~11 min: toolchain ~4, runtime
# ~3, dind ~3.3, moto) and the cold source compile (~5 min on 2 cores) come before it. pytest-timeout's per-test
# limit (scripts/test-all.sh: --timeout=600) counts fixture setup, so this module sets its own.
pytestmark = pytest.mark.timeout(2100)
HELPERS = ("build-toolchain-image.sh", "build-runtime-image.sh", "build-dind-image.sh", "build-moto-image.sh",
           "build-lambda-sdk-image.sh")


def figure(text: str) -> None:
    print(f"[compose-source] {text}", flush=True)


def timed(label: str, cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    t0 = time.monotonic()
    proc = run(cmd, **kwargs)
    figure(f"{label}: {time.monotonic() - t0:.1f} s")
    return proc


class Box:
    def __init__(self, clone: Path, compose: list[str], env: dict[str, str], port: int, ca_file: Path):
        self.clone, self.compose, self.env, self.port, self.ca_file = clone, compose, env, port, ca_file
        self.base_url = f"https://127.0.0.1:{port}"
        self.tls = ssl.create_default_context(cafile=str(ca_file))

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, context=self.tls, timeout=60) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def login(self) -> str:
        body = json.dumps({"AuthParameters": {"USERNAME": USER, "PASSWORD": PASSWORD}}).encode()
        status, data = self.request("POST", "/user/auth/ver1.0", body, {"x-api-key": API_KEY})
        assert status == 200, data
        return json.loads(data)["AuthenticationResult"]["IdToken"]

    def containers(self) -> list[dict]:
        ids = run(["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={PROJECT}"],
                  timeout=30).stdout.split()
        return [inspect(i) for i in ids]

    def workers(self) -> list[str]:
        return run(["docker", "ps", "-aq", "--filter", "label=esb.managed=true",
                    "--filter", f"label=esb.instance={INSTANCE}"], timeout=30).stdout.split()

    def report(self) -> str:
        lines = []
        for service in ("gateway", "manager", "app"):
            logs = run(["docker", "logs", "--tail", "15", f"{NAME}-{service}"], timeout=30, check=False)
            lines += [f"--- {service}"] + ["    " + l[:300] for l in (logs.stdout + logs.stderr).splitlines()]
        return "\n".join(lines)


def non_loopback_address() -> str | None:
    """An address of this host other than loopback (the one its default route leaves from)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))     # TEST-NET-1: no packet is sent for a UDP connect
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.fixture(scope="module")
def box():
    if not docker_available():
        pytest.skip("no Docker engine answers `docker info` (run tests-e2e/setup.sh)")
    compose = compose_command()
    for helper in HELPERS:
        timed(helper, [str(ROOT / "tests-e2e" / helper)], timeout=1800)

    work = Path(tempfile.mkdtemp(prefix=f"{PROJECT}-"))
    clone = work / "esb"
    run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], timeout=300)
    port = free_port()
    env = dict(os.environ, **LOCAL_IMAGES, ESB_BUILD_NETWORK="none", COMPOSE_PROJECT_NAME=PROJECT,
               ESB_NAME=NAME, ESB_INSTANCE=INSTANCE, LAMBDA_NETWORK=f"{PROJECT}-lambda",
               ESB_PUBLIC_NETWORK=f"{PROJECT}-public", GATEWAY_PORT=str(port),
               RUSTFS_API_PORT=str(free_port()), RUSTFS_CONSOLE_PORT=str(free_port()),
               SCYLLADB_PORT=str(free_port()), VICTORIALOGS_PORT=str(free_port()),
               ESB_GATEWAY_IMAGE=f"esb-gateway:{TAG}", ESB_MANAGER_IMAGE=f"esb-manager:{TAG}",
               ESB_BOX_IMAGE=f"esb-box:{TAG}", COMPOSE_FILE="docker-compose.yml:docker-compose.local.yml",
               ESB_COMPOSE=" ".join(compose), DOCKER_BUILDKIT="0")
    for name in ("JWT_SECRET_KEY", "X_API_KEY", "AUTH_USER", "AUTH_PASS", "MANAGER_TOKEN", "ESB_ENV",
                 "ESB_ACCESS_KEY_ID", "ESB_SECRET_ACCESS_KEY"):
        env.pop(name, None)     # the development defaults, exactly as a fresh clone has them
    stack = None
    try:
        timed("compose build (gateway, manager, box from source)", compose + ["build"],
              timeout=3600, env=env, cwd=clone)
        for image in (f"esb-gateway:{TAG}", f"esb-manager:{TAG}", f"esb-box:{TAG}", *LOCAL_IMAGES.values()):
            size = int(run(["docker", "image", "inspect", "-f", "{{.Size}}", image], timeout=30).stdout)
            figure(f"image {image}: {size / 1e6:.0f} MB")

        started = time.monotonic()
        run(compose + ["up", "-d"], timeout=1200, env=env, cwd=clone)
        figure(f"`up -d` returned after {time.monotonic() - started:.1f} s (app built and provisioned)")
        wait_healthy([f"{NAME}-gateway", f"{NAME}-manager"], timeout=180)
        ca_file = work / "server.crt"
        run(["docker", "cp", f"{NAME}-gateway:/app/tls/server.crt", str(ca_file)], timeout=30)
        stack = Box(clone, compose, env, port, ca_file)
        token = stack.login()
        status, body = stack.request("GET", "/api/hello/first", headers={"Authorization": f"Bearer {token}"})
        assert status == 200, f"{body!r}\n{stack.report()}"
        figure(f"cold `up -d` to the first 200 from the sample function: {time.monotonic() - started:.1f} s")
        yield stack
    finally:
        if os.environ.get("ESB_E2E_KEEP_STACK") != "1":
            run([str(clone / "deploy/down.sh"), "-v"], timeout=300, env=env, cwd=clone, check=False)
            shutil.rmtree(work, ignore_errors=True)


# ------------------------------------------------------------------------------------------------------ tests

def test_http_api_route_payload_2(box: Box):
    token = box.login()
    status, body = box.request("GET", "/api/hello/edge", headers={"Authorization": f"Bearer {token}"})
    assert status == 200, f"{body!r}\n{box.report()}"
    answer = json.loads(body)
    assert answer == {"message": "hello, edge", "payload_version": "2.0", "function": "sample-hello"}
    status, _ = box.request("GET", "/api/hello/edge")
    assert status == 401, "the sample routes are JWT routes"


def test_rest_api_route_payload_1_stores_a_note_via_another_function(box: Box):
    token = box.login()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    status, body = box.request("POST", "/api/notes", json.dumps({"text": "  hello   from the   edge "}).encode(),
                               headers)
    assert status == 201, f"{body!r}\n{box.report()}"
    note = json.loads(body)
    assert note["payload_version"] == "1.0"
    # sample-formatter (called with boto3 through the gateway's Invoke API) normalised and counted the words.
    assert note["note"]["text"] == "Hello from the edge" and note["note"]["words"] == 4
    status, body = box.request("GET", "/api/notes", headers=headers)
    assert status == 200, body
    assert note["note"]["id"] in [n["id"] for n in json.loads(body)["notes"]]   # read back from the table


def test_invoke_api_with_boto3_and_the_documented_keys(box: Box):
    import boto3
    from botocore.config import Config

    client = boto3.client("lambda", endpoint_url=box.base_url, region_name="ap-northeast-1",
                          aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, verify=str(box.ca_file),
                          config=Config(retries={"max_attempts": 0}, read_timeout=60))
    resp = client.invoke(FunctionName="sample-formatter", Payload=json.dumps({"text": "boto3 was here"}))
    assert resp["StatusCode"] == 200 and "FunctionError" not in resp
    assert json.loads(resp["Payload"].read()) == {"text": "Boto3 was here", "words": 3}


def test_certificate_names_the_service_and_workers_verify_it(box: Box):
    text = run(["openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", str(box.ca_file)], timeout=30).stdout
    for name in ("DNS:localhost", "DNS:esb-gateway", "DNS:gateway", "IP Address:127.0.0.1"):
        assert name in text, text
    # A worker on the Lambda network connects to https://esb-gateway and VERIFIES the name against the certificate.
    worker = box.workers()[0]
    probe = ("import socket, ssl, sys\n"
             "ctx = ssl.create_default_context(cadata=sys.stdin.read())\n"
             "with socket.create_connection(('esb-gateway', 443), timeout=10) as raw:\n"
             "    with ctx.wrap_socket(raw, server_hostname='esb-gateway') as tls:\n"
             "        print('verified', tls.version())\n")
    proc = subprocess.run(["docker", "exec", "-i", worker, "python3", "-c", probe], input=box.ca_file.read_text(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "verified" in proc.stdout, proc.stderr


def test_no_data_port_listens_beyond_loopback(box: Box):
    published = {}
    for container in box.containers():
        for port, bindings in (container["NetworkSettings"]["Ports"] or {}).items():
            for binding in bindings or []:
                published[(container["Name"].lstrip("/"), port)] = (binding["HostIp"], int(binding["HostPort"]))
    data = {k: v for k, v in published.items() if not k[0].endswith("-gateway")}
    assert {k[0] for k in data} == {f"{NAME}-storage", f"{NAME}-database", f"{NAME}-victorialogs"}, published
    assert all(ip == "127.0.0.1" for ip, _ in data.values()), data
    assert not any(k[0].endswith("-manager") or k[0].endswith("-app") for k in published)
    # And a connection to the host's LAN address on each data port is refused (the loopback one is accepted).
    address = non_loopback_address()
    for ip, port in data.values():
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        if address:
            with pytest.raises(OSError):
                socket.create_connection((address, port), timeout=5).close()


def test_every_container_log_is_rotated_workers_included(box: Box):
    rotated = {"Type": "json-file", "Config": {"max-size": "10m", "max-file": "3"}}
    for container in box.containers():
        assert container["HostConfig"]["LogConfig"] == rotated, container["Name"]
    workers = box.workers()
    assert workers, "no worker ran"
    for worker in workers:
        assert inspect(worker)["HostConfig"]["LogConfig"] == rotated


def test_daemons_config_directory_metrics_and_environment(box: Box):
    gateway, manager = inspect(f"{NAME}-gateway"), inspect(f"{NAME}-manager")
    for daemon in (gateway, manager):
        mount = next(m for m in daemon["Mounts"] if m["Destination"] == "/app/config")
        assert mount["Type"] == "bind" and Path(mount["Source"]).is_dir()
        assert "ESB_ENV=development" in daemon["Config"]["Env"]
    assert gateway["Config"]["User"] == "esb:esb", "the gateway runs as a non-root user"
    # Metrics on the internal port, published nowhere.
    metrics = run(["docker", "exec", f"{NAME}-gateway", "curl", "-fsS", "http://127.0.0.1:9090/metrics"], timeout=30)
    assert "esb_" in metrics.stdout or "# TYPE" in metrics.stdout
    assert "9090/tcp" not in (gateway["HostConfig"]["PortBindings"] or {})


def test_idle_memory_per_service(box: Box):
    """Not an assertion on figures: prints what docs/deployment.md quotes — the resident set of each container's main
    process (VmRSS of its PID 1, read from the host) and Docker's cgroup figure (which counts page cache too)."""
    time.sleep(5)
    running = [c for c in box.containers() if c["State"]["Running"]] + [inspect(w) for w in box.workers()]
    stats = run(["docker", "stats", "--no-stream", "--format", "{{.ID}} {{.MemUsage}}"] + [c["Id"] for c in running],
                timeout=60).stdout
    cgroup = {line.split()[0]: line.split(" ", 1)[1] for line in stats.splitlines() if line.strip()}
    for container in running:
        status = Path(f"/proc/{container['State']['Pid']}/status").read_text()
        rss = next(line.split(None, 1)[1].strip() for line in status.splitlines() if line.startswith("VmRSS:"))
        usage = next((v for k, v in cgroup.items() if container["Id"].startswith(k)), "?")
        figure(f"idle {container['Name'].lstrip('/')}: VmRSS {rss} (docker stats {usage})")
    assert running


def test_zz_teardown_leaves_nothing(box: Box):
    """Runs last (file order): deploy/down.sh -v, then nothing of the stack is left."""
    if os.environ.get("ESB_E2E_KEEP_STACK") == "1":
        pytest.skip("ESB_E2E_KEEP_STACK=1")
    assert box.workers(), "the stack should have workers before the teardown"
    run([str(box.clone / "deploy/down.sh"), "-v"], timeout=300, env=box.env, cwd=box.clone)
    assert box.containers() == []
    assert box.workers() == []
    networks = run(["docker", "network", "ls", "-q", "--filter", f"name={PROJECT}"], timeout=30).stdout.split()
    volumes = run(["docker", "volume", "ls", "-q", "--filter", f"label=com.docker.compose.project={PROJECT}"],
                  timeout=30).stdout.split()
    assert networks == [] and volumes == []
