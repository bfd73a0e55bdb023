#!/usr/bin/env bash
# berth's main job, for real, on this machine: a route swap under load.
# Starts its own nginx on loopback as the router (Debian's nginx-light is
# installed when missing; the operator's nginx, if any, is left alone),
# deploys a workload on the domain demo.test, then redeploys it blue-green
# twice while several clients request demo.test through nginx, and prints
# requests sent and failed, the versions seen in order, `berth status` and
# `berth events`. Needs Debian's docker.io (installed and started by
# scripts/ensure-docker.sh, as root). A throwaway store; everything it
# started is stopped and removed at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo)
"${SUDO[@]}" scripts/ensure-docker.sh >/dev/null
BERTH_TEST_IMAGES_VERIFY=0 "${SUDO[@]}" scripts/test-images.sh >/dev/null
NGINX=/usr/sbin/nginx
if [ ! -x "$NGINX" ]; then
    echo "==> installing Debian's nginx-light (the demo's router)"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >/dev/null
fi
command -v curl >/dev/null || "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q curl >/dev/null

cargo build --quiet
BERTH="${CARGO_TARGET_DIR:-$PWD/target}/debug/berth"
WORK=$(mktemp -d)
export BERTH_DB="$WORK/berth.db"
DOMAIN=demo.test
CLIENTS=4

# ---- our own nginx on a free loopback port -----------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=$((20000 + RANDOM % 30000))
until port_free "$PORT"; do PORT=$((20000 + RANDOM % 30000)); done
mkdir -p "$WORK/nginx/berth" "$WORK/nginx/logs" "$WORK/nginx/temp"
USER_LINE=""
[ "$(id -u)" -ne 0 ] || USER_LINE="user root root;"
cat >"$WORK/nginx/nginx.conf" <<CONF
$USER_LINE
pid $WORK/nginx/logs/nginx.pid;
error_log $WORK/nginx/logs/error.log notice;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/temp/body;
    proxy_temp_path $WORK/nginx/temp/proxy;
    server { listen 127.0.0.1:$PORT default_server; return 404 "no route\n"; }
    include $WORK/nginx/berth/*.conf;
}
CONF
cleanup() {
    touch "$WORK/stop"
    wait 2>/dev/null || true
    "$BERTH" -q workload rm demo --purge >/dev/null 2>&1 || true
    [ -s "$WORK/nginx/logs/nginx.pid" ] && "$NGINX" -c "$WORK/nginx/nginx.conf" -e stderr -s quit 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
"$NGINX" -c "$WORK/nginx/nginx.conf" -e stderr
echo "==> nginx on 127.0.0.1:$PORT includes $WORK/nginx/berth/*.conf"

export BERTH_ROUTER=nginx BERTH_NGINX_DIR="$WORK/nginx/berth" BERTH_NGINX_CONF="$WORK/nginx/nginx.conf" \
    BERTH_NGINX_BIN="$NGINX" BERTH_NGINX_LISTEN="127.0.0.1:$PORT"

config() {
    cat <<JSON
{"image": "berth-test/app:$1", "pull": "missing", "port": 8080, "domains": ["$DOMAIN"],
 "healthcheck": {"path": "/healthz", "interval_ms": 200}, "drain_ms": 1000}
JSON
}

echo "==> berth workload add demo --kind image (berth-test/app:v1, domain $DOMAIN); berth deploy demo"
config v1 | "$BERTH" -q workload add demo --kind image --config - >/dev/null
"$BERTH" deploy demo

# $CLIENTS clients request the domain through nginx, for at most 90 s.
client() {
    local n=$1 end=$((SECONDS + 90)) ok=0 failed=0 code
    while [ $SECONDS -lt $end ] && [ ! -e "$WORK/stop" ]; do
        code=$(curl -sS -m 5 -o "$WORK/body.$n" -w '%{http_code}' -H "Host: $DOMAIN" "http://127.0.0.1:$PORT/" \
            2>>"$WORK/errors") || true
        if [ "$code" = 200 ]; then
            ok=$((ok + 1))
            cat "$WORK/body.$n" >>"$WORK/seen.$n"
        else
            failed=$((failed + 1))
            echo "client $n: HTTP ${code:-none} $(head -c 80 "$WORK/body.$n" 2>/dev/null)" >>"$WORK/errors"
        fi
    done
    echo "$ok $failed" >"$WORK/load.$n"
}
for n in $(seq "$CLIENTS"); do client "$n" & done

for v in v2 v3; do
    echo "==> blue-green deploy of berth-test/app:$v while $CLIENTS clients request $DOMAIN through nginx"
    config "$v" | "$BERTH" -q workload set demo --config - >/dev/null
    "$BERTH" deploy demo
done
touch "$WORK/stop"
wait
ok=0 failed=0
for n in $(seq "$CLIENTS"); do
    read -r o f <"$WORK/load.$n"
    ok=$((ok + o)) failed=$((failed + f))
done
echo "==> requests through nginx during the deploys: $((ok + failed)) sent, $failed failed"
[ "$failed" -eq 0 ] || sed 's/^/    /' "$WORK/errors"
echo "==> versions seen, in order (client 1): $(uniq "$WORK/seen.1" | tr '\n' ' ')"

echo "==> berth status"
"$BERTH" status demo
echo "==> berth events demo"
"$BERTH" events demo
[ "$failed" -eq 0 ]
