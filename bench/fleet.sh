#!/usr/bin/env bash
# Benchmark (issue 8, BENCHMARKS.md "Deploys"): a fleet deploy, `berth deploy
# --all -j4` of 20 workloads against the same deploys one at a time (`-j1`).
#
#   bench/fleet.sh                        20 workloads, 3 rounds of (-j1, -j4)
#   BENCH_WORKLOADS=8 BENCH_RUNS=1 bench/fleet.sh
#   BENCH_JOBS=8 bench/fleet.sh           compare -j8 instead of -j4
#   BERTH=/path/to/berth bench/fleet.sh   (skip the cargo build)
#
# Every workload: image berth-test/app:v1 (present, pull: missing), port
# 8080, healthcheck GET /healthz interval_ms 100, drain_ms 0, no proxy, so a
# deploy is a full blue-green swap (create + start green, gate, persist, stop
# + remove blue). A first `deploy --all` (not measured) gives every workload
# a blue. Then each round times `berth --output json deploy --all -j1` and
# `... -jN` (alternating which goes first) as whole processes; reported: the
# median wall times, their ratio (target <= 0.4) and the median per-deploy
# duration_ms at each -j (how much the deploys slow each other down on the
# daemon). As a control, the same rounds also time the docker CLI alone doing
# COUNT x (`docker run -d --init --network berth` + `docker rm -f`), one at a
# time and JOBS at a time (xargs -P): the daemon's own parallel speedup on
# this machine, a ceiling for berth's (set BENCH_CONTROL=0 to skip it).
# Everything carries berth-bench=<run id> and is removed at the end.
# shellcheck source=bench/deploys-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/deploys-common.sh"

COUNT=${BENCH_WORKLOADS:-20}
RUNS=${BENCH_RUNS:-3}
JOBS=${BENCH_JOBS:-4}
config='{"image":"berth-test/app:v1","pull":"missing","port":8080,"healthcheck":{"path":"/healthz","interval_ms":100,"deadline_ms":60000},"drain_ms":0}'

docker network inspect berth >/dev/null 2>&1 || docker network create berth >/dev/null
for n in $(seq -w 1 "$COUNT"); do
    add_workload "bench-fleet-$n-$RUN_ID" image "$config"
done
log "warm-up: deploy --all -j$JOBS of $COUNT workloads (not measured)"
"$BERTH" -q deploy --all -j "$JOBS" >/dev/null

timed_fleet() { # timed_fleet JOBS TAG: appends "JOBS wall_ms" to $TMP/walls
    local t0 t1
    t0=$(now_ns)
    "$BERTH" --output json deploy --all -j "$1" >"$TMP/fleet-$2.json" 2>"$TMP/fleet-$2.err" ||
        die "deploy --all -j$1 failed: $(tail -5 "$TMP/fleet-$2.err")"
    t1=$(now_ns)
    log "  -j$1: $(((t1 - t0) / 1000000)) ms"
    echo "$1 $(((t1 - t0) / 1000000)) $2" >>"$TMP/walls"
}

control() { # control JOBS TAG: COUNT x (docker run -d + docker rm -f) with JOBS at a time
    local t0 t1
    t0=$(now_ns)
    # shellcheck disable=SC2016 # expanded by the inner sh, from its arguments
    seq -w 1 "$COUNT" | xargs -P "$1" -I{} sh -c \
        'docker run -d --init --network berth --label "$1" --name "$2-{}" berth-test/app:v1 >/dev/null && docker rm -f "$2-{}" >/dev/null' \
        sh "$LABEL" "bench-ctl-$RUN_ID-$2"
    t1=$(now_ns)
    log "  docker CLI control -P$1: $(((t1 - t0) / 1000000)) ms"
    echo "$1 $(((t1 - t0) / 1000000))" >>"$TMP/control"
}

machine_info
: >"$TMP/walls"
: >"$TMP/control"
for i in $(seq 1 "$RUNS"); do
    log "round $i/$RUNS"
    if [ $((i % 2)) = 1 ]; then
        timed_fleet 1 "j1-$i"
        timed_fleet "$JOBS" "jn-$i"
    else
        timed_fleet "$JOBS" "jn-$i"
        timed_fleet 1 "j1-$i"
    fi
    if [ "${BENCH_CONTROL:-1}" = 1 ]; then
        control 1 "p1-$i"
        control "$JOBS" "pn-$i"
    fi
done
python3 - "$TMP" "$JOBS" "$COUNT" "$RUNS" <<'PY'
import json, statistics as st, sys
tmp, jobs, count, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rows = [l.split() for l in open(f"{tmp}/walls")]
seq = [int(r[1]) for r in rows if r[0] == "1"]
par = [int(r[1]) for r in rows if r[0] == str(jobs)]
per = {"1": [], str(jobs): []}
for j, _, tag in rows:
    results = json.load(open(f"{tmp}/fleet-{tag}.json"))
    assert len(results) == count and all(r["status"] == "succeeded" for r in results), results
    per[j] += [r["duration_ms"] for r in results]
m1, mn = st.median(seq), st.median(par)
print(f"{count} workloads, {runs} rounds: -j1 median {m1/1000:.2f} s ({m1/count:.0f} ms per workload), "
      f"-j{jobs} median {mn/1000:.2f} s; ratio -j{jobs}/-j1 = {mn/m1:.2f} (target <= 0.40)")
ctl = [l.split() for l in open(f"{tmp}/control")]
c1 = [int(r[1]) for r in ctl if r[0] == "1"]; cn = [int(r[1]) for r in ctl if r[0] == str(jobs)]
if c1 and cn:
    print(f"control, docker CLI alone ({count} x run -d + rm -f): -P1 median {st.median(c1)/1000:.2f} s, "
          f"-P{jobs} median {st.median(cn)/1000:.2f} s; ratio {st.median(cn)/st.median(c1):.2f} (the daemon's own parallel speedup)")
print(f"median duration_ms of one deploy: {st.median(per['1']):.0f} ms at -j1, {st.median(per[str(jobs)]):.0f} ms at -j{jobs}")
PY
