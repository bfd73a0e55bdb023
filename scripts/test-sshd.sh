#!/usr/bin/env bash
# A throwaway sshd on 127.0.0.1 for berth's remote-daemon tests (issue 13):
# berth deploys through ssh://root@127.0.0.1:PORT to this machine's own
# dockerd, the way it deploys to another host.
#
#   scripts/test-sshd.sh start    start it unless it runs; print the settings
#   scripts/test-sshd.sh stop     stop it (the state directory stays)
#   scripts/test-sshd.sh status   exit 0 when it runs
#
# Test-only: a key generated here for root, accepted only from 127.0.0.1,
# keys only (no passwords), a port picked free. Everything lives in
# ${TMPDIR:-/tmp}/berth-test-sshd-<uid>-${BERTH_TEST_REGISTRY_PORT:-5055}
# (one per test instance, as the registry): host key, client key,
# authorized_keys, known_hosts, an ssh_config for the client, the log.
#
# The last lines of `start` are the settings the tests read:
#   BERTH_TEST_SSH=root@127.0.0.1:PORT
#   BERTH_TEST_SSH_CONFIG=<dir>/ssh_config   (pass to berth as BERTH_SSH_CONFIG)
# Idempotent: a second start finds it running and prints the same settings.
set -euo pipefail

DIR=${TMPDIR:-/tmp}/berth-test-sshd-$(id -u)-${BERTH_TEST_REGISTRY_PORT:-5055}
PIDFILE=$DIR/sshd.pid
SSHD=${SSHD:-/usr/sbin/sshd}

running() {
    [ -s "$PIDFILE" ] && [ -s "$DIR/port" ] || return 1
    local pid
    pid=$(cat "$PIDFILE")
    kill -0 "$pid" 2>/dev/null || return 1
    # The pid is this sshd, not a recycled one.
    grep -q "$DIR/sshd_config" "/proc/$pid/cmdline" 2>/dev/null
}

settings() {
    echo "BERTH_TEST_SSH=root@127.0.0.1:$(cat "$DIR/port")"
    echo "BERTH_TEST_SSH_CONFIG=$DIR/ssh_config"
}

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
    if running; then
        settings
        return 0
    fi
    if [ ! -x "$SSHD" ]; then
        echo "scripts/test-sshd.sh: no $SSHD: install openssh-server (scripts/test does)" >&2
        exit 1
    fi
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    [ -f "$DIR/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C berth-test-host -f "$DIR/host_ed25519"
    [ -f "$DIR/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C berth-test-client -f "$DIR/id_ed25519"
    echo "from=\"127.0.0.1\" $(cat "$DIR/id_ed25519.pub")" >"$DIR/authorized_keys"
    chmod 600 "$DIR/authorized_keys"

    # A free port near the registry's, so parallel test instances differ.
    local port=$((22000 + ${BERTH_TEST_REGISTRY_PORT:-5055} % 1000))
    while ! port_free "$port"; do port=$((port + 1)); done

    cat >"$DIR/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $DIR/host_ed25519
PidFile $PIDFILE
AuthorizedKeysFile $DIR/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
StrictModes no
AllowTcpForwarding yes
X11Forwarding no
MaxSessions 10
# The tests read the forwards (the readiness probe's tunnel) from the log.
LogLevel DEBUG1
EOF
    echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$DIR/host_ed25519.pub")" >"$DIR/known_hosts"
    cat >"$DIR/ssh_config" <<EOF
Host *
    IdentityFile $DIR/id_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile $DIR/known_hosts
    GlobalKnownHostsFile /dev/null
EOF
    # sshd's privilege separation directory.
    mkdir -p /run/sshd
    "$SSHD" -t -f "$DIR/sshd_config"
    "$SSHD" -f "$DIR/sshd_config" -E "$DIR/sshd.log"
    echo "$port" >"$DIR/port"
    local i
    for i in $(seq 1 100); do
        if running && ! port_free "$port"; then
            settings
            return 0
        fi
        sleep 0.05
    done
    echo "scripts/test-sshd.sh: sshd did not come up on 127.0.0.1:$port; its log:" >&2
    tail -n 20 "$DIR/sshd.log" >&2 || true
    exit 1
}

stop() {
    if running; then
        kill "$(cat "$PIDFILE")"
    fi
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) running ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
