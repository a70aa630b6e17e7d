#!/usr/bin/env bash
# Bottleneck analysis benchmark: `waybill mine` (which writes bottlenecks.csv) on a simulated log,
# side by side with a SciPy reference that runs the one-level part of the same search.
#
# Usage: Benchmarks/bottlenecks.sh [ORDERS]      (default 100000)
#
# Environment:
#   BENCH_DIR   scratch folder (default /tmp/waybill-bottlenecks); emptied at the start
#   WAYBILL     a prebuilt waybill binary (default: swift build -c release --product waybill)
#   RUNS        mine runs to time (default 3)
#   SKIP_REFERENCE=1   skip the SciPy side
#
# Prints, per run, `waybill mine --json` timings (loadSeconds, analysisSeconds, bottleneckSeconds,
# writeSeconds) and the wall time, CPU time and peak RSS of the whole process; then the SciPy reference's
# time for one-level segments only (Mann-Whitney per edge x dimension level + BH), which is a
# lower bound of what the same search costs in Python.
set -euo pipefail

ORDERS="${1:-100000}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DIR="${BENCH_DIR:-/tmp/waybill-bottlenecks}"
RUNS="${RUNS:-3}"

if [ -n "${WAYBILL:-}" ]; then
    BIN="$WAYBILL"
else
    (cd "$ROOT" && swift build -c release --product waybill) >&2
    BIN="$ROOT/.build/release/waybill"
fi
[ -x /usr/bin/time ] || { apt-get install -y time >/dev/null 2>&1 || true; }

rm -rf "$DIR" && mkdir -p "$DIR"
"$BIN" simulate --orders "$ORDERS" --seed 42 --out "$DIR/sim" >/dev/null
"$BIN" extract --source "$DIR/sim/source.sqlite" --mapping "$DIR/sim/mapping.yaml" --workspace "$DIR/ws" >/dev/null

echo "## waybill mine ($ORDERS orders, $(nproc) cores, commit $(cd "$ROOT" && git rev-parse --short HEAD))"
for i in $(seq "$RUNS"); do
    /usr/bin/time -v "$BIN" mine --workspace "$DIR/ws" --out "$DIR/out" --json 2>"$DIR/time.txt" >"$DIR/mine.json"
    python3 - "$DIR/mine.json" "$DIR/time.txt" <<'PY'
import json, re, sys
t = json.load(open(sys.argv[1]))["timings"]
text = open(sys.argv[2]).read()
wall = re.search(r"Elapsed \(wall clock\) time .*: (\S+)", text).group(1)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
user = float(re.search(r"User time \(seconds\): (\S+)", text).group(1))
system = float(re.search(r"System time \(seconds\): (\S+)", text).group(1))
print(f"run: load {t['loadSeconds']:.2f} s, mine tables {t['analysisSeconds']:.2f} s, "
      f"bottlenecks {t['bottleneckSeconds']:.2f} s, write {t['writeSeconds']:.2f} s; wall {wall}, "
      f"CPU {user:.2f} s user + {system:.2f} s system, max RSS {rss:.0f} MiB")
PY
done
echo "segments: $(grep -c ',segment,' "$DIR/out/bottlenecks.csv"), items: $(grep -cE '^[0-9]+,(edge|activity),' "$DIR/out/bottlenecks.csv")"

if [ "${SKIP_REFERENCE:-0}" != "1" ]; then
    "$BIN" export --format csv --raw --out "$DIR/log.csv" --workspace "$DIR/ws" >/dev/null
    python3 "$HERE/bottlenecks_reference.py" "$DIR/log.csv"
fi
