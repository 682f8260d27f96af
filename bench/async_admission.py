"""Driver of bench/async-admission.sh (see there). bench/box_setup.py prepares and runs the box."""
import json
import os
import subprocess
import tempfile

from box_setup import arguments, box as new_box, counter, lua, prepare, wrk

PAYLOAD = json.dumps({"return": "ok"})
INVOKE = "/2015-03-31/functions/echo/invocations"


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
    a = arguments("Event admission (spool + fdatasync) next to RequestResponse", clients=16)
    prepare(a)
    box = new_box()
    shm = tempfile.mkdtemp(prefix="esb-bench-spool-", dir="/dev/shm")
    try:
        box.start_manager()
        disk = box.start_gateway(POOL_ACQUIRE_TIMEOUT="30")
        tmpfs = box.start_gateway(POOL_ACQUIRE_TIMEOUT="30", EVENT_SPOOL_DIR=shm)
        token = disk.login()
        tmp = tempfile.mkdtemp(prefix="esb-bench-")
        sync = lua(os.path.join(tmp, "sync.lua"), PAYLOAD, {"Authorization": "Bearer " + token})
        event = lua(os.path.join(tmp, "event.lua"), PAYLOAD, {"Authorization": "Bearer " + token, "X-Amz-Invocation-Type": "Event"})
        # The tmpfs gateway checks tokens with its own key.
        event_tmpfs = lua(os.path.join(tmp, "event-tmpfs.lua"), PAYLOAD,
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
