#!/usr/bin/env bash
# The process map benchmark: how long `waybill mine` takes to build, lay out and write the map
# (its `mapSeconds` in --json) for a 40-activity and a 200-activity directly-follows graph, drawn
# whole (no readability limits), beside the reference where it exists:
#   - PM4Py: pm4py.discover_dfg plus its DFG visualiser building the Graphviz source (PM4Py does
#     no layout itself; Graphviz does);
#   - Graphviz: `dot -Tsvg` on Waybill's own process-map.dot, if `dot` is installed.
#
#   Benchmarks/process-map.sh            # 40 and 200 activities, 2,000 cases each
#   ACTIVITIES="40 200 400" CASES=5000 Benchmarks/process-map.sh
#
# Environment: WAYBILL (a built binary; default: a release build of this checkout), BENCH_DIR
# (default /tmp/waybill-map-bench), RUNS (timed runs per size, default 3; the median is reported).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/waybill-map-bench}"
ACTIVITIES="${ACTIVITIES:-40 200}"
CASES="${CASES:-2000}"
RUNS="${RUNS:-3}"
if [ -z "${WAYBILL:-}" ]; then
    (cd "$ROOT" && swift build -c release --product waybill) >&2
    WAYBILL="$ROOT/.build/release/waybill"
fi
rm -rf "$BENCH_DIR"
mkdir -p "$BENCH_DIR"
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "| activities | events | edges drawn (DFG edges + start and end edges) | Waybill map: build, layout, SVG + DOT, write | PM4Py: DFG + Graphviz source (no layout) | Graphviz: dot -Tsvg of the same DOT |"
echo "| --- | --- | --- | --- | --- | --- |"
for n in $ACTIVITIES; do
    dir="$BENCH_DIR/a$n"
    mkdir -p "$dir"
    python3 "$ROOT/Benchmarks/process_map_log.py" "$n" "$CASES" 7 "$dir/log.csv"
    "$WAYBILL" ingest "$dir/log.csv" --workspace "$dir/ws" > /dev/null
    times=""
    for _ in $(seq "$RUNS"); do
        json=$("$WAYBILL" mine --workspace "$dir/ws" --out "$dir/out" --json \
            --map-max-activities 100000 --map-max-edges 1000000)
        times="$times$(printf '%s' "$json" | python3 -c 'import json, sys; print(json.load(sys.stdin)["timings"]["mapSeconds"])')"$'\n'
    done
    waybill=$(printf '%s' "$times" | grep . | median)
    read -r events edges < <(printf '%s' "$json" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["events"], d["edges"])')
    drawn=$(grep -c ' -> ' "$dir/out/process-map.dot")
    pm4py=$(python3 - "$dir/log.csv" "$RUNS" 2> /dev/null <<'PY'
import statistics, sys, time
import pandas as pd, pm4py
from pm4py.visualization.dfg import visualizer
df = pm4py.format_dataframe(pd.read_csv(sys.argv[1]), case_id="case:concept:name", activity_key="concept:name", timestamp_key="time:timestamp")
runs = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    dfg, sa, ea = pm4py.discover_dfg(df)
    visualizer.apply(dfg, variant=visualizer.Variants.FREQUENCY, parameters={"start_activities": sa, "end_activities": ea, "format": "svg"}).source
    runs.append(time.perf_counter() - t)
print(f"{statistics.median(runs):.3f}")
PY
)
    if command -v dot > /dev/null; then
        start=$(date +%s.%N)
        dot -Tsvg "$dir/out/process-map.dot" -o "$dir/graphviz.svg"
        graphviz=$(echo "$(date +%s.%N) - $start" | bc)" s"
    else
        graphviz="not installed"
    fi
    echo "| $n | $events | $drawn ($edges + $((drawn - edges))) | ${waybill} s | ${pm4py} s | $graphviz |"
done
