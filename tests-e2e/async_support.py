"""Helpers for the asynchronous-invocation suites (tests-e2e/test_async_*.py): sending Event invocations over
real HTTPS to the real gateway, and counting executions from the functions' own output (the workers' stdout as
Docker keeps it), never from the gateway's bookkeeping."""
import json
import re
import struct
import subprocess
import threading
import uuid

INVOKE_PATH = "/2015-03-31/functions/%s/invocations"


def send_events(gw, function, ids, payload_for, threads=4, token=None):
    """POSTs one Event invocation per id (X-Request-Id = the id, so it is also the function's aws_request_id);
    returns {id: status}."""
    token = token or gw.login()
    statuses = {}
    lock = threading.Lock()
    chunks = [ids[i::threads] for i in range(threads)]

    def worker(chunk):
        conn = gw.connection(timeout=60)
        try:
            for i in chunk:
                status, _, _ = gw.request(
                    "POST", INVOKE_PATH % function, body=json.dumps(payload_for(i)),
                    headers={"Authorization": "Bearer " + token, "X-Amz-Invocation-Type": "Event",
                             "X-Request-Id": i, "Content-Type": "application/json"}, conn=conn)
                with lock:
                    statuses[i] = status
        finally:
            conn.close()

    ts = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return statuses


def new_ids(n, tag):
    return ["%s-%s" % (tag, uuid.uuid4()) for _ in range(n)]


def worker_output(box):
    """All stdout/stderr lines of this run's workers."""
    lines = []
    for c in box.containers():
        out = subprocess.run(["docker", "logs", c[0]], capture_output=True, text=True, errors="replace")
        lines += (out.stdout + out.stderr).splitlines()
    return lines


def executions(box, marker):
    """{id: times printed} for lines `<marker> <id>` that the function printed."""
    counts = {}
    pattern = re.compile(re.escape(marker) + r" (\S+)")
    for line in worker_output(box):
        m = pattern.search(line)
        if m:
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts


def metric(text, name):
    """The value of an unlabelled sample, or None."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


# --- spool records as the gateway writes them (docs/async-invocations.md), for crafted spool files ----------------
def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def _s(text):
    b = text.encode()
    return struct.pack("<H", len(b)) + b


def admit_record(event_id, function, payload, enqueued_at_ms, trace="Root=1-00000000-000000000000000000000000"):
    body = bytes([1]) + _s(event_id) + _s(function) + _s(trace) + struct.pack("<q", enqueued_at_ms)
    body += struct.pack("<IIIq", 0, 0, 0, 0) + struct.pack("<I", len(payload)) + payload
    return b"ESBR" + struct.pack("<II", len(body), crc32c(body)) + body
