# shellcheck shell=bash
# Shared start of the benchmarks (bench/proxies.rs) that run through the fake
# NPM's nginx (bench/zero-drop.sh, bench/ci-loop.sh, bench/drain.sh);
# sourced, not run. Moves to the repository root, puts cargo on PATH and
# prints the machine, nginx and Docker versions, the date, load and commit, so a recorded
# figure says where it came from.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) PATH=$HOME/.cargo/bin:$PATH ;; esac

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr)"
echo "nginx:   $(nginx -v 2>&1 | sed 's/^nginx version: //'), docker $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')"
echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src tests bench 2>/dev/null || echo ' + uncommitted changes')"
