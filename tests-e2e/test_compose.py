"""The box as users run it: docker-compose.yml + docker-compose.test.yml on the real Docker engine (docs/contract.md §7).

Brings the test stack up (or reuses it: `up -d` only recreates what changed), waits for the health checks, then
talks to it like a client: login, a routed call with the JWT, the Lambda Invoke API through boto3 (SigV4 with the
test key pair), and looks at what the Manager started: a worker on the Lambda network with the box's environment,
that can reach the storage by name but has no TCP path to the Manager (which listens on a Unix socket only).
Finally the stack is torn down (`down -v`) and the workers of this stack are removed.

Real things: dockerd, the esb-gateway / esb-manager release binaries in their images (scripts/build-images.sh
--prebuilt --tag test), the real Lambda RIE in the echo fixture image. Stand-ins (docker-compose.local.yml): moto
for RustFS (S3) and ScyllaDB Alternator (DynamoDB), a log sink for VictoriaLogs, whose images cannot be pulled here.
The images built from source with the real Dockerfile, and the sample application: test_compose_source.py.

Skipped (reported as skipped) only when no Docker engine answers; CI runs tests-e2e/setup.sh first, so there it
runs. Environment knobs: ESB_COMPOSE (the compose command, e.g. "docker-compose"), ESB_E2E_NO_SWIFT_BUILD=1
(use the binaries already staged in deploy/bin), ESB_E2E_KEEP_STACK=1 (leave the stack up for a look).
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "esb-compose-e2e"
# ESB_INSTANCE scopes the Manager's Adopt & Sync to this stack's workers: other boxes or tests on the same Docker
# engine keep theirs (docker-compose.test.yml sets the same value).
INSTANCE = "esb-compose-e2e"
LAMBDA_NETWORK = "esb-compose-e2e-lambda"
PUBLIC_NETWORK = "esb-compose-e2e-public"
# The test credentials of docker-compose.test.yml.
API_KEY, USER, PASSWORD = "e2e-test-api-key", "e2e-user", "e2e-pass"
ACCESS_KEY, SECRET_KEY = "e2e-access-key", "e2e-secret-key"
SERVICES = ("esb-gateway", "esb-manager", "esb-storage")


# ---------------------------------------------------------------------------------------------------- helpers

def docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


def has_compose_v2() -> bool:
    return shutil.which("docker") is not None and \
        subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0


def ensure_docker_compose_v1() -> None:
    """Debian's docker-compose (1.29) with apt-get when no compose tool exists (root on Debian), as
    tests-e2e/setup.sh installs docker.io; a no-op otherwise."""
    if has_compose_v2() or shutil.which("docker-compose") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "-qq", "docker-compose"], env=env, capture_output=True, timeout=900)


def compose_command() -> list[str]:
    """ESB_COMPOSE when set, else Compose v2 (`docker compose`) when present, else docker-compose 1.29."""
    if os.environ.get("ESB_COMPOSE"):
        return shlex.split(os.environ["ESB_COMPOSE"])
    ensure_docker_compose_v1()
    if has_compose_v2():
        return ["docker", "compose"]
    if shutil.which("docker-compose") is None:
        pytest.fail("no compose tool: install Compose v2 or Debian's docker-compose")
    return ["docker-compose"]


def run(cmd: list[str], *, timeout: float, env: dict | None = None, check: bool = True,
        cwd: Path = ROOT) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def inspect(name: str) -> dict:
    return json.loads(run(["docker", "inspect", name], timeout=30).stdout)[0]


def stack_workers() -> list[str]:
    """Ids of the workers this stack's Manager created (all states)."""
    out = run(["docker", "ps", "-aq", "--no-trunc", "--filter", "label=esb.managed=true",
               "--filter", f"label=esb.instance={INSTANCE}"], timeout=30).stdout
    return out.split()


def daemon_report() -> str:
    """What went wrong on the daemons' side, for assertion messages: restarts, last exit code, log tails."""
    lines = []
    for name in ("esb-manager", "esb-gateway"):
        state = inspect(name)
        lines.append(f"{name}: restarts={state['RestartCount']} last_exit={state['State']['ExitCode']} "
                     f"status={state['State']['Status']}")
        logs = run(["docker", "logs", "--tail", "8", name], timeout=30, check=False)
        lines += ["    " + line[:300] for line in (logs.stdout + logs.stderr).splitlines()]
    return "\n".join(lines)


def wait_healthy(names: tuple[str, ...] | list[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    states: dict[str, str] = {}
    while time.monotonic() < deadline:
        for name in names:
            state = inspect(name)["State"]
            states[name] = state.get("Health", {}).get("Status", state["Status"])
        if all(s == "healthy" for s in states.values()):
            return
        time.sleep(1)
    logs = {n: run(["docker", "logs", "--tail", "30", n], timeout=30, check=False).stdout for n in names}
    raise AssertionError(f"not healthy within {timeout:.0f} s: {states}\n{json.dumps(logs, indent=1)}")


class Stack:
    """The running test stack: its compose command line, ports, the gateway's certificate."""

    def __init__(self, compose: list[str], env: dict[str, str], gateway_port: int, ca_file: Path):
        self.compose, self.env, self.gateway_port, self.ca_file = compose, env, gateway_port, ca_file
        self.base_url = f"https://127.0.0.1:{gateway_port}"
        self.tls = ssl.create_default_context(cafile=str(ca_file))

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, context=self.tls, timeout=30) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()

    def login(self) -> str:
        body = json.dumps({"AuthParameters": {"USERNAME": USER, "PASSWORD": PASSWORD}}).encode()
        status, headers, data = self.request("POST", "/user/auth/ver1.0", body,
                                             {"x-api-key": API_KEY, "Content-Type": "application/json"})
        assert status == 200, data
        assert headers.get("PADMA_USER_AUTHORIZED") == "true"
        result = json.loads(data)["AuthenticationResult"]
        assert result["TokenType"] == "Bearer"
        return result["IdToken"]


def compose_files() -> list[str]:
    return [a for name in ("docker-compose.yml", "docker-compose.local.yml", "docker-compose.test.yml")
            for a in ("-f", str(ROOT / name))]


def teardown_stack(compose: list[str], env: dict[str, str]) -> None:
    # Stop the daemons first so the Manager cannot start a worker while its workers are removed; workers are
    # not compose containers, and the Lambda network cannot be removed while they are attached to it.
    run(compose + ["-p", PROJECT] + compose_files() + ["stop", "-t", "10"], timeout=120, env=env, check=False)
    ids = stack_workers()
    if ids:
        run(["docker", "rm", "-f"] + ids, timeout=120, check=False)
    run(compose + ["-p", PROJECT] + compose_files() + ["down", "-v", "--remove-orphans"], timeout=180, env=env)


# ---------------------------------------------------------------------------------------------------- fixture

@pytest.fixture(scope="module")
def stack():
    if not docker_available():
        pytest.skip("no Docker engine answers `docker info` (run tests-e2e/setup.sh)")
    compose = compose_command()

    # Images (each step is idempotent and quick when nothing changed).
    t0 = time.monotonic()
    if run(["docker", "image", "inspect", "esb-test/echo:latest"], timeout=30, check=False).returncode != 0:
        run([str(ROOT / "tests-e2e/setup.sh")], timeout=1200)
    run([str(ROOT / "tests-e2e/build-runtime-image.sh")], timeout=900)
    run([str(ROOT / "tests-e2e/build-moto-image.sh")], timeout=900)
    build = [str(ROOT / "scripts/build-images.sh"), "--prebuilt", "--tag", "test"]
    if os.environ.get("ESB_E2E_NO_SWIFT_BUILD") == "1":
        build.append("--no-swift-build")
    run(build, timeout=2400)
    print(f"[compose-e2e] images ready in {time.monotonic() - t0:.1f} s")

    env = dict(os.environ)
    gateway_port = free_port()
    env.update(GATEWAY_PORT=str(gateway_port), RUSTFS_API_PORT=str(free_port()),
               RUSTFS_CONSOLE_PORT=str(free_port()), SCYLLADB_PORT=str(free_port()),
               VICTORIALOGS_PORT=str(free_port()), LAMBDA_NETWORK=LAMBDA_NETWORK,
               ESB_PUBLIC_NETWORK=PUBLIC_NETWORK, COMPOSE_PROJECT_NAME=PROJECT)
    started = time.monotonic()
    ca_dir = None
    # A stack left by an earlier, interrupted run is reused by `up -d` (only changed containers are recreated).
    run(compose + ["-p", PROJECT] + compose_files() + ["up", "-d"], timeout=300, env=env)
    try:
        wait_healthy(SERVICES, timeout=120)
        print(f"[compose-e2e] stack healthy {time.monotonic() - started:.1f} s after `up -d`")
        ca_dir = Path(tempfile.mkdtemp(prefix=f"{PROJECT}-"))
        ca_file = ca_dir / "server.crt"
        run(["docker", "cp", "esb-gateway:/app/tls/server.crt", str(ca_file)], timeout=30)
        yield Stack(compose, env, gateway_port, ca_file)
    finally:
        if ca_dir is not None:
            shutil.rmtree(ca_dir, ignore_errors=True)
        if os.environ.get("ESB_E2E_KEEP_STACK") != "1":
            teardown_stack(compose, env)
            assert stack_workers() == [], "workers of the stack survived the teardown"
            networks = run(["docker", "network", "ls", "-q", "--filter", f"name=^{LAMBDA_NETWORK}$"], timeout=30).stdout
            assert networks.strip() == "", "the Lambda network survived `down -v`"
        total = time.monotonic() - started
        print(f"[compose-e2e] up → checks → down took {total:.1f} s")



# ---------------------------------------------------------------------------------------------------- tests

def test_health_over_verified_tls(stack: Stack):
    # The gateway created a self-signed certificate (CN localhost, SAN 127.0.0.1) in the gateway_tls volume on
    # first start; the client verifies against it.
    status, headers, body = stack.request("GET", "/health")
    assert status == 200
    assert json.loads(body)["status"] == "healthy"
    assert headers.get("X-Request-Id")


def test_login_rejects_wrong_api_key(stack: Stack):
    body = json.dumps({"AuthParameters": {"USERNAME": USER, "PASSWORD": PASSWORD}}).encode()
    status, headers, _ = stack.request("POST", "/user/auth/ver1.0", body, {"x-api-key": "wrong"})
    assert status == 401
    assert "PADMA_USER_AUTHORIZED" not in headers


def test_routed_call_with_jwt_reaches_the_echo_function(stack: Stack):
    token = stack.login()
    status, _, _ = stack.request("GET", "/api/echo")
    assert status == 401, "a JWT route must refuse a request without a token"

    status, _, body = stack.request("POST", "/api/echo?x=1", json.dumps({"hello": "box"}).encode(),
                                    {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert status == 200, f"{body!r}\n{daemon_report()}"
    answer = json.loads(body)
    event = answer["event"]
    assert event["httpMethod"] == "POST" and event["path"] == "/api/echo"
    assert event["queryStringParameters"] == {"x": "1"}
    assert json.loads(event["body"]) == {"hello": "box"}
    assert event["requestContext"]["authorizer"]["claims"]["sub"] == USER
    env = answer["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "echo"
    assert env["GREETING"] == "hello from compose"
    assert env["AWS_ENDPOINT_URL_S3"] == "http://esb-storage:9000"
    assert env["GATEWAY_INTERNAL_URL"] == "https://esb-gateway:443"


def test_invoke_api_with_boto3_sigv4(stack: Stack):
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError

    def client(secret: str):
        return boto3.client(
            "lambda", endpoint_url=stack.base_url, region_name="ap-northeast-1",
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=secret, verify=str(stack.ca_file),
            config=Config(retries={"max_attempts": 0}, read_timeout=30))

    resp = client(SECRET_KEY).invoke(FunctionName="echo", Payload=json.dumps({"return": {"via": "invoke"}}))
    assert resp["StatusCode"] == 200, daemon_report()
    assert "FunctionError" not in resp
    assert json.loads(resp["Payload"].read()) == {"via": "invoke"}

    with pytest.raises(ClientError) as bad:
        client("not-the-secret").invoke(FunctionName="echo", Payload=b"{}")
    assert bad.value.response["Error"]["Code"] == "InvalidSignatureException"


def _worker() -> dict:
    ids = stack_workers()
    assert ids, f"the Manager started no worker container\n{daemon_report()}"
    running = [c for c in map(inspect, ids) if c["State"]["Status"] == "running"]
    assert running, "no running worker"
    return running[0]


def test_worker_on_the_lambda_network_with_the_box_environment(stack: Stack):
    worker = _worker()
    labels = worker["Config"]["Labels"]
    assert labels["esb.function"] == "echo" and labels["esb.managed"] == "true"
    assert list(worker["NetworkSettings"]["Networks"]) == [LAMBDA_NETWORK]
    env = dict(item.split("=", 1) for item in worker["Config"]["Env"])
    expected = {
        "AWS_LAMBDA_FUNCTION_NAME": "echo",
        "AWS_ENDPOINT_URL_S3": "http://esb-storage:9000",
        "AWS_ENDPOINT_URL_DYNAMODB": "http://esb-storage:9000",
        "S3_ENDPOINT": "http://esb-storage:9000",
        "DYNAMODB_ENDPOINT": "http://esb-storage:9000",
        "GATEWAY_INTERNAL_URL": "https://esb-gateway:443",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "GREETING": "hello from compose",
    }
    assert {k: env.get(k) for k in expected} == expected
    assert env.get("AWS_ENDPOINT_URL_LAMBDA"), "workers need the Lambda endpoint variable"
    # The manager's socket volume is mounted by the gateway only.
    assert not any("manager_socket" in (m.get("Name") or "") for m in worker["Mounts"])

    # The worker reaches the storage by name with the SDK and the box's credentials (moto stands in for RustFS).
    code = ("import boto3; s3 = boto3.client('s3'); region = s3.meta.region_name\n"
            "where = {} if region == 'us-east-1' else {'CreateBucketConfiguration': {'LocationConstraint': region}}\n"
            "s3.create_bucket(Bucket='compose-e2e', **where)\n"
            "print(sorted(b['Name'] for b in s3.list_buckets()['Buckets']))\n"
            "print(boto3.client('dynamodb').list_tables()['TableNames'])")
    out = run(["docker", "exec", "-e", "PYTHONPATH=/var/runtime", worker["Id"], "python3", "-c", code], timeout=60)
    assert "compose-e2e" in out.stdout


def test_manager_has_no_tcp_port_a_worker_can_reach(stack: Stack):
    worker = _worker()
    probe = ("import socket, sys\n"
             "for port in (8081, 80, 443, 8080):\n"
             "    try:\n"
             "        socket.create_connection(('esb-manager', port), timeout=3).close()\n"
             "        print('open', port); sys.exit(1)\n"
             "    except OSError as e:\n"
             "        print('closed', port, type(e).__name__)\n")
    result = run(["docker", "exec", worker["Id"], "python3", "-c", probe], timeout=60, check=False)
    assert result.returncode == 0, f"a worker reached the manager over TCP:\n{result.stdout}{result.stderr}"
    assert "closed 8081 ConnectionRefusedError" in result.stdout, result.stdout

    # And nothing of the manager's listens on TCP at all (state 0A = LISTEN in /proc/net/tcp*). Docker's
    # embedded DNS server listens on 127.0.0.11 (0B00007F) in every container of a user-defined network.
    tables = run(["docker", "exec", "esb-manager", "cat", "/proc/net/tcp", "/proc/net/tcp6"], timeout=30).stdout
    listening = [line for line in tables.splitlines()
                 if line.split()[3:4] == ["0A"] and not line.split()[1].startswith("0B00007F:")]
    assert listening == [], f"the manager listens on TCP: {listening}"


def test_idle_worker_is_paused_by_the_manager(stack: Stack):
    # docker-compose.test.yml: CONTAINER_CACHE_TTL=5 (gateway releases), PAUSE_IDLE_SECONDS=15 (manager pauses).
    # The gateway's heartbeat runs every 10 s, so a release reaches the manager within ~15 s.
    worker_id = _worker()["Id"]
    deadline = time.monotonic() + 75
    state = ""
    while time.monotonic() < deadline:
        state = inspect(worker_id)["State"]["Status"]
        if state == "paused":
            break
        time.sleep(1)
    assert state == "paused", f"worker state {state!r} after 75 s idle"

    # The next request resumes it (warm path through the Manager) and succeeds.
    token = stack.login()
    status, _, body = stack.request("GET", "/api/echo", headers={"Authorization": f"Bearer {token}"})
    assert status == 200, body
