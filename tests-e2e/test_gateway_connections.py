"""MAX_CONNECTIONS and the gateway raising its file-descriptor limit (docs/gateway.md, "Connections and
descriptors"), against the real esb-gateway process over real TLS on 127.0.0.1.

- Started with a soft RLIMIT_NOFILE of 256 (below what it must hold), the gateway raises it to the hard limit and
  serves 1,150 concurrent idle TLS connections, every one of them answering a request, plus a new one.
- With MAX_CONNECTIONS=1100 it serves 1,100 concurrent connections, closes the 1,101st at once without serving
  it, and serves a new one again as soon as one of the 1,100 goes away.

The held connections would otherwise meet the 10 s header timeout while the others are still being opened on a
loaded machine, so both gateways run with long header and idle timeouts.
"""
import os
import resource
import socket
import ssl

import pytest

import gateway_support as gs

pytestmark = pytest.mark.timeout(300)

HELD = 1150
LIMITED = 1100
START_SOFT_LIMIT = 256
LONG_TIMEOUTS = {"HTTP_HEADER_TIMEOUT": "300", "HTTP_IDLE_TIMEOUT": "300"}


@pytest.fixture(scope="module")
def box():
    # The clients here hold more than 2,200 descriptors at once.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 2 * HELD + 200:
        pytest.fail(f"the hard RLIMIT_NOFILE ({hard}) is too low for this test; it needs {2 * HELD + 200}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        yield from gs.box_fixture()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def start_gateway_with_low_fd_limit(box, **overrides):
    """A gateway whose inherited soft RLIMIT_NOFILE is START_SOFT_LIMIT (children inherit the limits of the
    process that starts them; ours goes back up once the gateway is running)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (START_SOFT_LIMIT, hard))
    try:
        gw = box.start_gateway(**overrides)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return gw


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def open_tls(gw, ctx):
    """A TLS connection with its handshake done (so the server has accepted it and holds a descriptor)."""
    raw = socket.create_connection(("127.0.0.1", gw.port), timeout=30)
    try:
        return ctx.wrap_socket(raw, server_hostname="127.0.0.1")
    except Exception:
        raw.close()
        raise


def health_on(conn):
    """GET /health on an open connection (keep-alive); the status code."""
    conn.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            raise ConnectionError("closed before the response head")
        data += chunk
    return int(data.split(b" ", 2)[1])


def open_files(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def soft_fd_limit(pid):
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                return int(line.split()[3])
    raise AssertionError("no 'Max open files' line")


def close_all(conns):
    for c in conns:
        try:
            c.close()
        except OSError:
            pass


def test_gateway_raises_its_fd_limit_and_serves_1150_concurrent_tls_connections(box):
    gw = start_gateway_with_low_fd_limit(box, **LONG_TIMEOUTS)
    pid = gw.daemon.proc.pid
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    assert soft_fd_limit(pid) == hard, "the gateway did not raise its soft RLIMIT_NOFILE to the hard limit"
    ctx = tls_context()
    conns = []
    try:
        for _ in range(HELD):
            conns.append(open_tls(gw, ctx))
        # The server holds a descriptor for each of them (more than the limit it was started with).
        gs.wait_until(lambda: open_files(pid) > HELD, 30, what=f"the gateway to hold {HELD} connections")
        # A new connection is served while all of them stay open...
        status, _, _ = gw.request("GET", "/health", timeout=30)
        assert status == 200
        # ...and every one of them was accepted and is served.
        statuses = [health_on(c) for c in conns]
        assert statuses == [200] * HELD
        assert gw.daemon.alive()
    finally:
        close_all(conns)


def test_max_connections_closes_the_one_over_the_limit_and_serves_again_when_one_leaves(box):
    gw = start_gateway_with_low_fd_limit(box, MAX_CONNECTIONS=str(LIMITED), **LONG_TIMEOUTS)
    ctx = tls_context()
    conns = []
    try:
        for _ in range(LIMITED):
            conns.append(open_tls(gw, ctx))
        assert [health_on(c) for c in conns] == [200] * LIMITED
        # One over the limit: accepted by the kernel, closed by the gateway before any TLS byte.
        with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
            extra = open_tls(gw, ctx)
            try:
                health_on(extra)
            finally:
                extra.close()
        # The held ones are untouched by the refusal.
        assert health_on(conns[0]) == 200 and health_on(conns[-1]) == 200
        # One leaves: as soon as the gateway has seen it go, a new connection is served.
        conns.pop().close()

        def a_new_one_is_served():
            try:
                fresh = open_tls(gw, ctx)
            except (ssl.SSLError, OSError):
                return False
            conns.append(fresh)
            try:
                return health_on(fresh) == 200
            except (ssl.SSLError, OSError):
                return False

        gs.wait_until(a_new_one_is_served, 30, interval=0.2, what="a new connection served after one left")
        assert gw.daemon.alive()
    finally:
        close_all(conns)
