#!/usr/bin/env bash
# Make sure a Docker daemon answers on /var/run/docker.sock.
#
#   scripts/ensure-docker.sh
#
# - installs Debian's docker.io (and curl) when missing;
# - does nothing more when a daemon already answers on the socket;
# - otherwise starts one: `systemctl start docker` when systemd is PID 1,
#   else `dockerd` in the background (log: $BERTH_DOCKERD_LOG,
#   default /var/log/berth-dockerd.log), and waits up to
#   $BERTH_DOCKERD_WAIT seconds (default 60) for it to answer.
# Idempotent; run as root. The daemon it starts keeps running afterwards.
#
# Env:
#   BERTH_DOCKERD_FLAGS  extra dockerd flags (e.g. "--storage-driver=vfs");
#                        none are needed on a plain Debian 12 host/VM.
#   BERTH_DOCKERD_LOG    dockerd log file [/var/log/berth-dockerd.log]
#   BERTH_DOCKERD_WAIT   seconds to wait for the daemon [60]
set -euo pipefail

SOCK=/var/run/docker.sock
LOG=${BERTH_DOCKERD_LOG:-/var/log/berth-dockerd.log}
WAIT=${BERTH_DOCKERD_WAIT:-60}
# shellcheck disable=SC2206 # word splitting of the flags is intended
FLAGS=(${BERTH_DOCKERD_FLAGS:-})

log() { printf 'ensure-docker: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root"

# ---- packages ---------------------------------------------------------------
apt_install() { # apt_install PKG... : install the given packages, updating the index first
    [ "$#" -gt 0 ] || return 0
    log "installing: $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q "$@"
}

missing=()
# /usr/local/bin/docker may be a CLI-only client: test for the daemon itself.
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker >/dev/null 2>&1 || [[ " ${missing[*]-} " == *" docker.io "* ]] || missing+=(docker.io)
command -v curl >/dev/null 2>&1 || missing+=(curl)
apt_install "${missing[@]}"
command -v dockerd >/dev/null 2>&1 || die "dockerd still not found after installing docker.io"

# ---- daemon -----------------------------------------------------------------
ping_daemon() {
    [ -S "$SOCK" ] && [ "$(curl -fsS --max-time 5 --unix-socket "$SOCK" http://localhost/_ping 2>/dev/null)" = "OK" ]
}

wait_daemon() { # wait_daemon [PID]: 0 when the daemon answers; 1 on timeout or when PID dies
    local pid=${1:-} deadline=$((SECONDS + WAIT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        ping_daemon && return 0
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            log "dockerd (pid $pid) exited"
            return 1
        fi
        sleep 1
    done
    return 1
}

start_background() { # start_background FLAG...: start dockerd detached, echo its pid
    log "starting: dockerd ${*:-(no extra flags)} (log: $LOG)"
    mkdir -p "$(dirname "$LOG")"
    printf '\n==== %s: dockerd %s\n' "$(date -u +%FT%TZ)" "$*" >>"$LOG"
    # setsid + nohup: survive the end of this script and of the CI step's session.
    setsid nohup dockerd "$@" >>"$LOG" 2>&1 </dev/null &
    echo $!
}

show_server() {
    local v
    v=$(curl -fsS --max-time 5 --unix-socket "$SOCK" http://localhost/version 2>/dev/null || true)
    if command -v jq >/dev/null 2>&1 && [ -n "$v" ]; then
        v=$(jq -r '"Docker Engine \(.Version), API \(.ApiVersion)"' <<<"$v" 2>/dev/null || echo "$v")
    fi
    log "daemon ready on $SOCK: ${v:-unknown version}"
}

if ping_daemon; then
    show_server
    exit 0
fi

# A daemon may be starting already (pid file of a live process): wait for it.
if [ -s /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    pid=$(cat /var/run/docker.pid)
    log "dockerd (pid $pid) is running but not answering yet; waiting up to ${WAIT}s"
    if wait_daemon "$pid"; then show_server; exit 0; fi
    die "dockerd (pid $pid) does not answer on $SOCK after ${WAIT}s; see $LOG"
fi

if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    log "systemd is running: systemctl start docker"
    if systemctl start docker && wait_daemon; then show_server; exit 0; fi
    log "systemctl start docker did not give a working daemon; falling back to a background dockerd"
    systemctl --no-pager status docker >&2 || true
fi

pid=$(start_background "${FLAGS[@]}")
if wait_daemon "$pid"; then show_server; exit 0; fi

# One automatic fallback: hosts without working iptables (nf_tables/legacy
# modules missing) make dockerd die with "Failed to create NAT chain" etc.
# Host-to-container traffic on the bridge works without iptables.
if ! kill -0 "$pid" 2>/dev/null && awk '/^==== /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$LOG" | grep -qi 'iptables'; then
    log "dockerd failed on iptables; retrying with --iptables=false --ip6tables=false"
    pid=$(start_background "${FLAGS[@]}" --iptables=false --ip6tables=false)
    if wait_daemon "$pid"; then show_server; exit 0; fi
fi

log "last lines of $LOG (this attempt):"
awk '/^==== /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$LOG" | tail -n 40 >&2 || true
kill -0 "$pid" 2>/dev/null && log "dockerd (pid $pid) still running but not answering; left running"
die "no Docker daemon answers on $SOCK (dockerd exited, or did not answer within ${WAIT}s); full log: $LOG"
