#!/usr/bin/env bash
# Inductive miner benchmark: `waybill discover` side by side with pm4py.discover_petri_net_inductive
# on the same CSV files (the receipt fixture and a simulated log of ORDERS orders), noise 0 and 0.2.
#
# Usage: Benchmarks/discovery.sh [ORDERS]      (default 100000)
#
# Environment: BENCH_DIR (default /tmp/waybill-discovery-bench, emptied first), WAYBILL (a prebuilt
# binary; otherwise `swift build -c release --product waybill`), PYTHON (default python3),
# REPEAT (runs per figure, best kept; default 3).
#
# Waybill's figure is the discovery alone (tree, conversion to the net), best of REPEAT runs, as
# `waybill discover --json` reports it ("discoverySeconds"); the wall time of the whole command
# (start-up, loading the case view, writing the files) is given beside it. PM4Py's figure is
# discover_petri_net_inductive on the formatted data frame (reading the CSV not timed).
# Writes the Markdown table to $BENCH_DIR/results.md.
set -euo pipefail

ORDERS="${1:-100000}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DIR="${BENCH_DIR:-/tmp/waybill-discovery-bench}"
PY="${PYTHON:-python3}"
REPEAT="${REPEAT:-3}"
export REPEAT

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ -n "${WAYBILL:-}" ]; then
    BIN="$WAYBILL"
else
    log "building release"
    (cd "$ROOT" && swift build -c release --product waybill) >&2
    BIN="$ROOT/.build/release/waybill"
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

rm -rf "$DIR"
mkdir -p "$DIR"
log "simulating $ORDERS orders"
"$BIN" simulate --orders "$ORDERS" --out "$DIR/sim" --json >/dev/null
"$BIN" extract --source "$DIR/sim/source.sqlite" --mapping "$DIR/sim/mapping.yaml" --workspace "$DIR/ws0" --json >/dev/null
"$BIN" export --format csv --object-type orders --out "$DIR/orders.csv" --workspace "$DIR/ws0" --json >/dev/null
cp "$ROOT/Tests/Fixtures/receipt.csv" "$DIR/receipt.csv"

for name in receipt orders; do
    "$BIN" ingest "$DIR/$name.csv" --workspace "$DIR/ws-$name" --json >/dev/null
done

now() { "$PY" -c 'import time; print(time.perf_counter())'; }
ROWS=""
log "PM4Py reference"
"$PY" "$HERE/discovery_reference.py" "$DIR/receipt.csv" "$DIR/orders.csv" >"$DIR/reference.json"
for name in receipt orders; do
    for noise in 0 0.2; do
        best=""
        wall=""
        for _ in $(seq "$REPEAT"); do
            start=$(date +%s.%N)
            "$BIN" discover --workspace "$DIR/ws-$name" --noise "$noise" --out "$DIR/out-$name-$noise" --json \
                >"$DIR/discover-$name-$noise.json"
            end=$(date +%s.%N)
            s=$("$PY" -c "import json; print(json.load(open('$DIR/discover-$name-$noise.json'))['discoverySeconds'])")
            w=$("$PY" -c "print($end - $start)")
            best=$("$PY" -c "print(min(x for x in [$s, ${best:-$s}]))")
            wall=$("$PY" -c "print(min(x for x in [$w, ${wall:-$w}]))")
        done
        ROWS+=$("$PY" - "$DIR" "$name" "$noise" "$best" "$wall" <<'PYEOF'
import json, sys
d, name, noise, best, wall = sys.argv[1:]
ref = json.load(open(f"{d}/reference.json"))[f"{name}.csv"]
mine = json.load(open(f"{d}/discover-{name}-{noise}.json"))
r = ref[noise]
same = "yes" if r["tree"] == mine["tree"] else "no"
print(f"| {name} ({mine['events']:,} events, {mine['cases']:,} cases) | {noise} | {float(best):.3f} s "
      f"({float(wall):.2f} s whole command) | {r['seconds']:.3f} s | {r['seconds'] / max(float(best), 1e-9):.0f}x "
      f"| {same} | {mine['places']}/{mine['transitions']} vs {r['places']}/{r['transitions']} |")
PYEOF
)$'\n'
    done
done

{
    echo "| Log | Noise | waybill discover (discovery only) | pm4py.discover_petri_net_inductive | Speed-up | Same tree | Places/transitions (Waybill vs PM4Py) |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    printf '%s' "$ROWS"
    echo
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); pm4py $("$PY" -c 'import pm4py; print(pm4py.__version__)'); best of $REPEAT runs; commit $(cd "$ROOT" && git rev-parse --short HEAD)."
} | tee "$DIR/results.md"
