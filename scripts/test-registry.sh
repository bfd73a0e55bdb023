#!/usr/bin/env bash
# A throwaway local registry for berth's tests (Debian's docker-registry,
# i.e. docker/distribution 2.8), bound to 127.0.0.1 only.
#
#   scripts/test-registry.sh start    start it (idempotent), push the local berth-test/app:* images
#                                     into it, print its address (e.g. 127.0.0.1:5055) on stdout
#   scripts/test-registry.sh stop     stop it and delete its storage (idempotent)
#   scripts/test-registry.sh seed     (re)push the local berth-test/app:* images into it
#   scripts/test-registry.sh status   exit 0 when it answers; print its address
#   scripts/test-registry.sh addr     print its address
#
# Env:
#   BERTH_TEST_REGISTRY_PORT  port [5055]. Not 5000: on a systemd host, installing the
#                             docker-registry package starts its own service on *:5000.
#   BERTH_TEST_REGISTRY_AUTH  "user:password" to require htpasswd (basic) auth [unset: no auth];
#                             use another port to run it beside the open one.
#   BERTH_TEST_REGISTRY_SEED  0 to skip pushing images on start [1]
#
# Docker allows plain HTTP to 127.0.0.0/8 registries without any daemon
# config, so `docker pull 127.0.0.1:5055/berth-test/app:v1` works as is.
# State (config, pid, log, storage) lives in ${TMPDIR:-/tmp}/berth-test-registry-PORT/.
set -euo pipefail

PORT=${BERTH_TEST_REGISTRY_PORT:-5055}
ADDR=127.0.0.1:$PORT
AUTH=${BERTH_TEST_REGISTRY_AUTH:-}
STATE=${TMPDIR:-/tmp}/berth-test-registry-$PORT
PIDFILE=$STATE/registry.pid
CONFIG=$STATE/config.yml
LOG=$STATE/registry.log
SEED_REPO=berth-test/app

log() { printf 'test-registry: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if ! [[ "$PORT" =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
    die "bad port '$PORT'"
fi

pkg_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
ensure_packages() {
    local missing=()
    command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    if [ -n "$AUTH" ]; then command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils); fi
    [ "${#missing[@]}" -gt 0 ] || return 0
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q "${missing[@]}"
}

our_pid() { # prints the pid of our registry when it is alive
    local pid
    [ -s "$PIDFILE" ] || return 1
    pid=$(cat "$PIDFILE")
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$CONFIG" || return 1
    echo "$pid"
}

answers() { # the registry API answers (200, or 401 when auth is on)
    local code
    code=$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "http://$ADDR/v2/" 2>/dev/null || true)
    [ "$code" = 200 ] || [ "$code" = 401 ]
}

port_busy() { # anything accepts TCP connections on the port? (curl exit 7 = refused)
    local rc=0
    curl -s -o /dev/null --max-time 2 "http://$ADDR/" 2>/dev/null || rc=$?
    [ "$rc" != 7 ]
}

write_config() {
    mkdir -p "$STATE/storage"
    local auth_block=""
    if [ -n "$AUTH" ]; then
        [[ "$AUTH" == *:* ]] || die "BERTH_TEST_REGISTRY_AUTH must be user:password"
        # The registry only accepts bcrypt entries.
        htpasswd -Bbn "${AUTH%%:*}" "${AUTH#*:}" >"$STATE/htpasswd" 2>/dev/null
        auth_block="auth:
  htpasswd:
    realm: berth-test-registry
    path: $STATE/htpasswd"
    fi
    cat >"$CONFIG" <<EOF
# berth test registry (scripts/test-registry.sh): NOT the packaged /etc/docker/registry/config.yml
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
  fields:
    service: berth-test-registry
storage:
  filesystem:
    rootdirectory: $STATE/storage
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $ADDR
  secret: berth-test-registry
  headers:
    X-Content-Type-Options: [nosniff]
$auth_block
EOF
}

seed() {
    local tags tag src dst out config_dir="" rc=0
    docker version >/dev/null 2>&1 || die "no Docker daemon answers (run scripts/ensure-docker.sh first)"
    tags=$(docker image ls --format '{{.Tag}}' "$SEED_REPO" | grep -v '^<none>$' | sort -u || true)
    if [ -z "$tags" ]; then
        log "no local $SEED_REPO images to push (run scripts/test-images.sh first)"
        return 0
    fi
    if [ -n "$AUTH" ]; then
        # Log in with a throwaway client config: root's ~/.docker stays untouched.
        config_dir=$(mktemp -d)
        if ! out=$(printf '%s' "${AUTH#*:}" | DOCKER_CONFIG=$config_dir docker login -u "${AUTH%%:*}" --password-stdin "$ADDR" 2>&1); then
            printf '%s\n' "$out" >&2
            rm -rf "$config_dir"
            die "docker login $ADDR failed"
        fi
    fi
    for tag in $tags; do
        src=$SEED_REPO:$tag
        dst=$ADDR/$SEED_REPO:$tag
        docker tag "$src" "$dst"
        if ! out=$(DOCKER_CONFIG=${config_dir:-${DOCKER_CONFIG:-$HOME/.docker}} docker push "$dst" 2>&1); then
            printf '%s\n' "$out" >&2
            rc=1
        fi
        # Drop the registry-qualified local tag: tests must really pull it.
        docker rmi "$dst" >/dev/null
        [ "$rc" = 0 ] || break
    done
    [ -z "$config_dir" ] || rm -rf "$config_dir"
    [ "$rc" = 0 ] || die "push of $dst failed"
    log "pushed to $ADDR/$SEED_REPO: $(echo "$tags" | tr '\n' ' ')"
}

start() {
    local pid deadline
    ensure_packages
    if pid=$(our_pid) && answers; then
        log "already running (pid $pid) on $ADDR"
    else
        if pid=$(our_pid); then
            log "pid $pid does not answer; restarting"
            stop_registry
        fi
        port_busy && die "something else listens on $ADDR (set BERTH_TEST_REGISTRY_PORT to another port)"
        rm -rf "$STATE"
        write_config
        log "starting docker-registry on $ADDR (state: $STATE)"
        setsid nohup docker-registry serve "$CONFIG" >>"$LOG" 2>&1 </dev/null &
        pid=$!
        echo "$pid" >"$PIDFILE"
        deadline=$((SECONDS + 30))
        until answers; do
            if ! kill -0 "$pid" 2>/dev/null; then
                tail -n 30 "$LOG" >&2 || true
                die "docker-registry exited; log: $LOG"
            fi
            if [ "$SECONDS" -ge "$deadline" ]; then
                tail -n 30 "$LOG" >&2 || true
                die "docker-registry (pid $pid) does not answer on $ADDR after 30s; log: $LOG"
            fi
            sleep 0.2
        done
        log "running (pid $pid) on $ADDR${AUTH:+ (auth: ${AUTH%%:*})}"
    fi
    if [ "${BERTH_TEST_REGISTRY_SEED:-1}" != 0 ]; then seed; fi
    echo "$ADDR"
}

stop_registry() {
    local pid
    if pid=$(our_pid); then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
        log "stopped (pid $pid)"
    fi
    rm -f "$PIDFILE"
}

case "${1:-}" in
    start) start ;;
    stop)
        stop_registry
        rm -rf "$STATE"
        ;;
    seed)
        answers || die "no registry answers on $ADDR (run: $0 start)"
        seed
        ;;
    status)
        if pid=$(our_pid) && answers; then
            log "running (pid $pid) on $ADDR"
            echo "$ADDR"
        else
            log "not running on $ADDR"
            exit 1
        fi
        ;;
    addr) echo "$ADDR" ;;
    *)
        echo "usage: $0 start|stop|seed|status|addr" >&2
        exit 2
        ;;
esac
