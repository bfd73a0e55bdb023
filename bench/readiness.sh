#!/usr/bin/env bash
# Benchmark (issue 8, BENCHMARKS.md "Deploys"): readiness detection latency,
# the time from the moment a new container's app first answers to berth's
# cutover (its readiness gate passing).
#
#   bench/readiness.sh                     N=10 deploys per interval, interval_ms 100 and 1000
#   BENCH_RUNS=5 BENCH_INTERVALS=100 bench/readiness.sh
#   BERTH=/path/to/berth bench/readiness.sh  (skip the cargo build)
#
# The app: a local image FROM berth-test/app:v1 whose entrypoint sleeps 2 s
# before starting busybox httpd (ENTRYPOINT, not CMD: the base image's
# ENTRYPOINT is httpd itself, so a CMD would only become its arguments):
#   ENTRYPOINT ["/bin/sh", "-c", "sleep 2; exec httpd -f -p 8080 -h /www"]
# Each run is a blue-green `berth --output json deploy W` of that image
# (healthcheck GET /healthz, interval_ms as given, drain_ms 0, no proxy),
# driven by a python3 harness that
#   - timestamps every stderr line of berth as it arrives: "starting green
#     NAME" names the container, "gate passed" is the cutover (printed the
#     moment the gate returns, before the route switch and persist);
#   - meanwhile polls green itself in a tight loop (GET /healthz over a raw
#     socket, 1 ms apart) and records when it FIRST answers 200: "ready";
#   - reports gate-passed minus ready (median, max), plus, as a cross-check,
#     gate-passed minus (docker inspect StartedAt + 2 s).
# Target: median <= 100 ms. Image and containers carry berth-bench=<run id>
# and are removed at the end.
# shellcheck source=bench/deploys-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/deploys-common.sh"

RUNS=${BENCH_RUNS:-10}
INTERVALS=${BENCH_INTERVALS:-"100 1000"}
IMAGE=berth-bench/slow:$RUN_ID
CLEANUP_IMAGES+=("$IMAGE")

mkdir -p "$TMP/slow"
cat >"$TMP/slow/Dockerfile" <<'EOF'
FROM berth-test/app:v1
ENTRYPOINT ["/bin/sh", "-c", "sleep 2; exec httpd -f -p 8080 -h /www"]
EOF
log "building $IMAGE (ready 2 s after start)"
DOCKER_BUILDKIT=0 docker build -q --label "$LABEL" -t "$IMAGE" "$TMP/slow" >/dev/null 2>"$TMP/build.err" ||
    die "docker build failed: $(cat "$TMP/build.err")"

docker network inspect berth >/dev/null 2>&1 || docker network create berth >/dev/null
machine_info
for interval in $INTERVALS; do
    W=bench-ready-$interval-$RUN_ID
    add_workload "$W" image "$(printf '{"image":"%s","pull":"missing","port":8080,"healthcheck":{"path":"/healthz","interval_ms":%s,"deadline_ms":30000},"drain_ms":0}' "$IMAGE" "$interval")"
    log "interval_ms $interval: $RUNS deploys of $W"
    python3 - "$BERTH" "$W" "$RUNS" "$interval" <<'EOF'
import json, socket, statistics as st, subprocess, sys, threading, time

berth, workload, runs, interval = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

def docker_time_ns(ts):  # 2026-11-27T08:50:01.123456789Z -> ns since the epoch
    import calendar
    base, frac = ts.rstrip("Z").split(".") if "." in ts else (ts.rstrip("Z"), "0")
    secs = calendar.timegm(time.strptime(base, "%Y-%m-%dT%H:%M:%S"))
    return secs * 10**9 + int(frac.ljust(9, "0")[:9])

def healthy(ip):
    try:
        with socket.create_connection((ip, 8080), timeout=0.2) as s:
            s.sendall(b"GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n")
            head = s.recv(64)
            return head.startswith(b"HTTP/1.") and head[8:13] == b" 200 "
    except OSError:
        return False

def one_run(n):
    p = subprocess.Popen([berth, "--output", "json", "deploy", workload], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    seen = {}
    green = threading.Event()
    def read_stderr():
        for line in p.stderr:
            t = time.time_ns()
            if "starting green " in line:
                seen["green"] = line.rsplit("starting green ", 1)[1].strip()
                green.set()
            if "gate passed" in line:
                seen["gate_passed"] = t
    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    ready = {}
    def poll():
        if not green.wait(60):
            return
        ip, deadline = None, time.time() + 60
        while ip is None and time.time() < deadline:
            out = subprocess.run(["docker", "inspect", "-f",
                                  '{{(index .NetworkSettings.Networks "berth").IPAddress}}', seen["green"]],
                                 capture_output=True, text=True).stdout.strip()
            ip = out or None
            if ip is None:
                time.sleep(0.005)
        while ip and time.time() < deadline:
            if healthy(ip):
                ready["t"] = time.time_ns()
                return
            time.sleep(0.001)
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    out = p.stdout.read()
    p.wait(timeout=120)
    reader.join(10)
    poller.join(60)
    if p.returncode != 0:
        sys.exit(f"berth deploy failed (exit {p.returncode}): {out}")
    res = json.loads(out)
    gate = next(ph["duration_ms"] for ph in res["phases"] if ph["name"] == "gate")
    started = subprocess.run(["docker", "inspect", "-f", "{{.State.StartedAt}}", res["container"]],
                             capture_output=True, text=True).stdout.strip()
    if "t" not in ready or "gate_passed" not in seen:
        sys.exit(f"run {n}: could not observe readiness ({ready}, {seen})")
    lat = (seen["gate_passed"] - ready["t"]) / 1e6
    lat_start = (seen["gate_passed"] - (docker_time_ns(started) + 2 * 10**9)) / 1e6
    print(f"  run {n}: ready -> cutover {lat:6.1f} ms   (StartedAt+2s -> cutover {lat_start:6.1f} ms; gate phase {gate} ms)",
          file=sys.stderr)
    return lat, lat_start, gate

rows = [one_run(n) for n in range(1, runs + 1)]
lat = [r[0] for r in rows]; lat_s = [r[1] for r in rows]; gates = [r[2] for r in rows]
print(f"interval_ms {interval}: ready -> cutover median {st.median(lat):.1f} ms, min {min(lat):.1f}, max {max(lat):.1f} "
      f"(n={runs}; target <= 100 ms); StartedAt+2s -> cutover median {st.median(lat_s):.1f} ms; "
      f"gate phase median {st.median(gates):.0f} ms")
EOF
done
