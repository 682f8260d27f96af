"""Driver of bench/proxy-bench.sh (see there). Daemons through tests-e2e/gateway_support.py, wrk through
bench/gateway_latency.py: the same setup as bench/gateway-latency.sh, with worker addresses on the bridge."""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests-e2e"))
import gateway_support as gs  # noqa: E402
from box_setup import cpu_split, lua, wrk  # noqa: E402
from gateway_latency import PAYLOAD  # noqa: E402

TRIVIAL_IMAGE = "esb-bench/trivial-worker:latest"
HELLO_IMAGE = "esb-bench/hello-worker:latest"
RIE_PATH = "/2015-03-31/functions/function/invocations"


class BenchBox(gs.Box):
    """gateway_support's Box with the bench's functions and routes, workers reached on their bridge address."""

    def __init__(self, workers):
        super().__init__()
        with open(self.functions_path, "w") as f:
            f.write("defaults:\n  timeout: 30\n  memory_size: 128\nfunctions:\n"
                    f"  trivial:\n    image: \"{TRIVIAL_IMAGE}\"\n    max_concurrency: {workers}\n"
                    f"    min_warm: {workers}\n"
                    f"  hello:\n    image: \"{HELLO_IMAGE}\"\n    max_concurrency: 1\n    min_warm: 1\n")
        with open(self.routing_path, "w") as f:
            f.write("routes:\n"
                    "  - path: \"/trivial\"\n    method: \"ANY\"\n    function: \"trivial\"\n"
                    "  - path: \"/hello\"\n    method: \"ANY\"\n    function: \"hello\"\n")

    def manager_env(self):
        env = super().manager_env()
        env["WORKER_ADDRESS_MODE"] = "network"
        return env

    def worker_ips(self, function):
        ids = subprocess.run(["docker", "ps", "-q", "--filter", "label=esb.managed=true", "--filter",
                              f"label=esb.function={function}", "--filter", f"network={self.network}"],
                             capture_output=True, text=True, check=True).stdout.split()
        if not ids:
            return []
        fmt = "{{(index .NetworkSettings.Networks \"%s\").IPAddress}}" % self.network
        out = subprocess.run(["docker", "inspect", "-f", fmt, *ids], capture_output=True, text=True, check=True)
        return sorted(ip for ip in out.stdout.split() if ip)


def rss_mb(pid):
    """(VmRSS, its anonymous part: heap and stacks) in MB; the rest is mapped code and data (docs/performance.md)."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "RssAnon:")):
                fields[line.split(":")[0]] = int(line.split()[1]) / 1024
    return fields.get("VmRSS", float("nan")), fields.get("RssAnon", float("nan"))


def measure(url, clients, duration, script, pids):
    """wrk's figures, plus the CPU time the proxy processes `pids` spent per request (µs), in all and its user-space
    part: a figure that moves less than latency when other programs load the machine."""
    before = cpu_split(*pids) if pids else (0, 0)
    r = wrk(url, clients, duration, script)
    after = cpu_split(*pids) if pids else (0, 0)
    per_request = 1e6 / r["total"] if pids and r["total"] else None
    r["cpu_us"] = (sum(after) - sum(before)) * per_request if per_request else None
    r["user_us"] = (after[0] - before[0]) * per_request if per_request else None
    return r


def rounds(paths, clients, duration, count):
    """Each path measured `count` times, the paths taking turns (so a busy moment of the machine falls on all of
    them alike), and per path the median of every figure over the rounds."""
    runs = {name: [] for name, _, _, _ in paths}
    for _ in range(count):
        for name, url, script, pids in paths:
            runs[name].append(measure(url, clients, duration, script, pids))
    rows = []
    for name, results in runs.items():
        row = dict(results[0])
        for key in ("p50", "p99", "rps", "non2xx", "cpu_us", "user_us"):
            values = [r[key] for r in results if r.get(key) is not None]
            row[key] = statistics.median(values) if values else None
        row["non2xx"] = int(row["non2xx"] or 0)
        row["errors"] = " ".join(r["errors"] for r in results if r["errors"])
        rows.append((name, row))
    return rows


def start_nginx(tmp, port, cert, key, trivial_ips, hello_ip):
    """nginx as a TLS reverse proxy with one worker process, keep-alive to the same workers as the gateway."""
    servers = "".join(f"        server {ip}:8080;\n" for ip in trivial_ips)
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    upstream trivial {{
{servers}        keepalive 64;
    }}
    upstream rie {{
        server {hello_ip}:8080;
        keepalive 4;
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        keepalive_requests 10000000;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        location /trivial {{ proxy_pass http://trivial; }}
        location /hello {{ proxy_pass http://rie{RIE_PATH}; }}
    }}
}}
""")
    proc = subprocess.Popen(["nginx", "-c", conf, "-p", tmp], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    gs.wait_until(lambda: subprocess.run(["curl", "-sk", "-o", "/dev/null", f"https://127.0.0.1:{port}/x"]).returncode
                  == 0 or proc.poll() is not None, 10, what="nginx")
    if proc.poll() is not None:
        raise AssertionError("nginx exited:\n" + open(os.path.join(tmp, "nginx-error.log")).read())
    return proc


def fmt_row(name, r, direct, nginx):
    added = (r["p50"] - direct["p50"]) * 1000
    ratio_direct = r["rps"] / direct["rps"] if direct["rps"] else 0
    ratio_nginx = f"{r['rps'] / nginx['rps']:6.2f}" if nginx else "     -"
    extra = f"  {r['errors']}" if r["errors"] else ""
    cpu = (f"{r['cpu_us']:8.0f} ({r['user_us']:3.0f})" if r.get("cpu_us") is not None and r.get("user_us") is not None
           else "       -      ")
    return (f"  {name:<24} {r['p50'] * 1000:9.0f} {r['p99'] * 1000:9.0f} {added:+9.0f} {r['rps']:10.0f} "
            f"{r['non2xx']:7d} {ratio_direct:9.2f} {ratio_nginx} {cpu}{extra}")


def table(title, rows):
    print(title)
    print(f"  {'path':<24} {'p50 µs':>9} {'p99 µs':>9} {'+p50 µs':>9} {'req/s':>10} {'non-2xx':>7} "
          f"{'÷ direct':>9} {'÷ nginx':>6} {'CPU µs/req (user)':>17}")
    direct, nginx = rows[0][1], rows[1][1]
    for name, r in rows:
        print(fmt_row(name, r, direct, nginx if name == "esb-gateway" else None))


def profile(gw_pid, gw_url, script, clients, seconds, out_dir):
    """perf record -g of the gateway under the same 64-client load (software clock: no hardware counters here)."""
    data = os.path.join(out_dir, "perf.data")
    load = subprocess.Popen(["wrk", "-t2", f"-c{clients}", f"-d{seconds + 2}s", "-s", script, gw_url],
                            stdout=subprocess.DEVNULL)
    time.sleep(1)
    subprocess.run(["perf", "record", "-e", "cpu-clock", "-F", "999", "-g", "-o", data, "-p", str(gw_pid),
                    "--", "sleep", str(seconds)], capture_output=True, check=True)
    load.wait()
    for name, args in (("self", ["--no-children"]), ("children", ["--children"])):
        with open(os.path.join(out_dir, f"perf-{name}.txt"), "w") as f:
            subprocess.run(["perf", "report", "-i", data, "--stdio", "--percent-limit", "0.5", *args],
                           stdout=f, stderr=subprocess.DEVNULL)
    print(f"perf profile of esb-gateway ({seconds}s, {clients} clients): {out_dir}/perf-self.txt, perf-children.txt")


def instructions(gw_pid, script, seconds, out_dir, baseline=None):
    """User-space instructions per request of the gateway at one client, counted by valgrind's callgrind: the
    same count for the same binary and load whatever else the machine does (docs/performance.md). A second
    gateway with the first one's environment (same manager, functions and keys) runs under callgrind; its
    counters are zeroed after a warm-up and dumped after a timed wrk run. `baseline`: another esb-gateway
    binary counted the same way in the same run. valgrind 3.19 cannot read the DWARF 5 of a Swift build, so it
    runs a copy without debug info (symbols kept)."""
    with open(f"/proc/{gw_pid}/environ", "rb") as f:
        env = dict(kv.decode().split("=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
    builds = [("this build", os.readlink(f"/proc/{gw_pid}/exe"))] + ([("baseline", baseline)] if baseline else [])
    for label, source in builds:
        run_dir = os.path.join(out_dir, label.replace(" ", "-"))
        os.makedirs(run_dir, exist_ok=True)
        count, requests = count_instructions(source, env, script, seconds, run_dir)
        print(f"user-space instructions per request, {label} (callgrind, 1 client, {requests} requests): "
              f"{count:,.0f}; by function: {run_dir}/callgrind-self.txt")


def count_instructions(source, env, script, seconds, run_dir):
    """(instructions per request, requests) of the gateway binary `source` under callgrind (see `instructions`)."""
    binary = os.path.join(run_dir, "esb-gateway")
    shutil.copy(source, binary)
    subprocess.run(["strip", "--strip-debug", binary], check=True)
    env = dict(env)
    port = gs.free_port()
    # Its own name and event spool: a spool directory belongs to one gateway (docs/async-invocations.md).
    env.update(GATEWAY_LISTEN=f"127.0.0.1:{port}", CONTAINER_NAME=env.get("CONTAINER_NAME", "esb-gateway") + "-cg",
               EVENT_SPOOL_DIR=os.path.join(run_dir, "events"))
    if "METRICS_LISTEN" in env:
        env["METRICS_LISTEN"] = f"127.0.0.1:{gs.free_port()}"
    data = os.path.join(run_dir, "callgrind.out")
    with open(os.path.join(run_dir, "valgrind.log"), "w") as log:
        proc = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={data}", binary],
                                env=env, stdout=log, stderr=log)
    try:
        url = f"https://127.0.0.1:{port}/trivial"
        gs.wait_until(lambda: subprocess.run(["curl", "-sk", "-o", "/dev/null", f"https://127.0.0.1:{port}/health"])
                      .returncode == 0, 120, interval=1, what="the gateway under callgrind")
        wrk(url, 1, 5, script)
        subprocess.run(["callgrind_control", "-z", str(proc.pid)], capture_output=True, check=True)
        r = wrk(url, 1, seconds, script)
        subprocess.run(["callgrind_control", "-d", str(proc.pid)], capture_output=True, check=True)
    finally:
        proc.send_signal(2)
        proc.wait()
    report = subprocess.run(["callgrind_annotate", "--threshold=100", data + ".1"], capture_output=True,
                            text=True).stdout
    with open(os.path.join(run_dir, "callgrind-self.txt"), "w") as f:
        f.write(report)
    total = next(int(line.split()[0].replace(",", "")) for line in report.splitlines() if "PROGRAM TOTALS" in line)
    return total / max(r["total"], 1), r["total"]


def segments(targets, seconds):
    """TCP segments per request through the host's network namespace at one client (`nstat`, machine-wide, so
    nothing else may be talking): the client's request and answer on loopback, the proxy's request to the worker
    and the worker's answer on the bridge. A worker's separate ACK shows up here (docs/performance.md)."""
    print(f"TCP segments per request, 1 client, nstat over one {seconds}s wrk run (in / out of the host namespace):")
    for name, url, script in targets:
        subprocess.run(["nstat", "-n"], check=True, capture_output=True)
        r = wrk(url, 1, seconds, script)
        out = subprocess.run(["nstat", "-z"], check=True, capture_output=True, text=True).stdout
        counts = {line.split()[0]: int(line.split()[1]) for line in out.splitlines()[1:] if len(line.split()) > 1}
        total = r["total"] or 1
        print(f"  {name:<16} in {counts.get('TcpInSegs', 0) / total:5.2f}   out {counts.get('TcpOutSegs', 0) / total:5.2f}")


def syscalls(targets, clients, seconds):
    """System calls per request of each proxy under the N-client load: `strace -c -f` attached for one whole wrk
    run, its counts divided by the requests wrk completed. strace slows the traced process a lot, so only the
    counts per request mean anything here, not the rates."""
    print(f"system calls per request, {clients} clients, strace -c -f over one {seconds}s wrk run:")
    for name, url, script, pid in targets:
        out = tempfile.mktemp(prefix="esb-strace-")
        tracer = subprocess.Popen(["strace", "-c", "-f", "-o", out, "-p", str(pid)], stderr=subprocess.DEVNULL)
        time.sleep(1)
        r = wrk(url, clients, seconds, script)
        tracer.send_signal(2)
        tracer.wait()
        counts = {}
        with open(out) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] != "total":
                    counts[parts[-1]] = int(parts[3])
        os.unlink(out)
        total = r["total"] or 1
        top = sorted(counts.items(), key=lambda kv: -kv[1])[:8]
        print(f"  {name:<16} {sum(counts.values()) / total:6.2f} per request ("
              + ", ".join(f"{call} {n / total:.2f}" for call, n in top) + ")")


def context_switches(pid):
    """Voluntary + involuntary context switches of every thread of `pid` so far (/proc/PID/task/*/status)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass  # a thread that ended meanwhile
    return total


def switches(targets, clients, seconds):
    """Context switches per request of each proxy under the N-client load, over one untraced wrk run (strace
    would add its own): how often the proxy's threads went to sleep or were preempted per request."""
    print(f"context switches per request, {clients} clients, /proc over one {seconds}s wrk run:")
    for name, url, script, pid in targets:
        before = context_switches(pid)
        r = wrk(url, clients, seconds, script)
        print(f"  {name:<16} {(context_switches(pid) - before) / (r['total'] or 1):6.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=1, help="measure every row this many times, print medians")
    ap.add_argument("--perf", metavar="DIR", help="also profile the gateway under the many-client load into DIR")
    ap.add_argument("--perf-seconds", type=int, default=10)
    ap.add_argument("--segments", action="store_true",
                    help="also count TCP segments per request of nginx and the gateway at one client (nstat)")
    ap.add_argument("--syscalls", action="store_true",
                    help="also count the system calls (strace -c) and context switches per request of nginx and the gateway")
    ap.add_argument("--instructions", metavar="DIR",
                    help="also count the gateway's instructions per request under callgrind (valgrind) into DIR")
    ap.add_argument("--instructions-baseline", metavar="BIN",
                    help="with --instructions: also count this esb-gateway binary, in the same run")
    ap.add_argument("--gateway-env", action="append", default=[], metavar="NAME=VALUE",
                    help="extra environment of the gateway (e.g. MALLOC_ARENA_MAX=2)")
    a = ap.parse_args()
    box = BenchBox(a.clients)
    nginx = None
    tmp = tempfile.mkdtemp(prefix="esb-proxy-bench-")
    try:
        box.start_manager()
        gw = box.start_gateway(POOL_ACQUIRE_TIMEOUT="60", **dict(kv.split("=", 1) for kv in a.gateway_env))
        time.sleep(1)
        idle = {"gateway": rss_mb(gw.daemon.proc.pid), "manager": rss_mb(box.manager.proc.pid)}
        # min_warm starts every worker before the first request: wait for all of them.
        gs.wait_until(lambda: len(box.worker_ips("trivial")) == a.clients and len(box.worker_ips("hello")) == 1,
                      300, interval=0.5, what=f"{a.clients} trivial workers and one hello worker")
        trivial_ips, hello_ip = box.worker_ips("trivial"), box.worker_ips("hello")[0]
        token = gw.login()
        auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        plain = {"Content-Type": "application/json"}
        status, _, body = gw.request("POST", "/trivial", body="{}", headers=auth)
        assert status == 200 and body == b"ok", (status, body)
        nginx_port = gs.free_port()
        nginx = start_nginx(tmp, nginx_port, os.path.join(gw.ssl_dir, "server.crt"),
                            os.path.join(gw.ssl_dir, "server.key"), trivial_ips, hello_ip)
        # nginx's master and its one worker process.
        nginx_pids = [nginx.pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(nginx.pid)], capture_output=True,
                                                                   text=True).stdout.split()]
        gw_script = lua(os.path.join(tmp, "gw.lua"), PAYLOAD, auth)
        plain_script = lua(os.path.join(tmp, "plain.lua"), PAYLOAD, plain)
        urls = {
            "trivial": [("direct to the worker", f"http://{trivial_ips[0]}:8080/", plain_script, []),
                        ("nginx TLS proxy", f"https://127.0.0.1:{nginx_port}/trivial", plain_script, nginx_pids),
                        ("esb-gateway", f"{gw.url}/trivial", gw_script, [gw.daemon.proc.pid])],
            "rie": [("direct to the RIE", f"http://{hello_ip}:8080{RIE_PATH}", plain_script, []),
                    ("nginx TLS proxy", f"https://127.0.0.1:{nginx_port}/hello", plain_script, nginx_pids),
                    ("esb-gateway", f"{gw.url}/hello", gw_script, [gw.daemon.proc.pid])],
        }
        # Warm-up: every path once with all clients, so the gateway has leased every worker and connected to it.
        for _, url, script, _ in urls["trivial"]:
            wrk(url, a.clients, 3, script)
        for _, url, script, _ in urls["rie"]:
            wrk(url, 1, 2, script)
        per_row = f"{a.duration}s per row" + (f", median of {a.rounds} rounds taking turns" if a.rounds > 1 else "")
        print(f"proxy benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
              f"wrk keep-alive, {per_row}; TLS: ECDSA P-256; gateway: JWT route, payload 1.0, "
              f"WORKER_ADDRESS_MODE=network, LOG_LEVEL=INFO")
        for clients in (1, a.clients):
            rows = rounds(urls["trivial"], clients, a.duration, a.rounds)
            table(f"trivial worker (nginx-light, fixed proxy result, {len(trivial_ips)} workers), {clients} "
                  f"client{'s' if clients > 1 else ''}:", rows)
        after = {"gateway": rss_mb(gw.daemon.proc.pid), "manager": rss_mb(box.manager.proc.pid)}
        rows = rounds(urls["rie"], 1, a.duration, a.rounds)
        table("real RIE (esb-local/lambda-python:3.11, hello handler), 1 client:", rows)
        print("resident memory, MB: VmRSS (of which anonymous: heap and stacks)")
        for d in ("gateway", "manager"):
            print(f"  esb-{d:<8} idle {idle[d][0]:6.1f} ({idle[d][1]:4.1f})   "
                  f"after the {a.clients}-client run {after[d][0]:6.1f} ({after[d][1]:4.1f})")
        if a.segments:
            segments([("nginx TLS proxy", urls["trivial"][1][1], plain_script),
                      ("esb-gateway", urls["trivial"][2][1], gw_script)], 5)
        if a.syscalls:
            targets = [("nginx worker", urls["trivial"][1][1], plain_script, nginx_pids[-1]),
                       ("esb-gateway", urls["trivial"][2][1], gw_script, gw.daemon.proc.pid)]
            syscalls(targets, a.clients, 5)
            switches(targets, a.clients, 5)
        if a.instructions:
            os.makedirs(a.instructions, exist_ok=True)
            instructions(gw.daemon.proc.pid, gw_script, a.duration, a.instructions, a.instructions_baseline)
        if a.perf:
            os.makedirs(a.perf, exist_ok=True)
            profile(gw.daemon.proc.pid, urls["trivial"][2][1], gw_script, a.clients, a.perf_seconds, a.perf)
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait()
        box.close()
        subprocess.run(["rm", "-rf", tmp, box.dir])


if __name__ == "__main__":
    main()
