"""Support for the gateway end-to-end suites (tests-e2e/test_gateway_*.py).

Starts REAL processes built by SwiftPM: esb-manager (WORKER_ADDRESS_MODE=published, Docker via the real dockerd,
workers from the real local Lambda base image with the real RIE) and esb-gateway (TLS with its self-signed
certificate). Clients are real: urllib/http.client over TLS, boto3 with SigV4. Everything stays on 127.0.0.1.

Needs tests-e2e/setup.sh to have run (dockerd, esb-local/lambda-python:3.11, esb-test/echo:latest).
Binaries: $ESB_BIN_DIR, else `swift build --show-bin-path` of the repository (built here when missing).
"""
import hashlib
import hmac
import base64
import http.client
import json
import os
import secrets
import signal
import socket
import ssl
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ECHO_IMAGE = os.environ.get("ESB_ECHO_IMAGE", "esb-test/echo:latest")

FUNCTIONS_YML = """\
defaults:
  environment: {{ AWS_DEFAULT_REGION: "ap-northeast-1" }}
  timeout: 30
  memory_size: 128
  max_concurrency: 4
functions:
  echo:
    image: "{image}"
    environment: {{ GREETING: "hi" }}
  echo-two:
    image: "{image}"
    max_concurrency: 2
  echo-short:
    image: "{image}"
    timeout: 2
  missing-image:
    image: "esb-test/does-not-exist:latest"
"""

ROUTING_YML = """\
routes:
  - path: "/echo"
    method: "ANY"
    function: "echo"
  - path: "/echo2/{rest+}"
    method: "ANY"
    function: "echo"
    payload_format: "2.0"
  - path: "/users/{id}"
    method: "GET"
    function: "echo"
  - path: "/users/{id}"
    method: "POST"
    function: "echo"
  - path: "/open"
    method: "GET"
    function: "echo"
    auth: "none"
  - path: "/two"
    method: "ANY"
    function: "echo-two"
  - path: "/short"
    method: "ANY"
    function: "echo-short"
  - path: "/missing-image"
    method: "GET"
    function: "missing-image"
"""


def bin_dir():
    if os.environ.get("ESB_BIN_DIR"):
        return os.environ["ESB_BIN_DIR"]
    path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    for product in ("esb-manager", "esb-gateway"):
        if not os.path.exists(os.path.join(path, product)):
            subprocess.run(["swift", "build", "--product", product], cwd=ROOT, check=True)
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Daemon:
    """One esb-* process with its log file."""

    def __init__(self, name, argv, env, log_path):
        self.name = name
        self.log_path = log_path
        self.log_file = open(log_path, "ab")
        self.proc = subprocess.Popen(argv, env=env, stdout=self.log_file, stderr=subprocess.STDOUT)

    def alive(self):
        return self.proc.poll() is None

    def signal(self, signo):
        self.proc.send_signal(signo)

    def stop(self, timeout=40):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()

    def log_lines(self):
        with open(self.log_path, "rb") as f:
            out = []
            for raw in f.read().splitlines():
                try:
                    out.append(json.loads(raw))
                except ValueError:
                    out.append({"message": raw.decode("utf-8", "replace")})
            return out


class Box:
    """A manager and any number of gateways sharing one temp folder and one Docker network."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="esb-e2e-gw-")
        self.bin = bin_dir()
        self.config_dir = os.path.join(self.dir, "config")
        os.makedirs(self.config_dir)
        self.functions_path = os.path.join(self.config_dir, "functions.yml")
        self.routing_path = os.path.join(self.config_dir, "routing.yml")
        with open(self.functions_path, "w") as f:
            f.write(FUNCTIONS_YML.format(image=ECHO_IMAGE))
        with open(self.routing_path, "w") as f:
            f.write(ROUTING_YML)
        self.manager_token = secrets.token_hex(16)
        self.manager_socket = os.path.join(self.dir, "manager.sock")
        self.network = "esb-e2e-gw-" + secrets.token_hex(3)
        self.manager = None
        self.gateways = []
        self.access_key = "E2EACCESSKEY" + secrets.token_hex(4).upper()
        self.secret_key = secrets.token_urlsafe(30)

    # --- manager -------------------------------------------------------------------------------------------------
    def manager_env(self):
        env = dict(os.environ)
        env.update({
            "MANAGER_LISTEN": "unix://" + self.manager_socket, "MANAGER_TOKEN": self.manager_token,
            "WORKER_ADDRESS_MODE": "published", "LAMBDA_NETWORK": self.network,
            # Its own scope: an unscoped manager's Adopt & Sync would remove other runs' workers on a shared dockerd.
            "ESB_INSTANCE": self.network,
            "FUNCTIONS_CONFIG_PATH": self.functions_path, "CONTAINER_NAME": "esb-manager-e2e",
            "IDLE_TIMEOUT_MINUTES": "2", "LEASE_TIMEOUT_SECONDS": "30", "CONTAINER_READINESS_TIMEOUT": "30",
            "WORKER_ACCESS_KEY_ID": self.access_key, "WORKER_SECRET_ACCESS_KEY": self.secret_key,
            "GATEWAY_INTERNAL_URL": "https://127.0.0.1:1", "LOG_LEVEL": "INFO",
        })
        return env

    def start_manager(self):
        # The Lambda network exists before the Manager starts, as compose creates it (and so concurrent cold starts
        # never race to create it).
        if subprocess.run(["docker", "network", "inspect", self.network], capture_output=True).returncode != 0:
            subprocess.run(["docker", "network", "create", self.network], check=True, capture_output=True)
        if os.path.exists(self.manager_socket):
            os.unlink(self.manager_socket)
        manager_bin = os.environ.get("ESB_MANAGER_BIN") or os.path.join(self.bin, "esb-manager")
        self.manager = Daemon("esb-manager", [manager_bin], self.manager_env(),
                              os.path.join(self.dir, "manager.log"))
        wait_until(lambda: os.path.exists(self.manager_socket) or not self.manager.alive(), 30, what="manager socket")
        assert self.manager.alive(), open(self.manager.log_path).read()[-2000:]
        return self.manager

    # --- gateways ------------------------------------------------------------------------------------------------
    def start_gateway(self, **overrides):
        gw = Gateway(self, overrides)
        self.gateways.append(gw)
        return gw

    def close(self):
        for gw in self.gateways:
            gw.stop()
        if self.manager:
            self.manager.stop()
        # Workers of this run: the manager removes what it can; make sure nothing is left behind.
        ids = subprocess.run(["docker", "ps", "-aq", "--filter", "label=esb.managed=true",
                              "--filter", f"network={self.network}"], capture_output=True, text=True).stdout.split()
        if ids:
            subprocess.run(["docker", "rm", "-f", *ids], capture_output=True)
        subprocess.run(["docker", "network", "rm", self.network], capture_output=True)

    def worker_containers(self, all_states=True):
        """(id, name, state, exit code) of the managed workers on this run's network."""
        args = ["docker", "ps", "--filter", "label=esb.managed=true", "--filter", f"network={self.network}",
                "--format", "{{.ID}} {{.Names}} {{.State}}"]
        if all_states:
            args.insert(2, "-a")
        out = subprocess.run(args, capture_output=True, text=True).stdout.split("\n")
        return [tuple(line.split()) for line in out if line.strip()]


class Gateway:
    def __init__(self, box, overrides):
        self.box = box
        self.port = free_port()
        self.name = f"gw{len(box.gateways) + 1}"
        self.ssl_dir = os.path.join(box.dir, self.name + "-ssl")
        self.api_key = secrets.token_hex(12)
        self.user = "e2e-user"
        self.password = secrets.token_hex(8)
        self.jwt_key = secrets.token_hex(24)
        self.metrics_port = free_port()
        env = dict(os.environ)
        env.update({
            "GATEWAY_LISTEN": f"127.0.0.1:{self.port}",
            "TLS_CERT_PATH": os.path.join(self.ssl_dir, "server.crt"),
            "TLS_KEY_PATH": os.path.join(self.ssl_dir, "server.key"),
            "JWT_SECRET_KEY": self.jwt_key, "X_API_KEY": self.api_key, "AUTH_USER": self.user,
            "AUTH_PASS": self.password, "MANAGER_URL": "unix://" + box.manager_socket,
            "MANAGER_TOKEN": box.manager_token, "FUNCTIONS_CONFIG_PATH": box.functions_path,
            "ROUTING_CONFIG_PATH": box.routing_path, "INVOKE_ACCESS_KEY_ID": box.access_key,
            "INVOKE_SECRET_ACCESS_KEY": box.secret_key, "CONTAINER_NAME": "esb-gateway-" + self.name,
            "METRICS_LISTEN": f"127.0.0.1:{self.metrics_port}", "POOL_ACQUIRE_TIMEOUT": "20",
            # Each gateway owns its event spool (docs/async-invocations.md); a restart that should replay passes it again.
            "EVENT_SPOOL_DIR": os.path.join(box.dir, self.name + "-events"),
            # AWS waits 60 s and 120 s before retrying a failed event; the suites use short pauses.
            "EVENT_RETRY_DELAYS": "0.5,1",
            "CONTAINER_CACHE_TTL": "30", "SHUTDOWN_TIMEOUT": "10", "LOG_LEVEL": "INFO",
            "AWS_REGION": "ap-northeast-1",
        })
        env.update({k: str(v) for k, v in overrides.items()})
        self.env = env
        self.daemon = Daemon("esb-gateway", [os.path.join(box.bin, "esb-gateway")], env,
                             os.path.join(box.dir, self.name + ".log"))
        wait_until(self._healthy, 30, what=f"gateway {self.name} /health")

    def _healthy(self):
        if not self.daemon.alive():
            raise AssertionError("esb-gateway exited:\n" + open(self.daemon.log_path).read()[-3000:])
        try:
            status, _, _ = self.request("GET", "/health", timeout=2)
            return status == 200
        except OSError:
            return False

    @property
    def url(self):
        return f"https://127.0.0.1:{self.port}"

    def stop(self):
        self.daemon.stop()

    def connection(self, timeout=60):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=ctx)

    def request(self, method, path, body=None, headers=None, timeout=60, conn=None):
        """(status, headers dict lower-cased → list of values, body bytes)."""
        own = conn is None
        conn = conn or self.connection(timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            hdrs = {}
            for k, v in resp.getheaders():
                hdrs.setdefault(k.lower(), []).append(v)
            return resp.status, hdrs, data
        finally:
            if own:
                conn.close()

    def login(self):
        status, _, body = self.request("POST", "/user/auth/ver1.0", headers={"x-api-key": self.api_key},
                                       body=json.dumps({"AuthParameters": {"USERNAME": self.user,
                                                                           "PASSWORD": self.password}}))
        assert status == 200, body
        return json.loads(body)["AuthenticationResult"]["IdToken"]

    def auth(self, token=None):
        return {"Authorization": "Bearer " + (token or self.login())}

    def make_jwt(self, payload, key=None, alg="HS256"):
        def b64(b):
            return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
        header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        body = b64(json.dumps(payload).encode())
        if alg == "none":
            return f"{header}.{body}."
        sig = hmac.new((key or self.jwt_key).encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
        return f"{header}.{body}.{b64(sig)}"

    def lambda_client(self, access_key=None, secret_key=None, retries=0):
        import boto3
        from botocore.config import Config
        return boto3.client(
            "lambda", endpoint_url=self.url, region_name="ap-northeast-1", verify=False,
            aws_access_key_id=access_key or self.box.access_key,
            aws_secret_access_key=secret_key or self.box.secret_key,
            config=Config(retries={"max_attempts": retries, "mode": "standard"} if retries else {"max_attempts": 0},
                          read_timeout=60, connect_timeout=10))

    def metrics(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.metrics_port, timeout=5)
        try:
            conn.request("GET", "/metrics")
            resp = conn.getresponse()
            return resp.status, resp.read().decode()
        finally:
            conn.close()


def box_fixture():
    """A module-scoped pytest fixture body: a Box with its manager started; closed afterwards."""
    b = Box()
    b.start_manager()
    try:
        yield b
    finally:
        b.close()
