#!/usr/bin/env bash
# Benchmark of deploys from CI runners (issue 18, BENCHMARKS.md "A fresh
# store per CI job"): not a timed test, a measurement to record.
#
#   bench/ci-loop.sh
#
# Runs the test `ci_style_loop_with_a_fresh_store_each_job_drops_no_request`
# of tests/it/stores.rs: the real Docker daemon, the fake Nginx Proxy Manager of
# tests/it/common/fake_npm.rs with its REAL nginx data plane, 4 keep-alive
# HTTP/1.1 clients sending `GET /` through nginx (`Host: <domain>`) while 5
# CI "jobs" each deploy the workload from a fresh, empty store (each adopts
# the previous job's container and replaces it blue-green). Prints requests
# sent, served, failed, latencies, each deploy's duration, the containers
# running at the end and the number of proxy hosts.
#
# Needs what `scripts/test` sets up (daemon, test images, nginx). The test
# profile (debug berth) is used: what is measured is failed requests, not
# speed.
set -euo pipefail
# shellcheck source=bench/nginx-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/nginx-common.sh"
exec cargo test --test it -- stores::ci_style_loop --nocapture --test-threads=1
