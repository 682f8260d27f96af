"""The durability cost behind the event spool's format choice (docs/async-invocations.md), on this machine's disk:
per event, (a) one file per event (write a temporary file, fsync, rename, fsync the directory), (b) an append to a
segment + fdatasync (one event per fsync: a single client), (c) an append of a batch of N events + one fdatasync
(group commit under concurrency). Prints figures; asserts nothing.

    python3 bench/spool_fsync_cost.py [--dir DIR] [--events N] [--batch B]
"""
import argparse
import os
import shutil
import tempfile
import time

RECORD = b"E" * 200  # a small event record (header + ids + a short payload)


def one_file_per_event(d, n):
    t = time.perf_counter()
    dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    for i in range(n):
        tmp, final = os.path.join(d, ".%d.tmp" % i), os.path.join(d, "%d.ev" % i)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(fd, RECORD)
        os.fsync(fd)
        os.close(fd)
        os.rename(tmp, final)
        os.fsync(dfd)
    os.close(dfd)
    return (time.perf_counter() - t) / n


def segment(d, n, batch):
    fd = os.open(os.path.join(d, "seg.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    t = time.perf_counter()
    for _ in range(n // batch):
        os.write(fd, RECORD * batch)
        os.fdatasync(fd)
    os.close(fd)
    return (time.perf_counter() - t) / (n // batch * batch)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=None, help="folder on the disk to measure (default: a temporary folder)")
    ap.add_argument("--events", type=int, default=400)
    ap.add_argument("--batch", type=int, default=16)
    a = ap.parse_args()
    d = tempfile.mkdtemp(prefix="esb-fsync-", dir=a.dir)
    try:
        per_file = one_file_per_event(d, a.events)
        single = segment(d, a.events, 1)
        batched = segment(d, a.events * 4, a.batch)
        print("durable write of one 200-byte event, %s:" % d)
        print("  one file per event (write, fsync, rename, fsync dir)  %7.3f ms  -> %6.0f events/s" % (per_file * 1e3, 1 / per_file))
        print("  segment append + fdatasync, 1 event per sync         %7.3f ms  -> %6.0f events/s" % (single * 1e3, 1 / single))
        print("  segment append + fdatasync, %2d events per sync        %7.3f ms  -> %6.0f events/s" % (a.batch, batched * 1e3, 1 / batched))
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
