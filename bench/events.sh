#!/usr/bin/env bash
# Benchmark of `berth events` (issue 6, BENCHMARKS.md "Events query"): not a
# timed test, a measurement to record.
#
#   bench/events.sh                 build berth (release), generate the data, measure, print a report
#
# What it does:
#   1. cargo build --release
#   2. a temp store: berth creates the schema (`berth workload list`), then
#      python3's sqlite3 inserts 1,000 workloads and 1,000,000 events over
#      them (the columns berth writes; ~2% errors, ~8% warnings) in one
#      transaction
#   3. times `berth events W --errors --limit 50` as a whole process
#      (hyperfine, installed with apt-get when missing and allowed; else a
#      loop of 50 runs), next to the process-start baseline `berth --version`
#      and the same query on an empty store; prints median and p95 (target:
#      20 ms median)
#   4. prints EXPLAIN QUERY PLAN of the exact SQL berth runs
#   5. `--follow` latency: a follower process reads NDJSON while a writer
#      commits one event at a time; time from COMMIT to the follower printing
#      it, median over 20 inserts (target: 200 ms)
#
# Env: BENCH_EVENTS (1000000), BENCH_WORKLOADS (1000), BENCH_RUNS (50),
#      BENCH_FOLLOW_INSERTS (20), BENCH_KEEP=1 keeps the temp store.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
EVENTS=${BENCH_EVENTS:-1000000}
WORKLOADS=${BENCH_WORKLOADS:-1000}
RUNS=${BENCH_RUNS:-50}
FOLLOW_INSERTS=${BENCH_FOLLOW_INSERTS:-20}

log() { printf 'bench: %s\n' "$*" >&2; }

command -v python3 >/dev/null || { log "python3 is required"; exit 1; }
command -v sqlite3 >/dev/null || { log "sqlite3 is required (apt-get install sqlite3)"; exit 1; }
if ! command -v hyperfine >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing hyperfine"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine >/dev/null 2>&1 ||
        log "could not install hyperfine; timing with a shell loop"
fi

# ---- 1. build -------------------------------------------------------------------------
log "cargo build --release"
cargo build --release --quiet
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
BERTH=$TARGET_DIR/release/berth
[ -x "$BERTH" ] || { log "no binary at $BERTH"; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-bench-events.XXXXXX")
cleanup() { if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi; }
trap cleanup EXIT
export BERTH_DB=$TMP/berth.db NO_COLOR=1

# ---- 2. data ----------------------------------------------------------------------------
log "schema: berth workload list"
"$BERTH" workload list >/dev/null 2>&1
"$BERTH" --db "$TMP/empty.db" workload list >/dev/null 2>&1

log "generating $WORKLOADS workloads and $EVENTS events"
python3 - "$BERTH_DB" "$WORKLOADS" "$EVENTS" <<'PY'
import json, random, sqlite3, sys, time
from datetime import datetime, timedelta, timezone

db, n_workloads, n_events = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(42)
conn = sqlite3.connect(db, isolation_level=None)
conn.execute("PRAGMA synchronous = NORMAL")
conn.execute("PRAGMA cache_size = -512000")  # 500 MB: the indexes stay in memory while they grow
t0 = time.monotonic()
now = datetime.now(timezone.utc)
def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
conn.execute("BEGIN")
config = json.dumps({"image": "berth-test/app:v1", "port": 8080})
conn.executemany(
    "INSERT INTO workloads (name, kind, config, created_at, updated_at) VALUES (?, 'image', ?, ?, ?)",
    ((f"w{i:04d}", config, ts(now), ts(now)) for i in range(n_workloads)),
)
ids = [r[0] for r in conn.execute("SELECT id FROM workloads ORDER BY id")]
names = {i: n for i, n in conn.execute("SELECT id, name FROM workloads")}
start = now - timedelta(days=30)
step = timedelta(days=30) / n_events
def rows():
    for n in range(n_events):
        wid = random.choice(ids)
        r = random.random()
        if r < 0.02:
            sev, action, status = "error", "deploy.failed", "health check failed: GET /healthz answered 500"
        elif r < 0.10:
            sev, action, status = "warning", "webhook.failed", "webhook 1 (http://127.0.0.1:9/x) failed: connection refused"
        else:
            sev, action, status = "info", random.choice(("deploy.started", "deploy.succeeded")), f"deploy {n} ok"
        meta = json.dumps({"workload_id": wid, "deploy_id": n, "kind": "image", "strategy": "blue-green",
                           "strategy_forced": False, "image": "berth-test/app:v1", "container": None,
                           "duration_ms": 1234})
        yield (ts(start + step * n), wid, names[wid], action, sev, status, meta)
conn.executemany(
    "INSERT INTO event_log (ts, workload_id, workload, action, severity, status, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)",
    rows(),
)
conn.execute("COMMIT")
conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
total, errors = conn.execute("SELECT count(*), sum(severity = 'error') FROM event_log").fetchone()
print(f"bench: generated {total} events ({errors} errors) over {len(ids)} workloads in {time.monotonic() - t0:.1f} s",
      file=sys.stderr)
PY
W=w0500
W_EVENTS=$(sqlite3 "$BERTH_DB" "SELECT count(*) FROM event_log e JOIN workloads w ON w.id = e.workload_id WHERE w.name = '$W'")
W_ERRORS=$(sqlite3 "$BERTH_DB" "SELECT count(*) FROM event_log e JOIN workloads w ON w.id = e.workload_id WHERE w.name = '$W' AND severity = 'error'")
DB_SIZE=$(du -h "$BERTH_DB" | cut -f1)
log "store: $DB_SIZE; $W has $W_EVENTS events, $W_ERRORS errors"

# Sanity: the command answers, with errors of W only.
"$BERTH" --output json events "$W" --errors --limit 50 | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert all(e["workload"] == sys.argv[1] and e["severity"] == "error" for e in d["events"]), d
n, nb = len(d["events"]), d["next_before"]
print(f"bench: sanity: {n} events, next_before={nb}", file=sys.stderr)
' "$W"

# ---- 3. timing --------------------------------------------------------------------------
# Prints "median_ms p95_ms mean_ms min_ms max_ms" for the command "$@".
time_cmd() {
    if command -v hyperfine >/dev/null; then
        local json=$TMP/hf.json
        hyperfine --shell=none --warmup 5 --runs "$RUNS" --export-json "$json" --style none "$*" >/dev/null 2>&1
        python3 - "$json" <<'PY'
import json, statistics, sys
t = sorted(x * 1000 for x in json.load(open(sys.argv[1]))["results"][0]["times"])
p95 = t[min(len(t) - 1, int(round(0.95 * len(t))) - 1)]
print(f"{statistics.median(t):.2f} {p95:.2f} {statistics.mean(t):.2f} {t[0]:.2f} {t[-1]:.2f}")
PY
    else
        local i s e
        for i in 1 2 3 4 5; do "$@" >/dev/null 2>&1; done
        for ((i = 0; i < RUNS; i++)); do
            s=$(date +%s%N)
            "$@" >/dev/null 2>&1
            e=$(date +%s%N)
            echo $(((e - s) / 1000))
        done | python3 -c '
import statistics, sys
t = sorted(int(l) / 1000 for l in sys.stdin)
p95 = t[min(len(t) - 1, int(round(0.95 * len(t))) - 1)]
print(f"{statistics.median(t):.2f} {p95:.2f} {statistics.mean(t):.2f} {t[0]:.2f} {t[-1]:.2f}")
'
    fi
}
TIMER=$(command -v hyperfine >/dev/null && echo "hyperfine $(hyperfine --version | cut -d' ' -f2) (--warmup 5 --runs $RUNS --shell=none)" || echo "shell loop, date +%s%N ($RUNS runs after 5 warm-ups)")
log "timing with $TIMER"

report_row() { # label, then the command
    local label=$1
    shift
    read -r med p95 mean min max < <(time_cmd "$@")
    printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$med" "$p95" "$mean" "$min" "$max"
}

{
    echo "## Results"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), $(uname -sr)"
    echo "- load average before timing (1/5/15 min; the machine may be shared): $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- berth: $("$BERTH" --version) (release), SQLite $(sqlite3 --version | cut -d' ' -f1) CLI for the plan"
    echo "- data: $EVENTS events over $WORKLOADS workloads, store $DB_SIZE; $W has $W_EVENTS events, $W_ERRORS of them errors"
    echo "- timer: $TIMER"
    echo
    echo "| command (whole process, warm cache) | median ms | p95 ms | mean ms | min ms | max ms |"
    echo "|---|---|---|---|---|---|"
    report_row "\`berth events $W --errors --limit 50\` ($EVENTS events)" "$BERTH" events "$W" --errors --limit 50
    report_row "\`berth --output json events $W --errors --limit 50\` ($EVENTS events)" "$BERTH" --output json events "$W" --errors --limit 50
    report_row "\`berth events $W --limit 50\` ($EVENTS events)" "$BERTH" events "$W" --limit 50
    report_row "\`berth events --errors --limit 50\` ($EVENTS events, no workload)" "$BERTH" events --errors --limit 50
    report_row "\`berth events --limit 50\` (empty store)" "$BERTH" --db "$TMP/empty.db" events --limit 50
    report_row "\`berth --version\` (process start, no store)" "$BERTH" --version
} | tee "$TMP/report.md"

# ---- 4. the plan ------------------------------------------------------------------------
# The SQL of src/events/query.rs (EventFilter::sql) for `events W --errors
# --limit 50`: workload_id and severity, newest first, one row more than the
# page (is there a next page?).
WID=$(sqlite3 "$BERTH_DB" "SELECT id FROM workloads WHERE name = '$W'")
SQL="SELECT id, ts, workload, workload_id, action, severity, status, metadata FROM event_log WHERE 1 = 1 AND workload_id = $WID AND severity = 'error' ORDER BY id DESC LIMIT 51"
{
    echo
    echo "EXPLAIN QUERY PLAN of \`events $W --errors --limit 50\`:"
    echo
    echo '```'
    echo "$SQL"
    sqlite3 "$BERTH_DB" "EXPLAIN QUERY PLAN $SQL"
    echo '```'
    echo
    echo "The next page (\`--before\`) and the whole-log \`--errors\`:"
    echo
    echo '```'
    sqlite3 "$BERTH_DB" "EXPLAIN QUERY PLAN ${SQL/ORDER BY/AND id < 500000 ORDER BY}"
    sqlite3 "$BERTH_DB" "EXPLAIN QUERY PLAN SELECT id, ts, workload, workload_id, action, severity, status, metadata FROM event_log WHERE 1 = 1 AND severity = 'error' ORDER BY id DESC LIMIT 51"
    echo '```'
} | tee -a "$TMP/report.md"

# Where the time goes: the query alone, in the sqlite3 CLI (no berth process).
{
    echo
    echo "The same query in one sqlite3 CLI process (\`.timer on\`, 5 runs):"
    echo
    echo '```'
    printf '.timer on\n%s;\n%s;\n%s;\n%s;\n%s;\n' "$SQL" "$SQL" "$SQL" "$SQL" "$SQL" |
        sqlite3 "$BERTH_DB" 2>&1 | grep '^Run Time' || true
    echo '```'
} | tee -a "$TMP/report.md"

# ---- 5. --follow latency ----------------------------------------------------------------
log "measuring --follow latency ($FOLLOW_INSERTS inserts)"
python3 - "$BERTH" "$BERTH_DB" "$FOLLOW_INSERTS" "$W" <<'PY' | tee -a "$TMP/report.md"
import json, queue, random, sqlite3, statistics, subprocess, sys, threading, time
from datetime import datetime, timezone

berth, db, n, w = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

def measure(args, workload):
    follower = subprocess.Popen([berth, "--db", db, "--output", "json", "events", "--follow", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    lines = queue.Queue()
    def read():
        for line in follower.stdout:
            lines.put((time.monotonic(), line))
    threading.Thread(target=read, daemon=True).start()
    # The backlog (the newest 50) comes first; drain it.
    time.sleep(1.0)
    while not lines.empty():
        lines.get()
    conn = sqlite3.connect(db, isolation_level=None)
    wid = conn.execute("SELECT id FROM workloads WHERE name = ?", (workload,)).fetchone()[0]
    latencies = []
    try:
        for i in range(n):
            marker = f"follow-bench-{i}-{random.random()}"
            ts = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO event_log (ts, workload_id, workload, action, severity, status, metadata) "
                "VALUES (?, ?, ?, 'bench.follow', 'info', ?, ?)",
                (ts, wid, workload, marker, json.dumps({"workload_id": wid})),
            )
            conn.execute("COMMIT")
            committed = time.monotonic()
            while True:
                at, line = lines.get(timeout=10)
                if json.loads(line)["status"] == marker:
                    latencies.append((at - committed) * 1000)
                    break
            # Not in step with the follower's poll: sample its whole period.
            time.sleep(random.uniform(0.05, 0.35))
    finally:
        follower.kill()
        follower.wait()
    t = sorted(latencies)
    p95 = t[min(len(t) - 1, int(round(0.95 * len(t))) - 1)]
    return statistics.median(t), p95, statistics.mean(t), t[0], t[-1]

print()
print(f"`--follow` latency, commit of one event by another process -> the follower's NDJSON line ({n} inserts each):")
print()
print("| follower | median ms | p95 ms | mean ms | min ms | max ms |")
print("|---|---|---|---|---|---|")
for label, args in ((f"`berth --output json events --follow`", []),
                    (f"`berth --output json events --follow {w}`", [w])):
    med, p95, mean, lo, hi = measure(args, w)
    print(f"| {label} | {med:.1f} | {p95:.1f} | {mean:.1f} | {lo:.1f} | {hi:.1f} |")
PY

log "report: done"
