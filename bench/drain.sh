#!/usr/bin/env bash
# Benchmark of the drain that ends when blue is idle (issue 17, BENCHMARKS.md
# "Drain until idle"): not a timed test, a measurement to record.
#
#   bench/drain.sh
#
# Runs the ignored test `drain_benchmark` of tests/it/routes.rs in a release
# build: the real Docker daemon, the fake Nginx Proxy Manager of
# tests/it/common/fake_npm.rs with its REAL nginx data plane, and keep-alive
# HTTP/1.1 clients sending requests through nginx (`Host: <domain>`) to a
# busybox app (berth-test/app:sh + a CGI script) answering `/` at once and
# `/cgi-bin/slow?ms=N` after N ms. Four rows of BENCH_ROUNDS blue-green
# swaps each: {fast clients only, fast + slow clients} x {drain until idle
# (no `drain_ms`: at most 30 s), the old fixed 2 s drain (`drain_ms: 2000,
# drain_until_idle: false`)}. Prints requests sent and failed, p99 latency,
# mean deploy wall time, mean drain and how each drain ended.
#
# Needs: a Docker daemon (scripts/ensure-docker.sh), the test images
# (scripts/test-images.sh), nginx (nginx-light).
# Env: BENCH_ROUNDS (5), BENCH_CLIENTS (32), BENCH_SLOW (8 of the clients:
#      ms=1000, 2500, 5000 in turn), BENCH_PAUSE_MS (10: pause between two
#      requests of one client).
set -euo pipefail
# shellcheck source=bench/nginx-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/nginx-common.sh"
exec cargo test --release --test it -- --ignored routes::drain_benchmark --nocapture --test-threads=1
