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
from box_setup import cpu_seconds, lua, wrk  # noqa: E402 (the benchmarks' one wrk runner)

PAYLOAD = json.dumps({"return": {"statusCode": 200, "body": "ok"}})


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
        direct_script = lua(os.path.join(tmp, "direct.lua"), PAYLOAD, {"Content-Type": "application/json"})
        gw_script = lua(os.path.join(tmp, "gw.lua"), PAYLOAD, auth)
        rie_url = f"http://127.0.0.1:{rie_port}/2015-03-31/functions/function/invocations"
        gw_url = f"{gw.url}/echo"
        wrk(gw_url, 1, 2, gw_script)  # warm-up (connection, JIT-free but caches)
        direct = wrk(rie_url, 1, a.duration, direct_script)
        pid = gw.daemon.proc.pid
        cpu0 = cpu_seconds(pid)
        via = wrk(gw_url, 1, a.duration, gw_script)
        via_cpu = (cpu_seconds(pid) - cpu0) / max(1, via["total"]) * 1e6
        print(f"one client, keep-alive, {a.duration}s each (same invocation, echo fixture, real RIE):")
        print(f"  RIE direct      p50 {direct['p50']:7.3f} ms   p99 {direct['p99']:7.3f} ms   {direct['rps']:8.1f} req/s")
        print(f"  via gateway     p50 {via['p50']:7.3f} ms   p99 {via['p99']:7.3f} ms   {via['rps']:8.1f} req/s  (HTTPS)")
        print(f"  added           p50 {via['p50'] - direct['p50']:7.3f} ms   p99 {via['p99'] - direct['p99']:7.3f} ms")
        cpu0 = cpu_seconds(pid)
        many = wrk(gw_url, a.clients, a.duration, gw_script)
        many_cpu = (cpu_seconds(pid) - cpu0) / max(1, many["total"]) * 1e6
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
