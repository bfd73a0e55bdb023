#!/usr/bin/env bash
# Wall time of a deploy (berth's `duration_ms`): a Swarm start-first update
# of 1 and of 3 replicas beside berth's single-host blue-green deploy of the
# same app. BENCH_ROUNDS updates each (alternating v2/v1), after a first
# deploy that is not counted.
#
#   bench/swarm.sh                   # BENCH_ROUNDS (5), BERTH (target/debug/berth, built if missing)
#
# Needs the test set-up (scripts/test: daemon, images) and makes the daemon a
# single-node swarm (scripts/test-swarm.sh start). Cleans up what it created.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROUNDS=${BENCH_ROUNDS:-5}
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
BERTH=${BERTH:-$TARGET/debug/berth}
[ -x "$BERTH" ] || cargo build -q
scripts/test-swarm.sh start >/dev/null

WORK=$(mktemp -d /tmp/berth-bench-swarm.XXXXXX)
export BERTH_DB=$WORK/berth.db
SUFFIX=$$
NAMES=("bsw1-$SUFFIX" "bsw3-$SUFFIX" "bbg-$SUFFIX")
cleanup() {
    for n in "${NAMES[@]}"; do
        docker service rm "berth-$n" >/dev/null 2>&1 || true
        "$BERTH" workload rm "$n" --purge >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

config() { # config IMAGE REPLICAS|- : the workload's JSON
    local swarm=""
    [ "$2" = - ] || swarm=", \"swarm\": {\"replicas\": $2, \"endpoint_mode\": \"dnsrr\"}"
    printf '{"image": "%s", "pull": "missing", "port": 8080, "stop_timeout_s": 2, "healthcheck": {"path": "/healthz", "interval_ms": 200, "deadline_ms": 20000}%s}' \
        "$1" "$swarm"
}

run() { # run NAME REPLICAS|- LABEL
    local name=$1 replicas=$2 label=$3 i image ms all=()
    config berth-test/app:v1 "$replicas" | "$BERTH" workload add "$name" --kind image --config - >/dev/null 2>&1
    "$BERTH" deploy "$name" >/dev/null 2>&1
    for i in $(seq 1 "$ROUNDS"); do
        if [ $((i % 2)) = 1 ]; then image=berth-test/app:v2; else image=berth-test/app:v1; fi
        config "$image" "$replicas" | "$BERTH" workload set "$name" --config - >/dev/null 2>&1
        ms=$("$BERTH" --output json deploy "$name" 2>/dev/null | jq -r .duration_ms)
        all+=("$ms")
    done
    local sorted
    sorted=$(printf '%s\n' "${all[@]}" | sort -n)
    printf '| %-36s | %6s | %6s | %6s | %s |\n' "$label" \
        "$(sed -n "$(((ROUNDS + 1) / 2))p" <<<"$sorted")" "$(head -n1 <<<"$sorted")" "$(tail -n1 <<<"$sorted")" \
        "$(tr '\n' ' ' <<<"$sorted")"
}

printf '| %-36s | %6s | %6s | %6s | %s |\n' "deploy" "median" "min" "max" "all (ms)"
printf '|%s|--------|--------|--------|------|\n' "--------------------------------------"
run "${NAMES[0]}" 1 "Swarm start-first, 1 replica"
run "${NAMES[1]}" 3 "Swarm start-first, 3 replicas"
run "${NAMES[2]}" - "blue-green, one container (no swarm)"
