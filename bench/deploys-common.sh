# shellcheck shell=bash
# Shared setup of the deploy benchmarks (bench/deploy-vs-docker.sh,
# bench/readiness.sh, bench/build-context-rss.sh, bench/fleet.sh); sourced,
# not run. BENCHMARKS.md "Deploys" has the figures.
#
# Gives: $BERTH (release build), $TMP (temp dir, removed at exit), a temp
# store in $BERTH_DB, $RUN_ID and the label `berth-bench=$RUN_ID` that every
# container, workload and image of the run carries, and at exit removes
# every container and image with that label (plus the extra images named in
# $CLEANUP_IMAGES). Needs a Docker daemon (scripts/ensure-docker.sh), the
# test images (scripts/test-images.sh), python3 and curl.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

command -v python3 >/dev/null || die "python3 is required"
command -v curl >/dev/null || die "curl is required"
docker version >/dev/null 2>&1 || die "no Docker daemon answers (run scripts/ensure-docker.sh)"
for tag in v1 v2; do
    docker image inspect berth-test/app:$tag >/dev/null 2>&1 || die "berth-test/app:$tag missing (run scripts/test-images.sh)"
done

if [ -z "${BERTH:-}" ]; then
    log "cargo build --release"
    cargo build --release --quiet
    TARGET_DIR=$(cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
    BERTH=$TARGET_DIR/release/berth
fi
[ -x "$BERTH" ] || die "no berth binary at $BERTH"

RUN_ID=$(python3 -c 'import secrets,string; print("".join(secrets.choice(string.ascii_lowercase+string.digits) for _ in range(6)))')
LABEL="berth-bench=$RUN_ID"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-bench-deploys.XXXXXX")
export BERTH_DB=$TMP/berth.db NO_COLOR=1
# The benchmarks run without a proxy: no NPM settings from the environment.
unset BERTH_NPM_URL BERTH_NPM_EMAIL BERTH_NPM_PASSWORD BERTH_NPM_TOKEN
CLEANUP_IMAGES=()
WORKLOADS=() # every workload the run added: their berth-built images go too

bench_cleanup() {
    local ids
    ids=$(docker ps -aq --filter "label=$LABEL" 2>/dev/null || true)
    # shellcheck disable=SC2086 # one id per word
    [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
    local w filters=(--filter "label=$LABEL")
    for w in "${WORKLOADS[@]}"; do
        ids=$(docker ps -aq --filter "label=berth.workload=$w" 2>/dev/null || true)
        # shellcheck disable=SC2086
        [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
        # berth labels the images it builds berth.workload=<w> (not with the workload's labels)
        ids=$(docker images -q --filter "label=berth.workload=$w" 2>/dev/null | sort -u || true)
        # shellcheck disable=SC2086
        [ -z "$ids" ] || docker rmi -f $ids >/dev/null 2>&1 || true
    done
    ids=$(docker images -q "${filters[@]}" 2>/dev/null | sort -u || true)
    # shellcheck disable=SC2086
    [ -z "$ids" ] || docker rmi -f $ids >/dev/null 2>&1 || true
    if [ "${#CLEANUP_IMAGES[@]}" -gt 0 ]; then
        docker rmi -f "${CLEANUP_IMAGES[@]}" >/dev/null 2>&1 || true
    fi
    rm -rf "$TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ns() { date +%s%N; }

# machine_info: one line for BENCHMARKS.md.
machine_info() {
    local cpu
    cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
    printf 'machine: %s CPUs (nproc), %s, %s MiB RAM, Docker %s, kernel %s; date %s; berth %s\n' \
        "$(nproc)" "$cpu" "$(($(grep MemTotal /proc/meminfo | awk '{print $2}') / 1024))" \
        "$(docker version -f '{{.Server.Version}}' 2>/dev/null)" "$(uname -r)" "$(date -u +%Y-%m-%dT%H:%MZ)" \
        "$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+dirty')"
}

# labelled JSON: the config with the bench label added to its `labels`.
labelled() {
    python3 -c 'import json,sys; c=json.loads(sys.argv[1]); c.setdefault("labels",{})["berth-bench"]=sys.argv[2]; print(json.dumps(c))' "$1" "$RUN_ID"
}

# add_workload NAME KIND JSON: stores a workload (labelled).
add_workload() {
    WORKLOADS+=("$1")
    labelled "$3" | "$BERTH" -q workload add "$1" --kind "$2" --config - >/dev/null
}

# set_workload NAME JSON: replaces its config (labelled).
set_workload() { labelled "$2" | "$BERTH" -q workload set "$1" --config - >/dev/null; }
