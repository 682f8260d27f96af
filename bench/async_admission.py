"""Driver of bench/async-admission.sh (see there). Uses tests-e2e/gateway_support.py to run the daemons."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests-e2e"))
import gateway_support as gs  # noqa: E402

PAYLOAD = json.dumps({"return": "ok"})
INVOKE = "/2015-03-31/functions/echo/invocations"


def lua(path, headers):
    with open(path, "w") as f:
        f.write('wrk.method = "POST"\n')
        f.write("wrk.body = %s\n" % json.dumps(PAYLOAD))
        for k, v in headers.items():
            f.write("wrk.headers[%s] = %s\n" % (json.dumps(k), json.dumps(v)))
    return path


def wrk(url, clients, duration, script):
    args = ["wrk", "-t%d" % max(1, min(clients, 2)), "-c%d" % clients, "-d%ds" % duration, "--latency", "-s", script]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout

    def ms(label):
        m = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)\s*$" % re.escape(label), out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": ms("50%"), "p99": ms("99%"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "total": total}


def counter(gw, name):
    _, text = gw.metrics()
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def measure_events(gw, clients, duration, script):
    before = (counter(gw, "esb_gateway_event_spool_admitted_total"), counter(gw, "esb_gateway_event_spool_fsyncs_total"))
    r = wrk(gw.url + INVOKE, clients, duration, script)
    admitted = counter(gw, "esb_gateway_event_spool_admitted_total") - before[0]
    fsyncs = counter(gw, "esb_gateway_event_spool_fsyncs_total") - before[1]
    r["per_fsync"] = admitted / fsyncs if fsyncs else 0
    return r


def line(label, r, extra=""):
    return "  %-44s %8.1f req/s   p50 %7.3f ms   p99 %7.3f ms   non-2xx %d%s" % (
        label, r["rps"], r["p50"], r["p99"], r["non2xx"], extra)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--clients", type=int, default=16)
    a = ap.parse_args()
    box = gs.Box()
    shm = tempfile.mkdtemp(prefix="esb-bench-spool-", dir="/dev/shm")
    try:
        box.start_manager()
        disk = box.start_gateway(POOL_ACQUIRE_TIMEOUT="30")
        tmpfs = box.start_gateway(POOL_ACQUIRE_TIMEOUT="30", EVENT_SPOOL_DIR=shm)
        token = disk.login()
        tmp = tempfile.mkdtemp(prefix="esb-bench-")
        sync = lua(os.path.join(tmp, "sync.lua"), {"Authorization": "Bearer " + token})
        event = lua(os.path.join(tmp, "event.lua"), {"Authorization": "Bearer " + token, "X-Amz-Invocation-Type": "Event"})
        # The tmpfs gateway checks tokens with its own key.
        event_tmpfs = lua(os.path.join(tmp, "event-tmpfs.lua"),
                          {"Authorization": "Bearer " + tmpfs.login(), "X-Amz-Invocation-Type": "Event"})
        wrk(disk.url + INVOKE, 1, 2, sync)  # warm-up: a worker for echo
        print("Invoke API, function echo (max_concurrency 4), %ds each, spool of the first gateway in %s" % (
            a.duration, disk.env["EVENT_SPOOL_DIR"]))
        for clients in (1, a.clients):
            print("%d client(s), keep-alive:" % clients)
            s = wrk(disk.url + INVOKE, clients, a.duration, sync)
            print(line("RequestResponse (synchronous, 200)", s))
            e = measure_events(disk, clients, a.duration, event)
            print(line("Event, spool on disk (202 after fdatasync)", e, "   %.1f events per fdatasync" % e["per_fsync"]))
            t = measure_events(tmpfs, clients, a.duration, event_tmpfs)
            print(line("Event, spool on tmpfs (fdatasync ~free)", t, "   %.1f events per fdatasync" % t["per_fsync"]))
        print("queued at the end (they run at the function's pace): disk %d, tmpfs %d" % (
            counter(disk, "esb_gateway_events_queued"), counter(tmpfs, "esb_gateway_events_queued")))
    finally:
        box.close()
        subprocess.run(["rm", "-rf", shm])


if __name__ == "__main__":
    main()
