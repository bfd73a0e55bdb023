#!/usr/bin/env bash
# Benchmark (issue 8, BENCHMARKS.md "Deploys"): a blue-green deploy of a
# prepared image, `berth deploy` (release build) against the same steps
# scripted with the docker CLI, interleaved in the same run.
#
#   bench/deploy-vs-docker.sh            N=10 measured deploys each (+1 warm-up each)
#   BENCH_RUNS=20 bench/deploy-vs-docker.sh
#   BERTH=/path/to/berth bench/deploy-vs-docker.sh   (skip the cargo build)
#
# Both sides swap berth-test/app:v1 <-> v2 (alternating, already present), on
# network `berth`, no proxy, drain 0, probing GET /healthz:
#   berth:  workload {image, pull: missing, port 8080, healthcheck {path
#           /healthz, interval_ms 100}, drain_ms 0}; `berth workload set`
#           (not timed) then `berth --output json deploy W` (timed): reconcile,
#           create+start green with --init, probe (at once, then 10 ms doubling
#           up to 100 ms), persist, stop blue (SIGTERM via the init), remove it.
#   docker: `docker run -d --init --network berth --restart unless-stopped
#           --label ...`, `docker inspect` for green's IP, `curl` of /healthz
#           at once then every 100 ms until 200, `docker rm -f` of blue.
# Each iteration runs both, alternating which goes first. Wall times are
# measured around the whole process (date +%s%N). Reported: medians, the
# ratio berth/docker (target <= 0.7), and berth's own overhead: wall time
# minus the phases that are daemon work or waiting for the app (start = create
# + start, gate = probing until ready, reap = stop + remove of blue), taken
# from the deploy's `--output json` phases. Every container carries the label
# berth-bench=<run id> and is removed at the end.
# No proxy, no load, drain 0: this measures the container work alone. The
# comparison under load (32 clients, fast and slow requests up to 5 s, through
# the real NPM, nginx or Caddy, the CLI script sleeping long enough for 0
# failed requests) is bench/drain.sh (issue 17).
# shellcheck source=bench/deploys-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/deploys-common.sh"

RUNS=${BENCH_RUNS:-10}
W=bench-bg-$RUN_ID
config() { printf '{"image":"%s","pull":"missing","port":8080,"healthcheck":{"path":"/healthz","interval_ms":100,"deadline_ms":30000},"drain_ms":0}' "$1"; }

blue=""
# cli_deploy IMAGE SEQ: the docker CLI version of a blue-green swap.
cli_deploy() {
    local image=$1 green=bench-cli-$RUN_ID-$2 ip n=0 t0 t1 t2 t3
    t0=$(now_ns)
    docker run -d --init --network berth --restart unless-stopped --label "$LABEL" --name "$green" "$image" >/dev/null
    t1=$(now_ns)
    ip=$(docker inspect -f '{{(index .NetworkSettings.Networks "berth").IPAddress}}' "$green")
    until curl -fs -o /dev/null --max-time 1 "http://$ip:8080/healthz"; do
        n=$((n + 1))
        [ "$n" -lt 300 ] || die "$green never answered /healthz"
        sleep 0.1
    done
    t2=$(now_ns)
    if [ -n "$blue" ]; then docker rm -f "$blue" >/dev/null; fi
    t3=$(now_ns)
    blue=$green
    # per-step ms: run, inspect+probe, rm
    echo "$2 $(((t1 - t0) / 1000000)) $(((t2 - t1) / 1000000)) $(((t3 - t2) / 1000000))" >>"$TMP/cli-steps"
}

timed_berth() { # timed_berth SEQ: prints wall ms; the JSON result goes to $TMP/berth-SEQ.json
    local t0 t1
    t0=$(now_ns)
    "$BERTH" --output json deploy "$W" >"$TMP/berth-$1.json" 2>"$TMP/berth-$1.err" ||
        die "berth deploy failed: $(cat "$TMP/berth-$1.err")"
    t1=$(now_ns)
    echo $(((t1 - t0) / 1000000))
}

docker network inspect berth >/dev/null 2>&1 || docker network create berth >/dev/null
add_workload "$W" image "$(config berth-test/app:v1)"
log "warm-up: first deploy of each (nothing to replace yet; not measured)"
"$BERTH" -q deploy "$W" >/dev/null
cli_deploy berth-test/app:v1 0

images=(berth-test/app:v1 berth-test/app:v2)
: >"$TMP/walls"
for i in $(seq 1 "$RUNS"); do
    image=${images[$((i % 2))]}
    set_workload "$W" "$(config "$image")"
    # Not inside $(...): cli_deploy must update $blue in this shell.
    if [ $((i % 2)) = 1 ]; then
        b=$(timed_berth "$i")
        t0=$(now_ns) && cli_deploy "$image" "$i" && t1=$(now_ns)
    else
        t0=$(now_ns) && cli_deploy "$image" "$i" && t1=$(now_ns)
        b=$(timed_berth "$i")
    fi
    d=$(((t1 - t0) / 1000000))
    log "run $i/$RUNS ($image): berth ${b} ms, docker CLI ${d} ms"
    echo "$i $b $d" >>"$TMP/walls"
done

machine_info
python3 - "$TMP" "$RUNS" <<'EOF'
import json, statistics as st, sys
tmp, runs = sys.argv[1], int(sys.argv[2])
rows = [list(map(int, l.split())) for l in open(f"{tmp}/walls")]
berth = [r[1] for r in rows]; cli = [r[2] for r in rows]
phases = {}
totals = []
for i, _, _ in rows:
    res = json.load(open(f"{tmp}/berth-{i}.json"))
    totals.append(res["duration_ms"])
    for p in res["phases"]:
        phases.setdefault(p["name"], []).append(p["duration_ms"])
med = lambda xs: st.median(xs)
daemon = [sum(phases[n][k] for n in ("start", "gate", "reap") if n in phases) for k in range(len(rows))]
own = [b - d for b, d in zip(berth, daemon)]
outside = [b - t for b, t in zip(berth, totals)]
print(f"runs: {runs} each, interleaved")
print(f"berth deploy     median {med(berth):7.1f} ms  (min {min(berth)}, max {max(berth)})")
print(f"docker CLI steps median {med(cli):7.1f} ms  (min {min(cli)}, max {max(cli)})")
print(f"ratio berth/docker (medians): {med(berth)/med(cli):.2f}   (median of per-run ratios: {med([b/c for b,c in zip(berth,cli)]):.2f}; target <= 0.70)")
print("berth phases (median ms): " + ", ".join(f"{n} {med(v):.0f}" for n, v in phases.items()))
steps = {int(l.split()[0]): list(map(int, l.split()[1:])) for l in open(f"{tmp}/cli-steps")}
cs = [steps[i] for i, _, _ in rows]
print(f"docker CLI steps (median ms): docker run -d {med([s[0] for s in cs]):.0f}, inspect+curl probe {med([s[1] for s in cs]):.0f}, docker rm -f {med([s[2] for s in cs]):.0f}")
print(f"berth total (its own duration_ms) median {med(totals):.0f} ms; process start/connect/exit outside it: {med(outside):.0f} ms")
print(f"daemon work + app wait (start+gate+reap) median {med(daemon):.0f} ms")
print(f"berth's own overhead = wall - (start+gate+reap): median {med(own):.0f} ms ({100*med(own)/med(berth):.1f}% of the wall time)")
EOF
