"""Scheduled functions (docs/async-invocations.md, "Scheduled functions") against the real gateway, manager and RIE
workers: a one-minute rate fires on its minute, a SIGHUP edit takes effect on the next tick, a disabled schedule
stops, a cron schedule delivers EventBridge's Scheduled Event, and a gateway with SCHEDULER_ENABLED=false fires
nothing. Executions are counted from the function's own output. Takes about three minutes (real minutes)."""
import json
import os
import signal
import time

import pytest

from async_support import executions, worker_output
from contract.box import Box, wait_until

FUNCTIONS = """\
defaults:
  timeout: 30
  max_concurrency: 1
functions:
  sched-echo:
    image: "{image}"
"""

ROUTING = "routes: []\n"


def write_schedules(path, tick_input=None, tick_enabled=True, with_cron=True):
    lines = ["schedules:",
             "  - name: tick", "    function: sched-echo", '    expression: "rate(1 minute)"',
             "    enabled: %s" % ("true" if tick_enabled else "false")]
    if tick_input is not None:
        lines.append("    input: %s" % json.dumps(json.dumps(tick_input)))
    if with_cron:
        lines += ["  - name: every-minute", "    function: sched-echo", '    expression: "cron(* * * * ? *)"']
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(path + ".tmp", path)


@pytest.fixture(scope="module")
def box():
    b = Box(functions_yml=FUNCTIONS, routing_yml=ROUTING)
    b.start_manager()
    try:
        yield b
    finally:
        b.close()


def iso_ms(text):
    """Milliseconds since the epoch of the gateway's `2026-12-06T19:45:00.000Z`."""
    import calendar
    date, rest = text.rstrip("Z").split("T")
    hms, _, frac = rest.partition(".")
    t = calendar.timegm(time.strptime(date + "T" + hms, "%Y-%m-%dT%H:%M:%S"))
    return t * 1000 + int((frac or "0")[:3].ljust(3, "0"))


def test_a_schedule_fires_survives_sighup_edits_and_stops_when_disabled(box):
    path = os.path.join(box.dir, "config", "schedules.yml")
    write_schedules(path, tick_input={"print": "TICK A"})
    gw = box.start_gateway(SCHEDULES_CONFIG_PATH=path)
    quiet = box.start_gateway(SCHEDULES_CONFIG_PATH=path, SCHEDULER_ENABLED="false")
    loaded = gw.daemon.wait_log_lines(lambda x: x.get("message") == "schedules loaded", 10)[0]
    assert loaded["schedules"] == 2

    def fired(name):
        return [x for x in gw.daemon.log_lines() if x.get("message") == "schedule fired" and x.get("schedule") == name]

    # The one-minute rate fires one minute after it was loaded (the plan's time, not a measured delay).
    wait_until(lambda: "TICK A" in "\n".join(worker_output(box)), 100, interval=1, what="TICK A from the function")
    first = fired("tick")[0]
    assert abs(iso_ms(first["scheduled_time"]) - iso_ms(loaded["_time"]) - 60_000) < 1000, (first, loaded)
    print("\ntick scheduled %s, ran (gateway log) %s" % (first["scheduled_time"], first["_time"]))

    # The cron schedule sends EventBridge's Scheduled Event: the function ran with that request id.
    wait_until(lambda: fired("every-minute"), 70, interval=1, what="the cron schedule")
    cron_id = fired("every-minute")[0]["request_id"]
    wait_until(lambda: any(("START RequestId: " + cron_id) in line for line in worker_output(box)), 30,
               what="the cron schedule's execution")

    # SIGHUP edit: the same expression keeps its minute, the next tick carries the new input.
    write_schedules(path, tick_input={"print": "TICK B"})
    gw.daemon.send(signal.SIGHUP)
    gw.daemon.wait_log_lines(lambda x: x.get("message") == "schedules loaded", 10, count=2)
    wait_until(lambda: "TICK B" in "\n".join(worker_output(box)), 100, interval=1, what="TICK B after SIGHUP")
    second = [x for x in fired("tick") if x["_time"] > first["_time"]]
    assert second and (iso_ms(second[-1]["scheduled_time"]) - iso_ms(first["scheduled_time"])) % 60_000 == 0

    # Disabled (and the cron removed): nothing fires any more, for longer than a whole period.
    write_schedules(path, tick_input={"print": "TICK C"}, tick_enabled=False, with_cron=False)
    gw.daemon.send(signal.SIGHUP)
    # The file watch may reload the same file too (docs/configuration.md, "Reload"): wait for the reload of THIS
    # version rather than counting reload lines.
    reload = gw.daemon.wait_log_lines(
        lambda x: x.get("message") == "schedules loaded" and x.get("schedules") == 0, 15)[-1]
    assert reload["schedules"] == 0 and reload["disabled"] == 1
    fired_before = len(fired("tick")) + len(fired("every-minute"))
    time.sleep(70)
    assert len(fired("tick")) + len(fired("every-minute")) == fired_before
    assert "TICK C" not in "\n".join(worker_output(box))
    # The gateway with SCHEDULER_ENABLED=false fired nothing at all.
    assert not [x for x in quiet.daemon.log_lines() if x.get("message") in ("schedule fired", "schedules loaded")]
    assert executions(box, "TICK").get("A", 0) >= 1
    gw.stop()
    quiet.stop()
