"""Driver of bench/gateway-latency.sh (see there). Uses tests-e2e/gateway_support.py to run the daemons."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests-e2e"))
import gateway_support as gs  # noqa: E402

PAYLOAD = json.dumps({"return": {"statusCode": 200, "body": "ok"}})


def lua(path, headers):
    with open(path, "w") as f:
        f.write('wrk.method = "POST"\n')
        f.write("wrk.body = %s\n" % json.dumps(PAYLOAD))
        for k, v in headers.items():
            f.write("wrk.headers[%s] = %s\n" % (json.dumps(k), json.dumps(v)))
    return path


def cpu_seconds(pid):
    """User + system CPU time of a process so far (/proc/PID/stat): the gateway's cost per request, which a loaded
    machine stretches far less than it stretches latency."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url, clients, duration, script=None):
    threads = max(1, min(clients, 2))
    args = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{duration}s", "--latency"]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    def ms(label):
        m = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)\s*$" % re.escape(label), out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"p50": ms("50%"), "p99": ms("99%"), "rps": rps, "requests": requests,
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "errors": errors.group(0) if errors else ""}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--clients", type=int, default=8)
    a = ap.parse_args()
    box = gs.Box()
    try:
        box.start_manager()
        gw = box.start_gateway(POOL_ACQUIRE_TIMEOUT="30")
        token = gw.login()
        auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        assert gw.request("POST", "/echo", body=PAYLOAD, headers=auth)[0] == 200
        ports = subprocess.run(["docker", "ps", "--filter", "label=esb.function=echo", "--filter",
                                f"network={box.network}", "--format", "{{.Ports}}"],
                               capture_output=True, text=True).stdout
        rie_port = int(re.search(r"127\.0\.0\.1:(\d+)->8080", ports).group(1))
        tmp = tempfile.mkdtemp(prefix="esb-bench-")
        direct_script = lua(os.path.join(tmp, "direct.lua"), {"Content-Type": "application/json"})
        gw_script = lua(os.path.join(tmp, "gw.lua"), auth)
        rie_url = f"http://127.0.0.1:{rie_port}/2015-03-31/functions/function/invocations"
        gw_url = f"{gw.url}/echo"
        wrk(gw_url, 1, 2, gw_script)  # warm-up (connection, JIT-free but caches)
        direct = wrk(rie_url, 1, a.duration, direct_script)
        pid = gw.daemon.proc.pid
        cpu0 = cpu_seconds(pid)
        via = wrk(gw_url, 1, a.duration, gw_script)
        via_cpu = (cpu_seconds(pid) - cpu0) / max(1, via["requests"]) * 1e6
        print(f"one client, keep-alive, {a.duration}s each (same invocation, echo fixture, real RIE):")
        print(f"  RIE direct      p50 {direct['p50']:7.3f} ms   p99 {direct['p99']:7.3f} ms   {direct['rps']:8.1f} req/s")
        print(f"  via gateway     p50 {via['p50']:7.3f} ms   p99 {via['p99']:7.3f} ms   {via['rps']:8.1f} req/s  (HTTPS)")
        print(f"  added           p50 {via['p50'] - direct['p50']:7.3f} ms   p99 {via['p99'] - direct['p99']:7.3f} ms")
        cpu0 = cpu_seconds(pid)
        many = wrk(gw_url, a.clients, a.duration, gw_script)
        many_cpu = (cpu_seconds(pid) - cpu0) / max(1, many["requests"]) * 1e6
        health = wrk(f"{gw.url}/health", a.clients, a.duration)
        workers = len([c for c in box.worker_containers(all_states=False) if "echo" in c[1]])
        print(f"{a.clients} clients, {a.duration}s:")
        print(f"  via gateway, function echo (max_concurrency 4, {workers} workers): {many['rps']:8.1f} req/s"
              f"   p50 {many['p50']:.3f} ms  p99 {many['p99']:.3f} ms  non-2xx {many['non2xx']} {many['errors']}")
        print(f"  GET /health (gateway alone):                          {health['rps']:8.1f} req/s"
              f"   p50 {health['p50']:.3f} ms  p99 {health['p99']:.3f} ms")
        print(f"  reference: one RIE worker, one client:               {direct['rps']:8.1f} req/s")
        print(f"gateway CPU per request (user+system): {via_cpu:.0f} µs at 1 client, {many_cpu:.0f} µs at"
              f" {a.clients} clients")
    finally:
        box.close()


if __name__ == "__main__":
    main()
