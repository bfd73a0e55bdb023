#!/usr/bin/env bash
# Benchmark of route swaps through nginx (issue 5, BENCHMARKS.md "Zero-drop
# swaps through nginx"): not a timed test, a measurement to record.
#
#   bench/zero-drop.sh
#
# Runs the benchmark `zero-drop` of bench/proxies.rs (bench/zero_drop.rs) in a release
# build: the real Docker daemon, the fake Nginx Proxy Manager of
# tests/it/common/fake_npm.rs with its REAL nginx data plane, and keep-alive
# HTTP/1.1 clients sending `GET /` through nginx (`Host: <domain>`) while
# berth redeploys the workload, first BENCH_ROUNDS times blue-green, then
# BENCH_ROUNDS times recreate (images berth-test/app:v1|v2|v3). Prints, for a
# steady period without deploys and for each strategy: requests sent,
# failed, retried (failed on a reused keep-alive connection before any
# response byte and served on one immediate retry: counted as served),
# req/s, p50/p99/max latency, mean deploy time.
#
# Needs: a Docker daemon (scripts/ensure-docker.sh), the test images
# (scripts/test-images.sh), nginx (nginx-light).
# Env: BENCH_ROUNDS (5), BENCH_CLIENTS (4), BENCH_PAUSE_MS (2: pause between
#      two requests of one client), BENCH_DRAIN_MS (1500).
set -euo pipefail
# shellcheck source=bench/nginx-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/nginx-common.sh"
exec cargo bench --bench proxies -- zero-drop
