#!/usr/bin/env bash
# Waybill foundation benchmark, side by side with PM4Py on the same files.
#
# Usage: Benchmarks/run.sh [ORDERS]        (default 1000000; e.g. 20000 for a quick check)
#
# Environment:
#   BENCH_DIR     scratch folder (default /tmp/waybill-bench); emptied at the start
#   WAYBILL       a prebuilt waybill binary (skips the build)
#   SCRATCH_PATH  swift build --scratch-path for the release build (default: <repo>/.build)
#   PIN_CPU       CPU to pin the timed ingests and the PM4Py reference to (default 0; "none" to not pin)
#   SKIP_REFERENCE=1   skip the PM4Py side
#   REF_MEM_LIMIT_GB   address-space cap for each PM4Py child (default 20; 0 = none)
#   REF_TIMEOUT        seconds before a PM4Py child is stopped (default 3600)
#
# Prints a Markdown table (figure, Waybill, reference, target, met?) and writes it, with the
# machine's description and the event counts seen by each tool, to $BENCH_DIR/results.md.
set -euo pipefail

ORDERS="${1:-1000000}"
if ! [[ "$ORDERS" =~ ^[0-9]+$ ]] || [ "$ORDERS" -lt 1 ]; then
    echo "usage: $0 [ORDERS]   (a positive number of orders, default 1000000)" >&2
    exit 2
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DIR="${BENCH_DIR:-/tmp/waybill-bench}"
PIN_CPU="${PIN_CPU:-0}"
REF_MEM_LIMIT_GB="${REF_MEM_LIMIT_GB:-20}"
REF_TIMEOUT="${REF_TIMEOUT:-3600}"
PY="${PYTHON:-python3}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- prerequisites
if [ ! -x /usr/bin/time ]; then
    log "installing GNU time (/usr/bin/time)"
    apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi
command -v "$PY" >/dev/null || die "python3 is needed (JSON handling and the PM4Py reference)"

PIN=()
if [ "$PIN_CPU" != "none" ] && command -v taskset >/dev/null; then PIN=(taskset -c "$PIN_CPU"); fi

# ---------------------------------------------------------------- build
if [ -n "${WAYBILL:-}" ]; then
    BIN="$WAYBILL"
    [ -x "$BIN" ] || die "WAYBILL=$BIN is not an executable"
    log "using prebuilt $BIN"
else
    SCRATCH="${SCRATCH_PATH:-$ROOT/.build}"
    log "building release (swift build -c release --product waybill --scratch-path $SCRATCH)"
    BUILD_START=$(date +%s)
    (cd "$ROOT" && swift build -c release --product waybill --scratch-path "$SCRATCH") >&2
    log "build took $(( $(date +%s) - BUILD_START )) s"
    BIN="$SCRATCH/release/waybill"
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

# ---------------------------------------------------------------- helpers
# Empty the scratch folder, but only one this script made (it leaves a marker file there).
if [ -d "$DIR" ] && [ -n "$(ls -A "$DIR")" ] && [ ! -e "$DIR/.waybill-bench" ]; then
    die "BENCH_DIR=$DIR is not empty and was not made by this script; choose another folder"
fi
rm -rf "$DIR"
mkdir -p "$DIR"
touch "$DIR/.waybill-bench"
RUN_START=$(date +%s)
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

# jq-like reader: jget FILE 'python expression over j' (j = parsed JSON)
jget() { "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# timed NAME CMD...: runs CMD under /usr/bin/time -v; stdout -> NAME.out, stderr -> NAME.err,
# rusage -> NAME.time. Sets WALL (s), RSS_MB, CPU_S (user+sys). Fails the run if CMD fails.
timed() {
    local name="$1"; shift
    log "$name: $*"
    if ! /usr/bin/time -v -o "$DIR/$name.time" "$@" >"$DIR/$name.out" 2>"$DIR/$name.err"; then
        log "$name failed; stderr:"; tail -n 20 "$DIR/$name.err" >&2
        [ -s "$DIR/$name.time" ] && grep -E "Command|Exit status" "$DIR/$name.time" >&2
        exit 1
    fi
    read -r WALL RSS_MB CPU_S < <("$PY" - "$DIR/$name.time" <<'EOF'
import sys
wall = rss = user = sys_ = 0.0
for line in open(sys.argv[1]):
    k, _, v = line.strip().rpartition(": ")
    if k.startswith("Elapsed (wall clock) time"):
        parts = [float(p) for p in v.split(":")]
        wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    elif k == "Maximum resident set size (kbytes)":
        rss = float(v) / 1024
    elif k == "User time (seconds)":
        user = float(v)
    elif k == "System time (seconds)":
        sys_ = float(v)
print(f"{wall:.2f} {rss:.1f} {user + sys_:.2f}")
EOF
)
    log "$name: ${WALL} s wall, ${CPU_S} s CPU, max RSS ${RSS_MB} MiB"
}

fmt_int() { "$PY" -c 'import sys; print(f"{int(float(sys.argv[1])):,}")' "$1"; }
ratio() { "$PY" -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f"{a/b:.{int(sys.argv[3])}f}" if b>0 else "n/a")' "$@"; }
met() { # met VALUE OP TARGET -> yes/no
    "$PY" -c 'import sys,operator as o; v,op,t=float(sys.argv[1]),sys.argv[2],float(sys.argv[3]); print("yes" if {"<":o.lt,">=":o.ge}[op](v,t) else "**no**")' "$@"
}

# ---------------------------------------------------------------- machine
CPU_MODEL="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
CPU_FLAGS_AVX="$(grep -m1 '^flags' /proc/cpuinfo | grep -o -w -E 'avx2|avx512f' | sort -u | paste -sd, - || true)"
MEM_TOTAL="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
SWIFT_VERSION="$(swift --version 2>&1 | grep -m1 -i 'swift version' || echo unknown)"
GIT_REV="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
GIT_DIRTY="$(cd "$ROOT" && git status --porcelain -- Sources Package.swift 2>/dev/null | wc -l | tr -d ' ')"

# ---------------------------------------------------------------- waybill
cd "$DIR"
timed simulate "$BIN" simulate --orders "$ORDERS" --out "$DIR/sim" --json
SIM_WALL=$WALL SIM_RSS=$RSS_MB
SIM_EVENTS=$(jget "$DIR/simulate.out" 'j["events"]')

timed extract "$BIN" extract --source "$DIR/sim/source.sqlite" --mapping "$DIR/sim/mapping.yaml" --workspace "$DIR/ws0" --json
EXT_WALL=$WALL EXT_RSS=$RSS_MB
EXT_EVENTS=$(jget "$DIR/extract.out" 'j["eventsAdded"]')
EXT_REJECTS=$(jget "$DIR/extract.out" 'j["rejects"]')

log "export: csv (--raw) and xes (not timed)"
"$BIN" export --format csv --raw --out "$DIR/log.csv" --workspace "$DIR/ws0" --json >"$DIR/export-csv.out" 2>"$DIR/export-csv.err" \
    || { tail -n 20 "$DIR/export-csv.err" >&2; die "export csv failed"; }
"$BIN" export --format xes --out "$DIR/log.xes" --workspace "$DIR/ws0" --json >"$DIR/export-xes.out" 2>"$DIR/export-xes.err" \
    || { tail -n 20 "$DIR/export-xes.err" >&2; die "export xes failed"; }
EXP_CSV_EVENTS=$(jget "$DIR/export-csv.out" 'j["events"]')
EXP_XES_EVENTS=$(jget "$DIR/export-xes.out" 'j["events"]')
CSV_BYTES=$(stat -c %s "$DIR/log.csv")
XES_BYTES=$(stat -c %s "$DIR/log.xes")
log "log.csv: $(fmt_int "$CSV_BYTES") bytes; log.xes: $(fmt_int "$XES_BYTES") bytes"
sync

timed ingest-csv "${PIN[@]}" "$BIN" ingest "$DIR/log.csv" --workspace "$DIR/ws-csv" --json
CSV_WALL=$WALL CSV_RSS=$RSS_MB CSV_CPU=$CPU_S
CSV_ADDED=$(jget "$DIR/ingest-csv.out" 'j[0]["eventsAdded"]')
CSV_READ=$(jget "$DIR/ingest-csv.out" 'j[0]["eventsRead"]')
CSV_REJECTS=$(jget "$DIR/ingest-csv.out" 'j[0]["rejects"]')
CSV_DUPS=$(jget "$DIR/ingest-csv.out" 'j[0]["duplicates"]')
CSV_INNER=$(jget "$DIR/ingest-csv.out" 'round(j[0]["seconds"], 2)')
CSV_WARN=$(jget "$DIR/ingest-csv.out" '"; ".join(f"{k}: {v}" for k, v in sorted(j[0]["warnings"].items())) or "none"')

timed ingest-xes "${PIN[@]}" "$BIN" ingest "$DIR/log.xes" --workspace "$DIR/ws-xes" --json
XES_WALL=$WALL XES_RSS=$RSS_MB XES_CPU=$CPU_S
XES_ADDED=$(jget "$DIR/ingest-xes.out" 'j[0]["eventsAdded"]')
XES_READ=$(jget "$DIR/ingest-xes.out" 'j[0]["eventsRead"]')
XES_REJECTS=$(jget "$DIR/ingest-xes.out" 'j[0]["rejects"]')
XES_DUPS=$(jget "$DIR/ingest-xes.out" 'j[0]["duplicates"]')
XES_INNER=$(jget "$DIR/ingest-xes.out" 'round(j[0]["seconds"], 2)')
XES_WARN=$(jget "$DIR/ingest-xes.out" '"; ".join(f"{k}: {v}" for k, v in sorted(j[0]["warnings"].items())) or "none"')

log "summaries (not timed)"
for ws in ws0 ws-csv ws-xes; do
    "$BIN" summary --workspace "$DIR/$ws" --json >"$DIR/summary-$ws.json" 2>"$DIR/summary-$ws.err" \
        || { tail -n 20 "$DIR/summary-$ws.err" >&2; die "summary of $ws failed"; }
done
cases_of() { jget "$DIR/summary-$1.json" '(j.get("caseView") or {}).get("cases", 0)'; }
events_of() { jget "$DIR/summary-$1.json" 'j["events"]'; }

# ---------------------------------------------------------------- PM4Py reference
REF="$DIR/reference.json"
if [ "${SKIP_REFERENCE:-0}" = "1" ]; then
    "$PY" "$HERE/reference.py" --versions-only >"$REF" 2>/dev/null || echo '{"versions": {}}' >"$REF"
else
    log "PM4Py reference: pandas.read_csv + pm4py.format_dataframe, then pm4py.read_xes (one child each)"
    "${PIN[@]}" "$PY" "$HERE/reference.py" --csv "$DIR/log.csv" --xes "$DIR/log.xes" \
        --mem-limit-gb "$REF_MEM_LIMIT_GB" --timeout "$REF_TIMEOUT" >"$REF" 2>"$DIR/reference.err" \
        || { tail -n 20 "$DIR/reference.err" >&2; die "reference.py failed"; }
fi
ref() { jget "$REF" "$1"; }
ref_ok() { [ "$(ref "'$1' in j and 'error' not in j['$1']")" = "True" ]; }
# ref_err TASK [BYTES]: why the task has no figure; with BYTES, a bound on its speed when it ran a while.
ref_err() {
    "$PY" - "$REF" "$1" "${2:-0}" <<'EOF'
import json, sys
j, task, size = json.load(open(sys.argv[1])), sys.argv[2], float(sys.argv[3])
t = j.get(task)
if t is None:
    print("skipped"); sys.exit()
text = "failed: " + t.get("error", "?")
if t.get("after_seconds"):
    text += f" after {t['after_seconds']:.0f} s"
    if size > 0:
        text += f" (so < {size / 1e6 / t['after_seconds']:.1f} MB/s)"
print(text)
EOF
}

# ---------------------------------------------------------------- figures
CSV_EPS=$(ratio "$CSV_ADDED" "$CSV_WALL" 0)
XES_MBS=$("$PY" -c 'import sys; b,w=float(sys.argv[1]),float(sys.argv[2]); print(f"{b/1e6/w:.1f}" if w>0 else "n/a")' "$XES_BYTES" "$XES_WALL")
EXT_EPS=$(ratio "$EXT_EVENTS" "$EXT_WALL" 0)
ONE_M=$([ "$ORDERS" -eq 1000000 ] && echo 1 || echo 0)
size_note="n/a at $(fmt_int "$ORDERS") orders"

if ref_ok csv; then
    R_CSV_EPS="$(fmt_int "$(ref 'j["csv"]["events_per_second"]')") ev/s ($(ref 'round(j["csv"]["seconds"], 2)') s)"
    R_CSV_RSS="$(ref 'round(j["csv"]["max_rss_mb"])') MiB"
    R_CSV_EVENTS=$(ref 'j["csv"]["events"]'); R_CSV_ROWS=$(ref 'j["csv"]["rows_read"]'); R_CSV_CASES=$(ref 'j["csv"]["cases"]')
else
    R_CSV_EPS="$(ref_err csv)"; R_CSV_RSS="n/a"; R_CSV_EVENTS="-"; R_CSV_ROWS="-"; R_CSV_CASES="-"
fi
if ref_ok xes; then
    R_XES_MBS="$(ref 'round(j["xes"]["mb_per_second"], 1)') MB/s ($(ref 'round(j["xes"]["seconds"], 2)') s)"
    R_XES_RSS="$(ref 'round(j["xes"]["max_rss_mb"])') MiB"
    R_XES_EVENTS=$(ref 'j["xes"]["events"]'); R_XES_CASES=$(ref 'j["xes"]["cases"]')
else
    R_XES_MBS="$(ref_err xes "$XES_BYTES")"; R_XES_RSS="n/a"; R_XES_EVENTS="-"; R_XES_CASES="-"
fi

TABLE="$DIR/table.md"
{
    echo "| Figure | Waybill | Reference (PM4Py) | Target | Met? |"
    echo "| --- | --- | --- | --- | --- |"
    echo "| CSV ingest, events/s end to end (\`waybill ingest log.csv\` vs \`pandas.read_csv\` + \`pm4py.format_dataframe\`) | $(fmt_int "$CSV_EPS") ev/s ($CSV_WALL s) | $R_CSV_EPS | >= 1,500,000 ev/s | $(met "$CSV_EPS" '>=' 1500000) |"
    echo "| XES parse, MB/s of uncompressed XML (\`waybill ingest log.xes\` vs \`pm4py.read_xes\`) | $XES_MBS MB/s ($XES_WALL s) | $R_XES_MBS | >= 100 MB/s | $(met "$XES_MBS" '>=' 100) |"
    echo "| \`waybill simulate --orders $(fmt_int "$ORDERS")\`, wall time | $SIM_WALL s | - | < 60 s at 1,000,000 orders | $([ "$ONE_M" = 1 ] && met "$SIM_WALL" '<' 60 || echo "$size_note") |"
    echo "| Peak RSS, CSV ingest | $CSV_RSS MiB | $R_CSV_RSS | < 2 GiB (2,048 MiB) at 1,000,000 orders | $([ "$ONE_M" = 1 ] && met "$CSV_RSS" '<' 2048 || echo "$size_note") |"
    echo "| Peak RSS, XES ingest | $XES_RSS MiB | $R_XES_RSS | < 2 GiB (2,048 MiB) at 1,000,000 orders | $([ "$ONE_M" = 1 ] && met "$XES_RSS" '<' 2048 || echo "$size_note") |"
    echo "| \`waybill extract\` (mapping over source.sqlite), events/s | $(fmt_int "$EXT_EPS") ev/s ($EXT_WALL s, $EXT_RSS MiB) | - | - | - |"
} >"$TABLE"

flag() { [ "$1" = "$2" ] && echo "" || echo " **(differs)**"; }
COUNTS="$DIR/counts.md"
{
    echo "| | events | cases | rejects | duplicates |"
    echo "| --- | --- | --- | --- | --- |"
    echo "| simulate (reported) | $(fmt_int "$SIM_EVENTS") | $(fmt_int "$ORDERS") orders | | |"
    echo "| extract into ws0 | $(fmt_int "$EXT_EVENTS") (store: $(fmt_int "$(events_of ws0)")) | $(fmt_int "$(cases_of ws0)") | $EXT_REJECTS | |"
    echo "| export csv / xes (written) | $(fmt_int "$EXP_CSV_EVENTS") / $(fmt_int "$EXP_XES_EVENTS") | | | |"
    echo "| waybill ingest log.csv | read $(fmt_int "$CSV_READ"), added $(fmt_int "$CSV_ADDED")$(flag "$CSV_ADDED" "$EXP_CSV_EVENTS") | $(fmt_int "$(cases_of ws-csv)") | $CSV_REJECTS | $CSV_DUPS |"
    echo "| waybill ingest log.xes | read $(fmt_int "$XES_READ"), added $(fmt_int "$XES_ADDED")$(flag "$XES_ADDED" "$EXP_XES_EVENTS") | $(fmt_int "$(cases_of ws-xes)") | $XES_REJECTS | $XES_DUPS |"
    if [ "$R_CSV_EVENTS" != "-" ]; then
        echo "| pandas.read_csv / after format_dataframe | $(fmt_int "$R_CSV_ROWS") / $(fmt_int "$R_CSV_EVENTS")$(flag "$R_CSV_EVENTS" "$CSV_ADDED") | $(fmt_int "$R_CSV_CASES")$(flag "$R_CSV_CASES" "$(cases_of ws-csv)") | | |"
    fi
    if [ "$R_XES_EVENTS" != "-" ]; then
        echo "| pm4py.read_xes | $(fmt_int "$R_XES_EVENTS")$(flag "$R_XES_EVENTS" "$XES_ADDED") | $(fmt_int "$R_XES_CASES")$(flag "$R_XES_CASES" "$(cases_of ws-xes)") | | |"
    fi
} >"$COUNTS"

TOTAL=$(( $(date +%s) - RUN_START ))
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
RESULTS="$DIR/results.md"
{
    echo "# Waybill benchmark: $(fmt_int "$ORDERS") orders"
    echo
    echo "Run $(date -u +%Y-%m-%dT%H:%M:%SZ) with \`Benchmarks/run.sh $ORDERS\` at commit $GIT_REV$([ "$GIT_DIRTY" != 0 ] && echo " (with $GIT_DIRTY uncommitted changes under Sources/ or Package.swift)")$([ -n "${WAYBILL:-}" ] && echo " (the source tree's state: the prebuilt binary may come from another)"); benchmark took $TOTAL s (build excluded)."
    echo
    echo "Machine: $(nproc) cores, $CPU_MODEL ($CPU_FLAGS_AVX), $MEM_TOTAL RAM, $(uname -sr); $SWIFT_VERSION;"
    echo "Python $(ref 'j["versions"].get("python")'), pm4py $(ref 'j["versions"].get("pm4py")'), pandas $(ref 'j["versions"].get("pandas")'), numpy $(ref 'j["versions"].get("numpy")'), lxml $(ref 'j["versions"].get("lxml")'); PM4Py XES parser: $(ref 'j["versions"].get("xes_parser")')."
    echo "Binary: \`$BIN\`$([ -n "${WAYBILL:-}" ] && echo " (prebuilt, given by WAYBILL)" || echo " (release build)"). Timed ingests and the PM4Py reference pinned to CPU: ${PIN_CPU}. Load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $LOAD_END (other work on the machine skews the figures)."
    echo
    echo "Files: log.csv $(fmt_int "$CSV_BYTES") bytes, log.xes $(fmt_int "$XES_BYTES") bytes."
    echo
    cat "$TABLE"
    echo
    echo "MB/s is 10^6 bytes per second; RSS is in MiB (2 GiB = 2,048 MiB)."
    echo "Waybill wall times are whole processes under \`/usr/bin/time -v\` (start-up, parse, store, commit)."
    echo "Waybill's own \`seconds\` (from \`--json\`): CSV $CSV_INNER s, XES $XES_INNER s. CPU (user+sys): CSV $CSV_CPU s, XES $XES_CPU s."
    [ "${SKIP_REFERENCE:-0}" = "1" ] || echo "PM4Py times exclude \`import pm4py\` ($(ref 'round(j.get("csv", {}).get("import_seconds", 0), 1)') s); its peak RSS includes it (baseline after import: $(ref 'round(j.get("csv", {}).get("rss_after_import_mb", 0))') MiB)."
    if ref_ok csv; then
        echo "PM4Py CSV split: read_csv $(ref 'round(j["csv"]["read_csv_seconds"], 2)') s, format_dataframe $(ref 'round(j["csv"]["format_dataframe_seconds"], 2)') s."
    fi
    echo "\`waybill simulate\`: $SIM_WALL s, max RSS $SIM_RSS MiB."
    echo
    echo "## Event counts"
    echo
    cat "$COUNTS"
    echo
    echo "Ingest warnings: CSV: $CSV_WARN. XES: $XES_WARN."
} >"$RESULTS"

echo
cat "$RESULTS"
log "results written to $RESULTS"
