#!/usr/bin/env bash
# CSV ingest, two waybill binaries side by side on the same file in the same run.
#
# Usage: Benchmarks/csv-ingest.sh LOG.csv BASE_BIN NEW_BIN [RUNS]   (RUNS default 3)
#
# Each run ingests LOG.csv into a fresh workspace with each binary in turn (alternating, so
# that load from other work on the machine falls on both), pinned to one CPU with taskset
# (PIN_CPU, default 0; "none" to not pin), under /usr/bin/time -v. Prints wall and CPU
# (user + sys) seconds and events/s per run, then checks that the two stores give byte-identical
# `waybill summary --json` (minus the store path and timings), `waybill export --format csv`
# and every table of the two stores (Benchmarks/store_tables.py: event segments column by column,
# byte for byte), each store read by the binary that wrote it.
#
# Environment: BENCH_DIR (default /tmp/waybill-csv-ingest; emptied at the start, only if made
# by this script), PIN_CPU, CHECK=0 to skip the output comparison.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: $0 LOG.csv BASE_BIN NEW_BIN [RUNS]" >&2; exit 2; }
LOG="$(realpath "$1")"; BASE="$(realpath "$2")"; NEW="$(realpath "$3")"; RUNS="${4:-3}"
DIR="${BENCH_DIR:-/tmp/waybill-csv-ingest}"
PIN_CPU="${PIN_CPU:-0}"
PIN=()
if [ "$PIN_CPU" != "none" ] && command -v taskset >/dev/null; then PIN=(taskset -c "$PIN_CPU"); fi

if [ -d "$DIR" ] && [ -n "$(ls -A "$DIR")" ] && [ ! -e "$DIR/.waybill-csv-ingest" ]; then
    echo "BENCH_DIR=$DIR is not empty and was not made by this script" >&2; exit 1
fi
rm -rf "$DIR"; mkdir -p "$DIR"; touch "$DIR/.waybill-csv-ingest"

# one NAME BIN: a timed ingest into $DIR/ws-NAME; prints "NAME wall cpu events ev/s"
one() {
    local name="$1" bin="$2"
    rm -rf "$DIR/ws-$name"
    # The file back in the page cache before every run, not once: each run writes a 1.2 GB store,
    # which can push parts of a 2.2 GB log out, and a run that reads from disk is a run of the disk.
    cat "$LOG" >/dev/null
    /usr/bin/time -v -o "$DIR/$name.time" "${PIN[@]}" "$bin" ingest "$LOG" --workspace "$DIR/ws-$name" --json \
        >"$DIR/$name.out" 2>"$DIR/$name.err" || { tail -n 5 "$DIR/$name.err" >&2; exit 1; }
    python3 - "$DIR/$name.time" "$DIR/$name.out" "$name" <<'EOF'
import json, sys
wall = rss = cpu = 0.0
for line in open(sys.argv[1]):
    k, _, v = line.strip().rpartition(": ")
    if k.startswith("Elapsed (wall clock) time"):
        wall = sum(float(p) * 60 ** i for i, p in enumerate(reversed(v.split(":"))))
    elif k in ("User time (seconds)", "System time (seconds)"):
        cpu += float(v)
    elif k == "Maximum resident set size (kbytes)":
        rss = float(v) / 1024
added = json.load(open(sys.argv[2]))[0]["eventsAdded"]
print(f"{sys.argv[3]:>8}  wall {wall:7.2f} s  cpu {cpu:7.2f} s  rss {rss:6.0f} MiB  "
      f"{added:,} events  {added / wall:>11,.0f} ev/s wall  {added / cpu:>11,.0f} ev/s cpu")
EOF
}

echo "file: $LOG ($(stat -c %s "$LOG") bytes); base: $BASE; new: $NEW; pinned: ${PIN_CPU}; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$RUNS"); do
    one "base" "$BASE"
    one "new" "$NEW"
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

[ "${CHECK:-1}" = "1" ] || exit 0
# Each store is read by the binary that wrote it (a newer schema is refused by an older build).
for name in base new; do
    if [ "$name" = base ]; then BIN="$BASE"; else BIN="$NEW"; fi
    "$BIN" summary --workspace "$DIR/ws-$name" --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in ("seconds", "store", "workspace", "path", "startedAt", "timings")}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o
print(json.dumps(strip(j), sort_keys=True, indent=1))' >"$DIR/summary-$name.json"
    "$BIN" export --format csv --out "$DIR/export-$name.csv" --workspace "$DIR/ws-$name" >/dev/null
done
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python3 "$HERE/store_tables.py" "$DIR/ws-base/waybill.sqlite" >"$DIR/tables-base.txt"
python3 "$HERE/store_tables.py" "$DIR/ws-new/waybill.sqlite" >"$DIR/tables-new.txt"
if cmp -s "$DIR/summary-base.json" "$DIR/summary-new.json" && cmp -s "$DIR/export-base.csv" "$DIR/export-new.csv" \
    && cmp -s "$DIR/tables-base.txt" "$DIR/tables-new.txt"; then
    echo "outputs: summary --json, export --format csv and every store table identical"
else
    echo "outputs DIFFER:"; diff "$DIR/summary-base.json" "$DIR/summary-new.json" | head -20; cmp "$DIR/export-base.csv" "$DIR/export-new.csv" || true
    diff "$DIR/tables-base.txt" "$DIR/tables-new.txt" || true
    exit 1
fi
