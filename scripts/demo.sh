#!/usr/bin/env bash
# berth's main job, for real, on this machine: build a tiny local image,
# deploy it blue-green twice while requesting it, then show status and events.
# Needs Debian's docker.io (installed and started by scripts/ensure-docker.sh,
# as root) and nothing else: no registry, no proxy. Uses a throwaway store.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO scripts/ensure-docker.sh >/dev/null
BERTH_TEST_IMAGES_VERIFY=0 $SUDO scripts/test-images.sh >/dev/null

cargo build --quiet
BERTH="$PWD/target/debug/berth"
WORK=$(mktemp -d)
export BERTH_DB="$WORK/berth.db"
trap 'kill "${LOAD:-0}" 2>/dev/null || true; "$BERTH" -q workload rm demo --purge >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

config() {
    cat <<JSON
{"image": "berth-test/app:$1", "pull": "missing", "port": 8080,
 "healthcheck": {"path": "/healthz", "interval_ms": 200},
 "drain_ms": 500, "env": {"VERSION": "$1"}}
JSON
}
live_ip() {
    local id
    id=$("$BERTH" --output json status demo | sed -n 's/.*"container_id": "\([0-9a-f]*\)".*/\1/p')
    [ -n "$id" ] && docker inspect -f '{{(index .NetworkSettings.Networks "berth").IPAddress}}' "$id" 2>/dev/null
}

echo "==> berth workload add demo --kind image (berth-test/app:v1)"
config v1 | "$BERTH" -q workload add demo --kind image --config - >/dev/null
"$BERTH" deploy demo

# Request the live container every 20 ms, for at most 60 s, while deploying.
(
    end=$((SECONDS + 60)) ok=0 failed=0
    while [ $SECONDS -lt $end ] && [ ! -e "$WORK/stop" ]; do
        if curl -fsS -m 1 "http://$(live_ip):8080/" >>"$WORK/seen" 2>/dev/null; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
        sleep 0.02
    done
    echo "$ok $failed" >"$WORK/load"
) &
LOAD=$!

for v in v2 v3; do
    echo "==> blue-green deploy of berth-test/app:$v while requesting it"
    config "$v" | "$BERTH" -q workload set demo --config - >/dev/null
    "$BERTH" deploy demo
done
touch "$WORK/stop"
wait "$LOAD"
read -r ok failed <"$WORK/load"
echo "==> requests during the deploys: $ok answered, $failed failed; versions seen: $(sort -u "$WORK/seen" | tr '\n' ' ')"

echo "==> berth status"
"$BERTH" status demo
echo "==> berth events demo"
"$BERTH" events demo
