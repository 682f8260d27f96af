"""Driver of bench/cold-start.sh (see there): per round, in turns, (a) Engine API create + start + first RIE
invoke of the hello worker and (b) the first request through esb-gateway to a function without a worker."""
import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests-e2e"))
import gateway_support as gs  # noqa: E402
from contract.box import UnixHTTPConnection  # noqa: E402

HELLO_IMAGE = "esb-bench/hello-worker:latest"
RIE_PATH = "/2015-03-31/functions/function/invocations"


class ColdBox(gs.Box):
    """gateway_support's Box with one hello function per round (`cold-<i>`, route `/cold-<i>`, no auth), so every
    round's first request finds no worker; workers reached on their bridge address, as (a) reaches its own."""

    def __init__(self, rounds):
        super().__init__()
        self.manager_metrics_port = gs.free_port()
        with open(self.functions_path, "w") as f:
            f.write("defaults:\n  timeout: 30\n  memory_size: 128\n  max_concurrency: 1\nfunctions:\n")
            f.writelines(f"  cold-{i}:\n    image: \"{HELLO_IMAGE}\"\n" for i in range(rounds))
        with open(self.routing_path, "w") as f:
            f.write("routes:\n")
            f.writelines(f"  - path: \"/cold-{i}\"\n    method: \"ANY\"\n    function: \"cold-{i}\"\n"
                         "    auth: \"none\"\n" for i in range(rounds))

    def manager_env(self, **overrides):
        env = super().manager_env(**overrides)
        env["WORKER_ADDRESS_MODE"] = "network"
        env["METRICS_LISTEN"] = "127.0.0.1:%d" % self.manager_metrics_port
        return env

    def workers_of(self, function):
        return subprocess.run(["docker", "ps", "-aq", "--filter", "label=esb.instance=" + self.instance,
                               "--filter", "label=esb.function=" + function],
                              capture_output=True, text=True, check=True).stdout.split()


def engine(method, path, body=None):
    """One Engine API call on /var/run/docker.sock (what the Manager uses); the parsed answer."""
    conn = UnixHTTPConnection("/var/run/docker.sock")
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
        resp = conn.getresponse()
        raw = resp.read()
        if resp.status >= 300:
            raise RuntimeError(f"{method} {path}: {resp.status} {raw[:200]!r}")
        return json.loads(raw) if raw else None
    finally:
        conn.close()


class EngineEvents:
    """Docker's own `create` and `start` events of this box's containers, streamed from GET /events while the run
    lasts: wall-clock instants (the daemon's TimeNano) by container id, to split each cold start at the two points
    both sides share."""

    def __init__(self, instance):
        self.seen = {}
        self.changed = threading.Condition()
        filters = json.dumps({"type": ["container"], "event": ["create", "start"],
                              "label": ["esb.instance=" + instance]})
        self.conn = UnixHTTPConnection("/var/run/docker.sock", timeout=None)
        self.conn.request("GET", "/events?filters=" + urllib.parse.quote(filters))
        self.sock = self.conn.sock
        self.response = self.conn.getresponse()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        try:
            for line in iter(self.response.readline, b""):
                event = json.loads(line)
                with self.changed:
                    self.seen.setdefault(event["id"], {})[event["Action"]] = event["timeNano"] / 1e9
                    self.changed.notify_all()
        except (OSError, ValueError):
            pass  # closed at the end of the run

    def instants(self, container_id, timeout=10):
        """(create, start) wall-clock instants of one container, once both events arrived."""
        with self.changed:
            self.changed.wait_for(lambda: len(self.seen.get(container_id, {})) == 2, timeout)
            got = self.seen[container_id]
            return got["create"], got["start"]

    def close(self):
        # Shut the socket down first: closing the response while the reader blocks in readline would wait on the
        # reader's buffer lock forever.
        self.sock.shutdown(socket.SHUT_RDWR)
        self.reader.join()
        self.conn.close()


def split(events, container_id, begin, end):
    """Milliseconds from `begin` to Docker's create event, from there to its start event, and on to `end`."""
    create, start = events.instants(container_id)
    return {"until the create event": (create - begin) * 1000, "create event -> start event": (start - create) * 1000,
            "start event -> response": (end - start) * 1000}


def direct_cold_start(box, name):
    """(a): create + start on the box's network, wait for the RIE's port on the bridge address (as the Manager's
    readiness check does), first invoke. Milliseconds from create to the invoke's last byte, the parts, and the
    container id with the wall-clock instants of the first and last byte."""
    wall0 = time.time()
    t0 = time.perf_counter()
    cid = engine("POST", f"/containers/create?name={name}", {
        "Image": HELLO_IMAGE, "Labels": {"esb.instance": box.instance},
        "Env": ["AWS_LAMBDA_FUNCTION_NAME=" + name, "AWS_LAMBDA_FUNCTION_TIMEOUT=30",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128"],
        "HostConfig": {"Memory": 128 * 1024 * 1024, "RestartPolicy": {"Name": "no"}, "NetworkMode": box.network},
    })["Id"]
    try:
        t_create = time.perf_counter()
        engine("POST", f"/containers/{cid}/start")
        t_start = time.perf_counter()
        ip = engine("GET", f"/containers/{cid}/json")["NetworkSettings"]["Networks"][box.network]["IPAddress"]
        while True:
            try:
                socket.create_connection((ip, 8080), timeout=0.2).close()
                break
            except OSError:
                if time.perf_counter() - t_start > 30:
                    raise RuntimeError("the RIE's port never opened")
                time.sleep(0.001)
        t_ready = time.perf_counter()
        conn = http.client.HTTPConnection(ip, 8080, timeout=30)
        conn.request("POST", RIE_PATH, body=b"{}")
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        t_end = time.perf_counter()
        assert resp.status == 200 and b"hello" in body, (resp.status, body)
        ms = lambda a, b: (b - a) * 1000  # noqa: E731
        return ms(t0, t_end), {"create": ms(t0, t_create), "start": ms(t_create, t_start),
                               "port open": ms(t_start, t_ready), "first invoke": ms(t_ready, t_end)}, \
            (cid, wall0, wall0 + (t_end - t0))
    finally:
        engine("DELETE", f"/containers/{cid}?force=true")


def gateway_cold_start(box, gw, conn, i):
    """(b): the first request to `cold-<i>` on an open keep-alive TLS connection; milliseconds to the last byte.
    Refuses a round that was not cold: a worker existed before, or the access line does not say cold_start."""
    function = f"cold-{i}"
    assert not box.workers_of(function), f"{function} already has a worker"
    wall0 = time.time()
    t0 = time.perf_counter()
    status, _, body = gw.request("POST", "/" + function, body=b"{}", conn=conn)
    total = (time.perf_counter() - t0) * 1000
    assert status == 200 and b"hello" in body, (status, body)
    line = gw.daemon.wait_log_lines(lambda x: x.get("function") == function and "cold_start" in x)[0]
    assert line["cold_start"] is True, line
    return total, line, (line["worker"], wall0, wall0 + total / 1000)


def manager_means(box):
    """Mean duration (ms) of the Manager's container operations over the run, by operation, from its /metrics
    (esb_manager_container_operation_duration_seconds_sum / _count)."""
    conn = http.client.HTTPConnection("127.0.0.1", box.manager_metrics_port, timeout=10)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    found = {}
    for kind, operation, value in re.findall(
            r'^esb_manager_container_operation_duration_seconds_(sum|count)\{[^}]*operation="([^"]+)"[^}]*\} (\S+)$',
            text, re.M):
        found.setdefault(operation, {})[kind] = float(value)
    return {op: v["sum"] / v["count"] * 1000 for op, v in found.items() if v.get("count")}


def summary(values):
    return statistics.median(values), min(values), max(values)


def main():
    ap = argparse.ArgumentParser(description="cold start through esb-gateway vs the Engine API, one run")
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    box = ColdBox(args.rounds)
    box.start_manager()
    try:
        gw = box.start_gateway()
        conn = gw.connection()
        assert gw.request("GET", "/health", conn=conn)[0] == 200  # the TLS handshake is not part of (b)
        events = EngineEvents(box.instance)
        direct, gateway, parts, lines, splits = [], [], {}, [], {"a": {}, "b": {}}
        for i in range(args.rounds):
            # the two take turns, so a busy moment of the machine falls on both alike
            steps = [("a", lambda: direct_cold_start(box, f"esb-cold-direct-{box.instance}-{i}")),
                     ("b", lambda: gateway_cold_start(box, gw, conn, i))]
            for kind, step in steps if i % 2 == 0 else reversed(steps):
                total, extra, (cid, begin, end) = step()
                for k, v in split(events, cid, begin, end).items():
                    splits[kind].setdefault(k, []).append(v)
                if kind == "a":
                    direct.append(total)
                    for k, v in extra.items():
                        parts.setdefault(k, []).append(v)
                else:
                    gateway.append(total)
                    lines.append(extra)
        conn.close()
        events.close()
        docker = engine("GET", "/version")["Version"]
        print(f"# {HELLO_IMAGE}, {args.rounds} rounds, Docker {docker}, {os.cpu_count()} CPUs, "
              f"load {os.getloadavg()[0]:.2f}")
        print(f"{'':52} {'median':>8} {'min':>8} {'max':>8}  (ms)")
        rows = [("(a) Engine API create+start+first RIE invoke", direct)]
        rows += [(f"      {k}", v) for k, v in parts.items()]
        rows.append(("      create+start+port open", [d - f for d, f in zip(direct, parts["first invoke"])]))
        rows += [("(b) first request through esb-gateway (cold)", gateway)]
        queue = [float(x["queue_ms"]) for x in lines]
        rows.append(("      queue_ms: lease (Manager create+start+ready)", queue))
        rows.append(("      rest: first invoke + gateway", [g - q for g, q in zip(gateway, queue)]))
        for op, mean in manager_means(box).items():
            rows.append((f"      Manager {op} (mean, its /metrics)", [mean]))
        rows.append(("(b) - (a), per round", [g - d for g, d in zip(gateway, direct)]))
        for k in splits["a"]:
            rows.append((f"{k}: (a)", splits["a"][k]))
            rows.append((f"{k}: (b)", splits["b"][k]))
            rows.append((f"{k}: (b) - (a)", [b - a for a, b in zip(splits["a"][k], splits["b"][k])]))
        for label, values in rows:
            print("%-52s %8.1f %8.1f %8.1f" % (label, *summary(values)))
        print(f"target (issue 11): median (b) - (a) <= 40 ms; logs in {box.dir}")
    finally:
        box.close()


if __name__ == "__main__":
    main()
