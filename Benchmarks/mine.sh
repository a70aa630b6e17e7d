#!/usr/bin/env bash
# `waybill mine` end to end against PM4Py's format_dataframe + discover_dfg +
# discover_performance_dfg + get_variants on the same log, in one run (issue 3's figure).
#
# Usage: Benchmarks/mine.sh [ORDERS]      (default 100000)
#
# Environment:
#   BENCH_DIR   scratch folder (default /tmp/waybill-mine-bench); emptied at the start
#   WAYBILL     a prebuilt waybill binary (default: swift build -c release --product waybill)
#   RUNS        runs of each side (default 3; the median is reported)
#
# Waybill: the whole `waybill mine` process under /usr/bin/time (load the case view from the
# store, DFG with performance, variants, start/end activities, activities, SLA, bottlenecks,
# process map, writing every file). The first run after the extraction builds the case-view
# cache and is reported apart ("cold"). PM4Py: the four calls on a DataFrame already read by
# pandas (read_csv is not timed), in a fresh process per run, with its peak RSS.
set -euo pipefail

ORDERS="${1:-100000}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DIR="${BENCH_DIR:-/tmp/waybill-mine-bench}"
RUNS="${RUNS:-3}"

if [ -n "${WAYBILL:-}" ]; then
    BIN="$WAYBILL"
else
    (cd "$ROOT" && swift build -c release --product waybill) >&2
    BIN="$ROOT/.build/release/waybill"
fi

rm -rf "$DIR" && mkdir -p "$DIR"
"$BIN" simulate --orders "$ORDERS" --seed 42 --out "$DIR/sim" >/dev/null
"$BIN" extract --source "$DIR/sim/source.sqlite" --mapping "$DIR/sim/mapping.yaml" --workspace "$DIR/ws" >/dev/null
"$BIN" export --format csv --out "$DIR/log.csv" --workspace "$DIR/ws" >/dev/null

echo "## waybill mine vs PM4Py ($ORDERS orders, $(nproc) cores, commit $(cd "$ROOT" && git rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg))"
run_waybill() {
    /usr/bin/time -f "%e %U %S %M" -o "$DIR/time.txt" "$BIN" mine --workspace "$DIR/ws" --out "$DIR/out" --json >"$DIR/mine.json"
    python3 - "$DIR/mine.json" "$DIR/time.txt" "$1" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["timings"]
wall, user, sys_, rss = open(sys.argv[2]).read().split()[-4:]
parts = ", ".join(f"{k.replace('Seconds', '')} {v:.3f}" for k, v in sorted(t.items()))
print(f"waybill {sys.argv[3]}: wall {float(wall):.2f} s, cpu {float(user) + float(sys_):.2f} s, max RSS {int(rss) / 1024:.0f} MiB ({parts})")
PY
}
run_waybill cold
for i in $(seq "$RUNS"); do run_waybill warm; done
for i in $(seq "$RUNS"); do python3 "$HERE/mine_reference.py" "$DIR/log.csv" 2>/dev/null | grep "^pm4py:"; done
