#!/usr/bin/env bash
# Benchmark of the drain that ends when blue is idle (issue 17, BENCHMARKS.md
# "Drain until idle, per router"): not a timed test, a measurement to record.
#
#   bench/drain.sh                     the real NPM, plain nginx and Caddy, one after the other
#   bench/drain.sh nginx               one router: npm-real | npm (the fake NPM) | nginx | caddy
#
# Runs the benchmark `drain` of bench/proxies.rs (bench/drain.rs) in a
# release build, through each router as a real proxy on loopback (the real
# Nginx Proxy Manager 2.15.1 of ../shared/npm-real, built here into
# <target dir>/npm-real when missing; nginx 1.22; Caddy 2.6), with the real
# Docker daemon and keep-alive HTTP/1.1 clients sending requests through the
# proxy (`Host: <domain>`) to a busybox app (berth-test/app:sh + a CGI
# script) answering `/` at once and `/cgi-bin/slow?ms=N` after N ms. Per
# router, five rows of BENCH_ROUNDS blue-green swaps: {fast clients only,
# fast + slow clients} x {drain until idle (the default: at most 30 s), the
# old fixed 2 s drain (`drain_ms: 2000, drain_until_idle: false`)}, then the
# same swap scripted with the docker CLI on the fast + slow load (docker run,
# curl /healthz, the route switched by hand, sleep BENCH_CLI_LINGER_MS,
# docker stop + rm). Prints requests sent and failed, mean deploy wall time,
# the mean drain and how each drain ended, the mean phases, and berth's
# deploy wall time as a ratio of the docker CLI's.
#
# Needs: a Docker daemon (scripts/ensure-docker.sh), the test images
# (scripts/test-images.sh), nginx (nginx-light), caddy, node >= 20 for the
# real NPM. scripts/test sets all of that up.
# Env: BENCH_ROUNDS (5), BENCH_CLIENTS (32), BENCH_SLOW (8 of the clients:
#      ms=1000, 2500, 5000 in turn), BENCH_PAUSE_MS (10: pause between two
#      requests of one client), BENCH_CLI_LINGER_MS (5500: the script's sleep,
#      longer than the slowest request).
set -euo pipefail
# shellcheck source=bench/nginx-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/nginx-common.sh"
routers=${*:-npm-real nginx caddy}
export BENCH_ROUTERS=${routers// /,}
echo "routers: $BENCH_ROUTERS"
echo "caddy:   $(caddy version 2>/dev/null | cut -d' ' -f1 || echo '?')"
case ",$BENCH_ROUTERS," in
    *,npm-real,*)
        target=${CARGO_TARGET_DIR:-$PWD/target}
        ../shared/npm-real/build.sh "$target/npm-real" >&2
        ;;
esac
exec cargo bench --bench proxies -- drain
