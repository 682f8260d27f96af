"""What the box benchmarks under bench/ share: the command line (`--no-setup`, `--no-build`, `--duration`,
`--clients`), the preparation (tests-e2e/setup.sh, wrk from Debian's packages, the release esb-gateway beside the
debug esb-manager), the box itself (tests-e2e/gateway_support.py over the one box helper, tests-e2e/contract/box.py)
and wrk with its figures parsed.

The gateway is measured in its release build. The Manager is not on the measured (warm) path: it only starts the
workers, so its debug build does (and is what the test suites use). ESB_MANAGER_BIN names another Manager binary,
ESB_BIN_DIR another folder of esb-gateway.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests-e2e"))
import gateway_support  # noqa: E402


def arguments(description, clients):
    """The benchmarks' common options, parsed."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--no-setup", action="store_true", help="skip tests-e2e/setup.sh (dockerd, images)")
    ap.add_argument("--no-build", action="store_true", help="use the binaries already built")
    ap.add_argument("--duration", type=int, default=8, help="seconds per measurement")
    ap.add_argument("--clients", type=int, default=clients, help="concurrent connections of the loaded runs")
    return ap.parse_args()


def _bin_path(*configuration):
    return subprocess.run(["swift", "build", *configuration, "--show-bin-path"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()


def prepare(args):
    """Docker and the images, wrk, the binaries; points the box helper at them (ESB_BIN_DIR, ESB_MANAGER_BIN)."""
    if not args.no_setup:
        subprocess.run([os.path.join(ROOT, "tests-e2e", "setup.sh")], check=True, stdout=subprocess.DEVNULL)
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if not args.no_build:
        subprocess.run(["swift", "build", "--product", "esb-manager"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["swift", "build", "-c", "release", "--product", "esb-gateway"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    os.environ.setdefault("ESB_MANAGER_BIN", os.path.join(_bin_path(), "esb-manager"))
    os.environ.setdefault("ESB_BIN_DIR", _bin_path("-c", "release"))


def box():
    """A box with the gateway suites' functions (echo: max_concurrency 4); the caller starts and closes it."""
    return gateway_support.Box()


def lua(path, body, headers):
    """A wrk script POSTing `body` (text) with `headers`; returns its path."""
    with open(path, "w") as f:
        f.write('wrk.method = "POST"\n')
        f.write("wrk.body = %s\n" % json.dumps(body))
        for k, v in headers.items():
            f.write("wrk.headers[%s] = %s\n" % (json.dumps(k), json.dumps(v)))
    return path


def wrk(url, clients, duration, script=None):
    """One wrk run: requests/s, p50 and p99 in ms, non-2xx count, total requests and socket errors (text)."""
    args = ["wrk", "-t%d" % max(1, min(clients, 2)), "-c%d" % clients, "-d%ds" % duration, "--latency"]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout

    def ms(label):
        m = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)\s*$" % re.escape(label), out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": ms("50%"), "p99": ms("99%"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "total": int(re.search(r"(\d+) requests in", out).group(1)),
            "errors": errors.group(0) if errors else ""}


def cpu_seconds(*pids):
    """User + system CPU time of these processes so far (/proc/PID/stat), in seconds: a proxy's cost per request,
    which a loaded machine stretches far less than it stretches latency."""
    return sum(cpu_split(*pids))


def cpu_split(*pids):
    """(user, system) CPU time of these processes so far (/proc/PID/stat), in seconds."""
    user = system = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        user += int(fields[11])
        system += int(fields[12])
    return user / os.sysconf("SC_CLK_TCK"), system / os.sysconf("SC_CLK_TCK")


def counter(gw, name):
    """The value of a counter or gauge without labels on `gw`'s /metrics (0 when absent)."""
    _, text = gw.metrics()
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0
