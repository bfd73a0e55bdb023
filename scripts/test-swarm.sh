#!/usr/bin/env bash
# Make the test daemon a single-node swarm manager on loopback, for the
# Swarm tests (tests/it/swarm.rs). Idempotent: a daemon already in a swarm is
# left as it is. Plain containers and bridge networks keep working in swarm
# mode (the rest of the suite runs unchanged).
#
#   scripts/test-swarm.sh start     init when needed; prints "swarm: active"
#   scripts/test-swarm.sh status    exit 0 when the daemon is an active manager
#   scripts/test-swarm.sh stop      leave the swarm (scripts/test calls it on exit when
#                                   it made the swarm), unless services are left in it:
#                                   another run on the same daemon may still use them
#
# This machine's kernel has no IPVS: Swarm's virtual IPs and routing mesh
# do not work here, so the tests use `endpoint_mode: dnsrr`.
set -euo pipefail

log() { printf 'test-swarm: %s\n' "$*" >&2; }

state() { docker info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}' 2>/dev/null; }

case "${1:-start}" in
    status)
        [ "$(state)" = "active true" ]
        ;;
    start)
        docker version >/dev/null 2>&1 || { log "no Docker daemon answers (run scripts/ensure-docker.sh first)"; exit 1; }
        case "$(state)" in
            "active true") ;;
            "active false")
                log "the daemon is a swarm worker, not a manager: the Swarm tests need a manager"
                exit 1
                ;;
            inactive*)
                log "docker swarm init --advertise-addr 127.0.0.1"
                # A concurrent run may have initialised it in the meantime.
                docker swarm init --advertise-addr 127.0.0.1 >/dev/null 2>&1 || [ "$(state)" = "active true" ] || {
                    docker swarm init --advertise-addr 127.0.0.1 >&2
                    exit 1
                }
                ;;
            *)
                log "the daemon's swarm state is \`$(state)\`: fix it by hand (docker info)"
                exit 1
                ;;
        esac
        echo "swarm: active"
        ;;
    stop)
        docker version >/dev/null 2>&1 || exit 0
        # Only a manager leaves here (a worker's swarm is not the tests').
        [ "$(state)" = "active true" ] || exit 0
        services=$(docker service ls -q 2>/dev/null | wc -l)
        if [ "$services" -gt 0 ]; then
            log "not leaving the swarm: $services service(s) still in it (docker service ls)"
            exit 0
        fi
        docker swarm leave --force >/dev/null
        # The bridge swarm mode made for its tasks' outside traffic (unused now).
        docker network rm docker_gwbridge >/dev/null 2>&1 || true
        log "left the swarm"
        ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
