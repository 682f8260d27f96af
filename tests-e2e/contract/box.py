"""The box under test, as real processes: esb-manager + esb-gateway built by SwiftPM, real RIE workers.

The one Python box helper: the contract suite (tests-e2e/test_contract_*.py), the gateway suites (through
tests-e2e/gateway_support.py, which only adds their configuration) and the benchmarks under bench/ use it.
Everything here talks to the daemons only through their public surfaces (HTTPS, the Manager's HTTP API over its
Unix socket, stdout log lines, exit codes), as a user or an AWS SDK would. Traffic stays on 127.0.0.1 and the
containers this run creates (labelled `esb.instance=<this run's ESB_INSTANCE>`, removed at the end).

Needs tests-e2e/setup.sh to have run (dockerd, esb-local/lambda-python:3.11, esb-test/echo:latest).
"""
import base64
import hashlib
import hmac
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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ECHO_IMAGE = os.environ.get("ESB_ECHO_IMAGE", "esb-test/echo:latest")
HERE = os.path.dirname(os.path.abspath(__file__))

_bin_dir_cache = []


def bin_dir():
    """Folder of esb-gateway / esb-manager / esb: $ESB_BIN_DIR, else the debug build of this repository
    (built here when a product is missing, so a fresh CI machine works after tests-e2e/setup.sh)."""
    if _bin_dir_cache:
        return _bin_dir_cache[0]
    path = os.environ.get("ESB_BIN_DIR")
    if not path:
        path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        missing = [p for p in ("esb-manager", "esb-gateway", "esb") if not os.path.exists(os.path.join(path, p))]
        for product in missing:
            subprocess.run(["swift", "build", "--product", product], cwd=ROOT, check=True)
    _bin_dir_cache.append(path)
    return path


def esb_binary():
    """The esb CLI: $ESB_BIN, else the one in bin_dir() (the one lookup of every suite that runs esb)."""
    path = os.environ.get("ESB_BIN") or os.path.join(bin_dir(), "esb")
    if not os.path.isfile(path):
        raise AssertionError("esb binary missing at %s: run `swift build --product esb` (or set ESB_BIN)" % path)
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
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


def read_json_lines(path):
    out = []
    with open(path, "rb") as f:
        for raw in f.read().splitlines():
            try:
                doc = json.loads(raw)
                out.append(doc if isinstance(doc, dict) else {"message": raw.decode("utf-8", "replace")})
            except ValueError:
                out.append({"message": raw.decode("utf-8", "replace")})
    return out


class Daemon:
    """One esb-* process; stdout+stderr go to a log file."""

    def __init__(self, name, argv, env, log_path):
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen(argv, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def send(self, signo):
        self.proc.send_signal(signo)

    def stop(self, timeout=40):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self._log.closed:
            self._log.close()

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log_lines(self):
        return read_json_lines(self.log_path)

    def wait_log_text(self, needle, timeout=10):
        """The log text once it contains `needle` (log lines may reach the file a moment after the response)."""
        wait_until(lambda: needle in self.log_text(), timeout, what="%r in the %s log" % (needle, self.name))
        return self.log_text()

    def wait_log_lines(self, predicate, timeout=10, count=1):
        """The parsed lines matching `predicate`, once there are at least `count` of them."""
        found = []

        def ready():
            found[:] = [x for x in self.log_lines() if predicate(x)]
            return len(found) >= count
        wait_until(ready, timeout, what="%d matching line(s) in the %s log" % (count, self.name))
        return list(found)


FUNCTIONS_YML = """\
defaults:
  environment: {{ AWS_DEFAULT_REGION: "ap-northeast-1" }}
  timeout: 30
  memory_size: 128
  max_concurrency: 4
functions:
  echo:
    image: "{image}"
    environment: {{ GREETING: "hello ${{CONTRACT_WHO}} $$HOME $UNKNOWN_CONTRACT_VAR" }}
  echo-short:
    image: "{image}"
    timeout: 2
  echo-one:
    image: "{image}"
    max_concurrency: 1
  echo-four:
    image: "{image}"
    max_concurrency: 4
  echo-drain:
    image: "{image}"
    max_concurrency: 2
  missing-image:
    image: "esb-test/does-not-exist-contract:latest"
"""

ROUTING_YML = """\
routes:
  - path: "/echo"
    method: "ANY"
    function: "echo"
  - path: "/v2/echo"
    method: "ANY"
    function: "echo"
    payload_format: "2.0"
  - path: "/items/{id}"
    method: "GET"
    function: "echo"
  - path: "/items/{id}"
    method: "POST"
    function: "echo"
  - path: "/items/special"
    method: "GET"
    function: "echo"
  - path: "/v2/items/{id}"
    method: "GET"
    function: "echo"
    payload_format: "2.0"
  - path: "/proxy/{proxy+}"
    method: "ANY"
    function: "echo"
  - path: "/v2/proxy/{proxy+}"
    method: "ANY"
    function: "echo"
    payload_format: "2.0"
  - path: "/open"
    method: "ANY"
    function: "echo"
    auth: "none"
  - path: "/v2/open"
    method: "ANY"
    function: "echo"
    payload_format: "2.0"
    auth: "none"
  - path: "/short"
    method: "ANY"
    function: "echo-short"
    auth: "none"
  - path: "/one"
    method: "ANY"
    function: "echo-one"
    auth: "none"
  - path: "/four"
    method: "ANY"
    function: "echo-four"
    auth: "none"
  - path: "/drain"
    method: "ANY"
    function: "echo-drain"
    auth: "none"
  - path: "/missing-image"
    method: "GET"
    function: "missing-image"
    auth: "none"
  - path: "/ghost"
    method: "GET"
    function: "ghost-function"
    auth: "none"
"""


class Box:
    """One esb-manager (Unix socket, published worker ports, its own ESB_INSTANCE scope) and its gateways.

    A suite with other defaults subclasses it and sets the class attributes below (tests-e2e/gateway_support.py)."""

    # Names this box's temp folder, ESB_INSTANCE, containers and login user (`esb-gateway-<tag>-gw1`).
    tag = "contract"
    # Added to the environment of the Manager / of every gateway (before a caller's overrides).
    manager_settings = {"IDLE_TIMEOUT_MINUTES": "5", "DOCKER_STOP_TIMEOUT": "1"}
    gateway_settings = {"BINARY_MEDIA_TYPES": "image/*,application/x-contract-binary"}

    def __init__(self, functions_yml=FUNCTIONS_YML, routing_yml=ROUTING_YML, manager_tcp=False):
        self.dir = tempfile.mkdtemp(prefix="esb-%s-" % self.tag)
        self.bin = bin_dir()
        self.config_dir = os.path.join(self.dir, "config")
        os.makedirs(self.config_dir)
        self.functions_path = os.path.join(self.config_dir, "functions.yml")
        self.routing_path = os.path.join(self.config_dir, "routing.yml")
        with open(self.functions_path, "w") as f:
            f.write(functions_yml.format(image=ECHO_IMAGE))
        with open(self.routing_path, "w") as f:
            f.write(routing_yml)
        self.instance = "%s-%s" % (self.tag, secrets.token_hex(4))
        self.network = "esb-" + self.instance
        self.manager_token = secrets.token_hex(16)
        self.manager_socket = os.path.join(self.dir, "manager.sock")
        # MANAGER_LISTEN host:port + MANAGER_URL http://... (compose's way) instead of the Unix socket
        self.manager_port = free_port() if manager_tcp else None
        self.access_key = "AKIA" + self.tag.upper().replace("-", "") + secrets.token_hex(4).upper()
        self.secret_key = secrets.token_urlsafe(30)
        self.manager = None
        self.gateways = []

    def manager_env(self, **overrides):
        env = dict(os.environ)
        env.update({
            "MANAGER_LISTEN": self.manager_listen, "MANAGER_TOKEN": self.manager_token,
            "WORKER_ADDRESS_MODE": "published", "LAMBDA_NETWORK": self.network, "ESB_INSTANCE": self.instance,
            "FUNCTIONS_CONFIG_PATH": self.functions_path, "CONTAINER_NAME": "esb-manager-" + self.tag,
            "LEASE_TIMEOUT_SECONDS": "30", "CONTAINER_READINESS_TIMEOUT": "30",
            "WORKER_ACCESS_KEY_ID": self.access_key, "WORKER_SECRET_ACCESS_KEY": self.secret_key,
            "GATEWAY_INTERNAL_URL": "https://127.0.0.1:1", "LOG_LEVEL": "INFO",
        })
        env.update(self.manager_settings)
        env.update({k: str(v) for k, v in overrides.items()})
        return env

    @property
    def manager_listen(self):
        return "127.0.0.1:%d" % self.manager_port if self.manager_port else "unix://" + self.manager_socket

    @property
    def manager_url(self):
        return "http://127.0.0.1:%d" % self.manager_port if self.manager_port else "unix://" + self.manager_socket

    def _manager_listening(self):
        if not self.manager_port:
            return os.path.exists(self.manager_socket)
        try:
            socket.create_connection(("127.0.0.1", self.manager_port), timeout=1).close()
            return True
        except OSError:
            return False

    def start_manager(self, **overrides):
        if subprocess.run(["docker", "network", "inspect", self.network], capture_output=True).returncode != 0:
            # The MTU the manager and the compose file give the Lambda network (docs/manager.md).
            subprocess.run(["docker", "network", "create", "--label", "esb.instance=" + self.instance,
                            "--opt", "com.docker.network.driver.mtu=9000", self.network],
                           check=True, capture_output=True)
        if os.path.exists(self.manager_socket):
            os.unlink(self.manager_socket)
        # ESB_MANAGER_BIN: another build of the Manager (bench/ compares them).
        manager_bin = os.environ.get("ESB_MANAGER_BIN") or os.path.join(self.bin, "esb-manager")
        self.manager = Daemon("esb-manager", [manager_bin], self.manager_env(**overrides),
                              os.path.join(self.dir, "manager.log"))
        wait_until(lambda: self._manager_listening() or not self.manager.alive(), 30, what="manager listening")
        assert self.manager.alive(), self.manager.log_text()[-3000:]
        return self.manager

    def start_gateway(self, **overrides):
        gw = Gateway(self, overrides)
        self.gateways.append(gw)
        return gw

    def manager_request(self, method, path, body=None, token=True, timeout=60, gateway=None):
        """(status, headers, parsed JSON or raw bytes) from the Manager (Unix socket or TCP); `gateway` is sent as
        `X-ESB-Gateway` (the caller's identity for leases)."""
        if self.manager_port:
            conn = http.client.HTTPConnection("127.0.0.1", self.manager_port, timeout=timeout)
        else:
            conn = UnixHTTPConnection(self.manager_socket, timeout=timeout)
        try:
            headers = {"Content-Type": "application/json"}
            if gateway:
                headers["X-ESB-Gateway"] = gateway
            if token:
                headers["X-ESB-Token"] = self.manager_token if token is True else token
            data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = raw
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, parsed
        finally:
            conn.close()

    def containers(self, all_states=True):
        """[(id, name, state, status)] of this run's workers."""
        args = ["docker", "ps", "--no-trunc", "--filter", "label=esb.instance=" + self.instance,
                "--format", "{{.ID}}\t{{.Names}}\t{{.State}}\t{{.Status}}"]
        if all_states:
            args.insert(2, "-a")
        out = subprocess.run(args, capture_output=True, text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line.strip()]

    def close(self):
        for gw in self.gateways:
            gw.stop()
        if self.manager:
            self.manager.stop()
        ids = [c[0] for c in self.containers()]
        if ids:
            subprocess.run(["docker", "rm", "-f"] + ids, capture_output=True)
        subprocess.run(["docker", "network", "rm", self.network], capture_output=True)


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=60):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


_insecure = []


def insecure_context():
    """A client context that accepts the gateway's self-signed certificate (built once: loading the CA store
    costs ~20 ms)."""
    if not _insecure:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        _insecure.append(ctx)
    return _insecure[0]


class Gateway:
    """One esb-gateway process on a free loopback port (self-signed certificate created by the gateway)."""

    def __init__(self, box, overrides, wait=True):
        self.box = box
        self.port = free_port()
        self.name = "gw%d" % (len(box.gateways) + 1)
        self.ssl_dir = os.path.join(box.dir, self.name + "-ssl")
        self.api_key = secrets.token_hex(12)
        self.user = box.tag + "-user"
        self.password = secrets.token_hex(8)
        self.jwt_key = secrets.token_hex(24)
        self.metrics_port = free_port()
        env = dict(os.environ)
        env.update({
            "GATEWAY_LISTEN": "127.0.0.1:%d" % self.port,
            "TLS_CERT_PATH": os.path.join(self.ssl_dir, "server.crt"),
            "TLS_KEY_PATH": os.path.join(self.ssl_dir, "server.key"),
            "JWT_SECRET_KEY": self.jwt_key, "X_API_KEY": self.api_key, "AUTH_USER": self.user,
            "AUTH_PASS": self.password, "MANAGER_URL": box.manager_url,
            "MANAGER_TOKEN": box.manager_token, "FUNCTIONS_CONFIG_PATH": box.functions_path,
            "ROUTING_CONFIG_PATH": box.routing_path, "INVOKE_ACCESS_KEY_ID": box.access_key,
            "INVOKE_SECRET_ACCESS_KEY": box.secret_key, "CONTAINER_NAME": "esb-gateway-%s-%s" % (box.tag, self.name),
            "METRICS_LISTEN": "127.0.0.1:%d" % self.metrics_port, "POOL_ACQUIRE_TIMEOUT": "20",
            # Each gateway owns its event spool (docs/async-invocations.md); a restart that should replay passes it again.
            "EVENT_SPOOL_DIR": os.path.join(box.dir, self.name + "-events"),
            # AWS waits 60 s and 120 s before retrying a failed event; the suites use short pauses.
            "EVENT_RETRY_DELAYS": "0.5,1",
            "CONTAINER_CACHE_TTL": "30", "SHUTDOWN_TIMEOUT": "10", "LOG_LEVEL": "INFO",
            "AWS_REGION": "ap-northeast-1",
        })
        env.update(box.gateway_settings)
        env.update({k: str(v) for k, v in overrides.items()})
        self.env = env
        # GATEWAY_LISTEN may be overridden (another host address): clients follow it
        listen_host, listen_port = env["GATEWAY_LISTEN"].rsplit(":", 1)
        self.host = "127.0.0.1" if listen_host in ("0.0.0.0", "") else listen_host
        self.port = int(listen_port)
        self.daemon = Daemon("esb-gateway", [os.path.join(box.bin, "esb-gateway")], env,
                             os.path.join(box.dir, self.name + ".log"))
        if wait:
            wait_until(self._healthy, 60, what="gateway %s /health" % self.name)

    def _healthy(self):
        if not self.daemon.alive():
            raise AssertionError("esb-gateway exited:\n" + self.daemon.log_text()[-3000:])
        try:
            status, _, _ = self.request("GET", "/health", timeout=2)
            return status == 200
        except OSError:
            return False

    @property
    def url(self):
        return "https://%s:%d" % (self.host, self.port)

    def stop(self):
        self.daemon.stop()

    def connection(self, timeout=60):
        return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=insecure_context())

    def request(self, method, path, body=None, headers=None, timeout=60, conn=None):
        """(status, {lower-case name: [values]}, body bytes) over http.client + TLS."""
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

    def tls_socket(self, timeout=10, **ctx_opts):
        raw = socket.create_connection((self.host, self.port), timeout=timeout)
        return insecure_context().wrap_socket(raw, server_hostname="localhost")

    def raw(self, data, timeout=10, read_until_close=True):
        """Send raw bytes over TLS, return every byte read until the server closes (or the timeout)."""
        s = self.tls_socket(timeout)
        try:
            s.sendall(data)
            return read_all(s, timeout, read_until_close)
        finally:
            s.close()

    def login(self):
        status, _, body = self.request("POST", "/user/auth/ver1.0", headers={"x-api-key": self.api_key},
                                       body=json.dumps({"AuthParameters": {"USERNAME": self.user,
                                                                           "PASSWORD": self.password}}))
        assert status == 200, body
        return json.loads(body)["AuthenticationResult"]["IdToken"]

    def auth(self, token=None):
        """An Authorization header with `token`, else with a fresh login's token."""
        return {"Authorization": "Bearer " + (token or self.login())}

    def make_jwt(self, claims, key=None, alg="HS256", header=None):
        return make_jwt(claims, key if key is not None else self.jwt_key, alg, header)

    def lambda_client(self, access_key=None, secret_key=None, token=None, read_timeout=60):
        import boto3
        import urllib3
        from botocore.config import Config
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)   # the self-signed certificate
        client = boto3.client(
            "lambda", endpoint_url=self.url, region_name="ap-northeast-1", verify=False,
            aws_access_key_id=access_key or self.box.access_key,
            aws_secret_access_key=secret_key or self.box.secret_key,
            config=Config(retries={"max_attempts": 0, "mode": "standard"}, read_timeout=read_timeout,
                          connect_timeout=10))
        return client

    def metrics(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.metrics_port, timeout=5)
        try:
            conn.request("GET", "/metrics")
            resp = conn.getresponse()
            return resp.status, resp.read().decode()
        finally:
            conn.close()


def read_all(sock, timeout=10, until_close=True):
    """Bytes until EOF (or, with until_close False, until one full response head + Content-Length body)."""
    sock.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, TimeoutError):
            break
        except (ConnectionResetError, ssl.SSLError, OSError):
            break
        if not chunk:
            break
        data += chunk
        if not until_close and complete_response(data):
            break
    return data


def complete_response(data):
    if b"\r\n\r\n" not in data:
        return False
    head, body = data.split(b"\r\n\r\n", 1)
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return True


def parse_responses(data):
    """Split raw bytes into [(status, {lower name: [values]}, body)] (Content-Length framing only)."""
    out = []
    while data:
        if b"\r\n\r\n" not in data:
            break
        head, rest = data.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers.setdefault(name.strip().lower().decode(), []).append(value.strip().decode("latin-1"))
        length = int(headers.get("content-length", ["0"])[0])
        out.append((status, headers, rest[:length]))
        data = rest[length:]
    return out


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def make_jwt(claims, key, alg="HS256", header=None):
    head = b64url(json.dumps(header or {"alg": alg, "typ": "JWT"}).encode())
    body = b64url(json.dumps(claims).encode())
    if alg == "none":
        return "%s.%s." % (head, body)
    key_bytes = key.encode() if isinstance(key, str) else key
    sig = hmac.new(key_bytes, ("%s.%s" % (head, body)).encode(), hashlib.sha256).digest()
    return "%s.%s.%s" % (head, body, b64url(sig))


def exchange(gw, data, timeout=10, pause_after=None):
    """Send raw bytes over TLS; return (parsed responses, closed_by_server, raw bytes).

    closed_by_server is True when the server ended the connection (EOF or reset) before `timeout`."""
    s = gw.tls_socket(timeout)
    try:
        s.sendall(data)
        s.settimeout(timeout)
        raw = b""
        closed = False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, TimeoutError):
                break
            except (ConnectionResetError, BrokenPipeError, ssl.SSLError, OSError):
                closed = True
                break
            if not chunk:
                closed = True
                break
            raw += chunk
        return parse_responses(raw), closed, raw
    finally:
        s.close()
