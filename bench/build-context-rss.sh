#!/usr/bin/env bash
# Benchmark (issue 8, BENCHMARKS.md "Deploys"): peak memory (RSS) of
# `berth deploy` of a dockerfile workload whose build context holds 1 GiB.
#
#   bench/build-context-rss.sh                 3 deploys, 1 GiB context
#   BENCH_RUNS=1 BENCH_CONTEXT_MIB=2048 bench/build-context-rss.sh
#   BERTH=/path/to/berth bench/build-context-rss.sh  (skip the cargo build)
#
# The context: `Dockerfile` (FROM berth-test/app:v1, COPY small.txt /www/),
# small.txt (changed before every deploy, so every build is a real one) and
# big.bin, BENCH_CONTEXT_MIB MiB from /dev/urandom. big.bin is NOT in a
# .dockerignore and is not COPYed: it is sent in the tar like any context
# file, which is what the measurement is about. (Random bytes: berth sends the
# tar uncompressed, so content does not change the stream's size; random
# data only keeps any layer below from shortcutting zeros.)
# Each deploy runs under `/usr/bin/time -v` (package `time`, installed with
# apt-get when missing); reported: "Maximum resident set size" of the berth
# process, wall time and context throughput. Target: <= 40 MiB.
# The workload (recreate, healthcheck /healthz, drain 0) is labelled
# berth-bench=<run id>; its containers, its berth/<w>:<id> images and the
# temp files are removed at the end.
# shellcheck source=bench/deploys-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/deploys-common.sh"

RUNS=${BENCH_RUNS:-3}
MIB=${BENCH_CONTEXT_MIB:-1024}
W=bench-ctx-$RUN_ID

if [ ! -x /usr/bin/time ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        die "/usr/bin/time is missing (apt-get install time)"
    fi
    log "installing time"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null
fi
avail_mib=$(df -Pm "$TMP" | awk 'NR==2 {print $4}')
[ "$avail_mib" -gt $((MIB * 3)) ] || die "need ~$((MIB * 3)) MiB free in $TMP (context + the daemon's copy), have $avail_mib"

CTX=$TMP/ctx
mkdir -p "$CTX"
printf 'FROM berth-test/app:v1\nCOPY small.txt /www/small.txt\n' >"$CTX/Dockerfile"
log "writing a ${MIB} MiB build context file"
head -c "$((MIB * 1024 * 1024))" /dev/urandom >"$CTX/big.bin"
docker network inspect berth >/dev/null 2>&1 || docker network create berth >/dev/null
add_workload "$W" dockerfile "$(printf '{"context":"%s","port":8080,"healthcheck":{"path":"/healthz","interval_ms":100,"deadline_ms":30000},"drain_ms":0,"keep_artifacts":1}' "$CTX")"

machine_info
: >"$TMP/results"
for i in $(seq 1 "$RUNS"); do
    printf 'run %s\n' "$i" >"$CTX/small.txt"
    /usr/bin/time -v -o "$TMP/time-$i" "$BERTH" --output json deploy "$W" >"$TMP/deploy-$i.json" 2>"$TMP/deploy-$i.err" ||
        die "deploy failed: $(tail -5 "$TMP/deploy-$i.err")"
    rss_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TMP/time-$i")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$TMP/time-$i")
    prepare=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(next(p["duration_ms"] for p in r["phases"] if p["name"]=="prepare"))' "$TMP/deploy-$i.json")
    log "run $i/$RUNS: peak RSS $((rss_kib / 1024)) MiB ($rss_kib KiB), wall $wall, prepare (build) ${prepare} ms"
    echo "$rss_kib $prepare" >>"$TMP/results"
done
python3 - "$TMP/results" "$MIB" "$RUNS" <<'PY'
import statistics as st, sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1])]
mib, runs = int(sys.argv[2]), int(sys.argv[3])
rss = [r[0] / 1024 for r in rows]; prep = [r[1] for r in rows]
print(f"context {mib} MiB, {runs} deploys: peak RSS max {max(rss):.1f} MiB, median {st.median(rss):.1f} MiB (target <= 40 MiB); "
      f"build (prepare phase) median {st.median(prep)} ms = {mib / (st.median(prep) / 1000):.0f} MiB/s of context")
PY
