#!/usr/bin/env bash
# Token-based replay benchmark: Waybill's `waybill conformance` against PM4Py's
# fitness_token_based_replay, on the same simulated log and the same net.
#
# Usage: Benchmarks/replay.sh [ORDERS]      (default 100000)
#
# Environment:
#   BENCH_DIR   scratch folder (default /tmp/waybill-replay-bench); emptied at the start
#   WAYBILL     a prebuilt waybill binary (skips the release build)
#   PYTHON      python3 with pm4py (default python3)
#
# Steps: simulate ORDERS orders, extract them into a workspace, export the orders' case view as
# CSV; PM4Py reads the CSV, discovers the inductive miner's net (written as net.pnml) and replays
# the log (timed); then `waybill conformance --model net.pnml` replays the store's case view
# (timed: the whole command, store loading and CSV writing included, and the replay alone as the
# command reports it). Prints a Markdown table and writes it to $BENCH_DIR/results.md.
set -euo pipefail

ORDERS="${1:-100000}"
[[ "$ORDERS" =~ ^[0-9]+$ ]] && [ "$ORDERS" -ge 1 ] || { echo "usage: $0 [ORDERS]" >&2; exit 2; }
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DIR="${BENCH_DIR:-/tmp/waybill-replay-bench}"
PY="${PYTHON:-python3}"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
jget() { "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

if [ -n "${WAYBILL:-}" ]; then
    BIN="$WAYBILL"
else
    log "building release (swift build -c release --product waybill)"
    (cd "$ROOT" && swift build -c release --product waybill) >&2
    BIN="$ROOT/.build/release/waybill"
fi
[ -x "$BIN" ] || die "no waybill binary at $BIN"

if [ -d "$DIR" ] && [ -n "$(ls -A "$DIR")" ] && [ ! -e "$DIR/.waybill-replay-bench" ]; then
    die "BENCH_DIR=$DIR is not empty and was not made by this script"
fi
rm -rf "$DIR"
mkdir -p "$DIR"
touch "$DIR/.waybill-replay-bench"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

log "simulate $ORDERS orders, extract, export the orders as CSV (not timed)"
"$BIN" simulate --orders "$ORDERS" --seed 42 --out "$DIR/sim" --json >"$DIR/simulate.json"
"$BIN" extract --source "$DIR/sim/source.sqlite" --mapping "$DIR/sim/mapping.yaml" --workspace "$DIR/ws" \
    --json >"$DIR/extract.json"
"$BIN" export --format csv --object-type orders --out "$DIR/log.csv" --workspace "$DIR/ws" --json >"$DIR/export.json"

log "PM4Py: read the CSV, discover the inductive miner's net, replay (timed)"
"$PY" "$HERE/replay_reference.py" --csv "$DIR/log.csv" --pnml "$DIR/net.pnml" >"$DIR/reference.json" \
    2>"$DIR/reference.err" || { tail -n 20 "$DIR/reference.err" >&2; die "replay_reference.py failed"; }

log "Waybill: waybill conformance --model net.pnml (timed)"
START=$(date +%s.%N)
"$BIN" conformance --model "$DIR/net.pnml" --workspace "$DIR/ws" --out "$DIR/out" --json >"$DIR/waybill.json"
END=$(date +%s.%N)
W_WALL=$("$PY" -c "print(f'{$END - $START:.3f}')")

R_REPLAY=$(jget "$DIR/reference.json" 'round(j["replay_seconds"], 3)')
W_REPLAY=$(jget "$DIR/waybill.json" 'round(j["replaySeconds"], 4)')
R_FIT=$(jget "$DIR/reference.json" 'j["log_fitness"]')
W_FIT=$(jget "$DIR/waybill.json" 'j["logFitness"]')
SAME=$("$PY" -c "print('yes' if abs($R_FIT - $W_FIT) <= 1e-6 else '**no**')")
SPEEDUP=$("$PY" -c "print(f'{$R_REPLAY / $W_WALL:.1f}')")
SPEEDUP_CORE=$("$PY" -c "print(f'{$R_REPLAY / max($W_REPLAY, 1e-6):.0f}')")
{
    echo "Token-based replay, $(jget "$DIR/reference.json" 'format(j["cases"], ",")') cases," \
        "$(jget "$DIR/reference.json" 'format(j["events"], ",")') events," \
        "$(jget "$DIR/waybill.json" 'j["variants"]') variants; net: $(jget "$DIR/reference.json" 'j["places"]') places," \
        "$(jget "$DIR/reference.json" 'j["transitions"]') transitions ($(jget "$DIR/reference.json" 'j["silent_transitions"]') silent)"
    echo
    echo "| figure | Waybill | PM4Py | ratio |"
    echo "|---|---|---|---|"
    echo "| log fitness | $W_FIT | $R_FIT | equal within 1e-6: $SAME |"
    echo "| replay, whole command (load store, replay, write 4 CSVs) | $W_WALL s | $R_REPLAY s (fitness_token_based_replay) | ${SPEEDUP}x |"
    echo "| replay alone | $W_REPLAY s | $R_REPLAY s | ${SPEEDUP_CORE}x |"
    echo
    echo "Load average before/after: $LOAD_START / $(cut -d' ' -f1-3 /proc/loadavg)." \
        "PM4Py $(jget "$DIR/reference.json" 'j["versions"]["pm4py"]'), pandas $(jget "$DIR/reference.json" 'j["versions"]["pandas"]')."
} | tee "$DIR/results.md"
