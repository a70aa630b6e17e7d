#!/usr/bin/env bash
# Object-centric DFG benchmark: `waybill mine --object-centric` against PM4Py's discover_ocdfg
# and per-type variants, on the same OCEL 2.0 log, in one run.
#
# Usage: Benchmarks/ocdfg.sh [OCEL_JSON] [REPEATS]
#   OCEL_JSON  default Tests/Fixtures/ocel2/order-management.json.gz (21,008 events, 10,840 objects)
#   REPEATS    runs of each timed step, the median is reported (default 5)
#
# Environment:
#   BENCH_DIR     scratch folder (default /tmp/waybill-ocdfg-bench); emptied at the start
#   WAYBILL       a prebuilt waybill binary (skips the release build)
#   SCRATCH_PATH  swift build --scratch-path for the release build (default: <repo>/.build)
#   PYTHON        the interpreter with pm4py (default python3)
#
# Waybill is timed as whole processes (start-up, opening the store, loading the views, computing,
# writing the CSV files): `mine` with and without --object-centric, so the difference is the
# object-centric part. PM4Py is timed in-process after its import and after reading the log
# (Waybill reads the log once, at `ingest`, which is timed apart). Prints a Markdown table.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
LOG="${1:-$ROOT/Tests/Fixtures/ocel2/order-management.json.gz}"
REPEATS="${2:-5}"
DIR="${BENCH_DIR:-/tmp/waybill-ocdfg-bench}"
PY="${PYTHON:-python3}"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

[ -f "$LOG" ] || { log "error: no log at $LOG"; exit 2; }
[[ "$REPEATS" =~ ^[1-9][0-9]*$ ]] || { log "error: REPEATS must be a positive number"; exit 2; }
LOG="$(cd "$(dirname "$LOG")" && pwd)/$(basename "$LOG")"

if [ -n "${WAYBILL:-}" ]; then
    BIN="$WAYBILL"
else
    SCRATCH="${SCRATCH_PATH:-$ROOT/.build}"
    log "building release (swift build -c release --product waybill)"
    (cd "$ROOT" && swift build -c release --product waybill --scratch-path "$SCRATCH") >&2
    BIN="$SCRATCH/release/waybill"
fi
[ -x "$BIN" ] || { log "error: $BIN is not an executable"; exit 1; }

if [ -d "$DIR" ] && [ -n "$(ls -A "$DIR")" ] && [ ! -e "$DIR/.waybill-ocdfg-bench" ]; then
    log "error: BENCH_DIR=$DIR is not empty and was not made by this script"; exit 1
fi
rm -rf "$DIR" && mkdir -p "$DIR" && touch "$DIR/.waybill-ocdfg-bench"

# seconds CMD...: "WALL CPU" seconds of one run of CMD (CPU = user + sys; stdout to /dev/null).
seconds() {
    /usr/bin/time -f "%e %U %S" -o "$DIR/time.txt" "$@" >/dev/null
    awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$DIR/time.txt"
}
# median REPEATS CMD...: "WALL CPU", the medians of REPEATS runs.
median() {
    local n="$1"; shift
    for _ in $(seq "$n"); do seconds "$@"; done >"$DIR/runs.txt"
    "$PY" -c "
import statistics, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
print(f'{statistics.median(r[0] for r in rows):.3f} {statistics.median(r[1] for r in rows):.3f}')" "$DIR/runs.txt"
}

log "ingest $LOG"
read -r INGEST INGEST_CPU < <(seconds "$BIN" ingest "$LOG" --workspace "$DIR/ws")
log "waybill mine (classic outputs only), $REPEATS runs"
read -r CLASSIC CLASSIC_CPU < <(median "$REPEATS" "$BIN" mine --workspace "$DIR/ws" --out "$DIR/classic" --json)
log "waybill mine --object-centric, $REPEATS runs"
read -r OBJECT OBJECT_CPU < <(median "$REPEATS" "$BIN" mine --workspace "$DIR/ws" --object-centric --out "$DIR/oc" --json)
log "PM4Py, $REPEATS runs"
"$PY" "$HERE/ocdfg_reference.py" "$LOG" "$REPEATS" >"$DIR/reference.json"

"$PY" - "$DIR" "$INGEST" "$INGEST_CPU" "$CLASSIC" "$CLASSIC_CPU" "$OBJECT" "$OBJECT_CPU" "$(nproc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PYEOF'
import csv, json, sys
d = sys.argv[1]
ingest, ingest_cpu, classic, classic_cpu, oc, oc_cpu = map(float, sys.argv[2:8])
cores, load = sys.argv[8], sys.argv[9]
ref = json.load(open(f"{d}/reference.json"))
rows = list(csv.DictReader(open(f"{d}/oc/object_types.csv")))
ours = {r["object_type"]: int(r["edges"]) for r in rows}
variants = {r["object_type"]: int(r["variants"]) for r in rows}
agree = ours == ref["edges"] and variants == ref["variants"]
w = lambda wall, cpu: f"{wall:.3f} s wall / {cpu:.3f} s CPU"
pm = ref["ocdfg"][0] + ref["variants_time"][0], ref["ocdfg"][1] + ref["variants_time"][1]
print(f"""| step | Waybill | PM4Py |
| --- | --- | --- |
| read the log | {w(ingest, ingest_cpu)} (`waybill ingest`, once) | {w(*ref['read'])} (`read_ocel2_json`) |
| OC-DFG counts + per-type variants | {w(oc - classic, oc_cpu - classic_cpu)} (`mine --object-centric` minus `mine`) | {w(*pm)} (`discover_ocdfg` without edge performance, then `ocel_flattening` + `get_variants` per type) |
| of which `discover_ocdfg` | | {w(*ref['ocdfg'])} |
| `discover_ocdfg` with its default edge performance | - | {w(*ref['ocdfg_with_performance'])} |
| whole `waybill mine --object-centric` process | {w(oc, oc_cpu)} | - |

Medians of the runs. Edges and variants per type agree with PM4Py: {'yes' if agree else '**no**'}.
Machine: {cores} cores, load average {load} at the end (shared machine: figures are noisy; CPU
time is the steadier figure).""")
PYEOF
