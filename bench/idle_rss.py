"""Where the resident memory of idle esb-gateway and esb-manager goes (docs/performance.md, "Memory").

Starts both daemons (binaries from $ESB_BIN_DIR, as tests-e2e/gateway_support.py) with no traffic, waits, and
prints VmRSS, the anonymous / file-backed split and the largest mappings from /proc/PID/smaps. Asserts nothing.

    ESB_BIN_DIR=.build/release python3 bench/idle_rss.py [--wait SECONDS]
"""
import argparse
import collections
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests-e2e"))
import gateway_support as gs  # noqa: E402


def breakdown(pid, top=8):
    by_mapping = collections.Counter()
    totals = collections.Counter()
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                parts = line.split()
                name = os.path.basename(parts[5]) if len(parts) > 5 else "[anon]"
            elif line.startswith("Rss:"):
                by_mapping[name] += int(line.split()[1])
            elif line.split(":")[0] in ("Anonymous", "Shared_Clean", "Private_Clean", "Private_Dirty"):
                totals[line.split(":")[0]] += int(line.split()[1])
    threads = len(os.listdir(f"/proc/{pid}/task"))
    rss = sum(by_mapping.values()) / 1024
    print(f"  VmRSS {rss:5.1f} MB, {threads} threads: anonymous {totals['Anonymous'] / 1024:.1f} MB, "
          f"file-backed shared clean {totals['Shared_Clean'] / 1024:.1f} MB, "
          f"private clean {totals['Private_Clean'] / 1024:.1f} MB")
    print("  largest: " + ", ".join(f"{k} {v / 1024:.1f}" for k, v in by_mapping.most_common(top)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wait", type=float, default=3)
    a = ap.parse_args()
    box = gs.Box()
    try:
        box.start_manager()
        gw = box.start_gateway()
        time.sleep(a.wait)
        print(f"idle, binaries from {box.bin}:")
        for label, pid in (("esb-gateway", gw.daemon.proc.pid), ("esb-manager", box.manager.proc.pid)):
            print(label)
            breakdown(pid)
    finally:
        box.close()
        shutil.rmtree(box.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
