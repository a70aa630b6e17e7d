#!/usr/bin/env bash
# XES ingest, two waybill binaries side by side on the same file (issue 2: >= 100 MB/s of XML).
#
# Usage: Benchmarks/xes_ingest.sh OLD_BINARY NEW_BINARY LOG.xes [RUNS]     (RUNS default 2)
#
# Times `waybill ingest LOG.xes` into a fresh workspace with each binary, alternating, RUNS times
# each, under /usr/bin/time, pinned to one CPU (PIN_CPU, default 1; "none" to not pin). Prints
# wall and CPU (user + sys) seconds, MB/s of wall and of CPU, and peak RSS per run, then checks
# that the two stores are the same: `waybill summary --json`, `waybill export --format csv
# --raw` and every table's rows (Benchmarks/store_tables.py) of the last run of each, compared
# byte for byte. XES ingest parses and writes on two threads: pass PIN_CPU=none to let it.
#
# Environment: BENCH_DIR scratch folder (default /tmp/waybill-xes-bench; its ws-* and out-*
# entries are replaced), PIN_CPU.
set -euo pipefail

if [ $# -lt 3 ]; then
    echo "usage: $0 OLD_BINARY NEW_BINARY LOG.xes [RUNS]" >&2
    exit 2
fi
OLD="$1" NEW="$2" LOG="$3" RUNS="${4:-2}"
DIR="${BENCH_DIR:-/tmp/waybill-xes-bench}"
PIN_CPU="${PIN_CPU:-1}"
mkdir -p "$DIR"
PIN=()
if [ "$PIN_CPU" != "none" ] && command -v taskset >/dev/null; then PIN=(taskset -c "$PIN_CPU"); fi
BYTES=$(stat -c %s "$LOG")
echo "file: $LOG ($BYTES bytes); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %-4s %9s %9s %9s %11s %11s %9s\n' run bin wall_s user_s sys_s MB/s_wall MB/s_cpu rss_MiB

for run in $(seq 1 "$RUNS"); do
    for which in old new; do
        bin="$OLD"; [ "$which" = new ] && bin="$NEW"
        ws="$DIR/ws-$which"
        rm -rf "$ws"
        /usr/bin/time -f "%e %U %S %M" -o "$DIR/time-$which" "${PIN[@]}" "$bin" ingest "$LOG" --workspace "$ws" --json \
            >"$DIR/out-$which.json" 2>"$DIR/out-$which.err" || { tail -n 5 "$DIR/out-$which.err" >&2; exit 1; }
        read -r wall user sys rss <"$DIR/time-$which"
        python3 - "$run" "$which" "$wall" "$user" "$sys" "$rss" "$BYTES" <<'EOF'
import sys
run, which, wall, user, sys_, rss, size = sys.argv[1:]
wall, user, sys_, rss, size = float(wall), float(user), float(sys_), float(rss), float(size)
cpu = user + sys_
print(f"{run:<4} {which:<4} {wall:9.2f} {user:9.2f} {sys_:9.2f} {size / 1e6 / wall:11.1f} {size / 1e6 / cpu:11.1f} {rss / 1024:9.0f}")
EOF
    done
done

for which in old new; do
    bin="$OLD"; [ "$which" = new ] && bin="$NEW"
    "$bin" summary --json --workspace "$DIR/ws-$which" >"$DIR/out-$which-summary.json"
    "$bin" export --format csv --raw --out "$DIR/out-$which-export.csv" --workspace "$DIR/ws-$which" >/dev/null
    grep -v '"seconds"' "$DIR/out-$which.json" >"$DIR/out-$which-report.json"
done
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for which in old new; do
    python3 "$HERE/store_tables.py" "$DIR/ws-$which/waybill.sqlite" >"$DIR/out-$which-tables.txt"
done
same=yes
for part in summary.json export.csv report.json tables.txt; do
    cmp -s "$DIR/out-old-$part" "$DIR/out-new-$part" || { echo "DIFFERENT: $part" >&2; same=no; }
done
echo "stores identical (summary, CSV export, ingest report, every table by store_tables.py): $same"
[ "$same" = yes ]
