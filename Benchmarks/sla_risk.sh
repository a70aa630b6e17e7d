#!/usr/bin/env bash
# SLA-miss risk benchmark: Waybill's learners against LightGBM and scikit-learn on the very CSVs
# `waybill features` writes from simulated orders, plus the timing figures of the risk pipeline.
#
# Usage: Benchmarks/sla_risk.sh [ORDERS] [LARGE_ORDERS]
#   ORDERS        orders of the learner comparison and of the model used for scoring (default 130000: ~1 M training rows)
#   LARGE_ORDERS  orders of the dataset-build and scoring timings (default 1000000; 0 skips them)
#
# Environment:
#   BENCH_DIR   scratch folder (default /tmp/waybill-sla-bench); emptied at the start
#   WAYBILL     a prebuilt waybill binary (skips the release build)
#   PYTHON      python3 with lightgbm, scikit-learn, pandas
#   THREADS     threads of both tree learners (default 2)
#   ROUNDS, LEAVES, LEARNING_RATE   trees of part 1 (default 200, 31, 0.05: `train sla`'s leaves and rate)
#   MAX_ROWS    training rows of the comparison (default: all)
#   SPEED_ROWS  when set, a separate speed run on this many training rows (200 rounds, 31 leaves, rate 0.1);
#               otherwise the timings are those of part 1's fits
#   C, TOL      logistic inverse L2 strength and tolerance (default 1.0, 1e-8)
#   LARGE_WORKSPACE  an existing workspace of LARGE_ORDERS extracted orders to reuse (skips simulate + extract)
#
# Every timed command runs under /usr/bin/time (wall, user+system CPU, max RSS): the machine
# may be shared, so CPU time is reported beside wall time. Results: $BENCH_DIR/results.md.
set -euo pipefail

ORDERS="${1:-130000}"
LARGE="${2:-1000000}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DIR="${BENCH_DIR:-/tmp/waybill-sla-bench}"
PY="${PYTHON:-python3}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-200}"
LEAVES="${LEAVES:-31}"
RATE="${LEARNING_RATE:-0.05}"
C="${C:-1.0}"
TOL="${TOL:-1e-8}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
[ -x /usr/bin/time ] || die "GNU time is needed at /usr/bin/time (apt-get install -y time)"
"$PY" -c "import lightgbm, sklearn, pandas" || die "$PY needs lightgbm, scikit-learn and pandas"

if [ -n "${WAYBILL:-}" ]; then
    BIN="$WAYBILL"
else
    log "building release"
    (cd "$ROOT" && swift build -c release --product waybill) >&2
    BIN="$ROOT/.build/release/waybill"
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
rm -rf "$DIR" && mkdir -p "$DIR"
RESULTS="$DIR/results.md"
: >"$RESULTS"
say() { printf '%s\n' "$*" | tee -a "$RESULTS"; }

# timed NAME CMD...: runs CMD with stdout to $DIR/NAME.out; records "wall cpu rss_kb" in $DIR/NAME.time.
timed() {
    local name="$1"; shift
    log "$name: $*"
    /usr/bin/time -f '%e %U %S %M' -o "$DIR/$name.time" "$@" >"$DIR/$name.out" 2>"$DIR/$name.err" \
        || { cat "$DIR/$name.err" >&2; die "$name failed"; }
}
wall() { awk '{printf "%.2f", $1}' "$DIR/$1.time"; }
cpu() { awk '{printf "%.2f", $2 + $3}' "$DIR/$1.time"; }
rss() { awk '{printf "%.2f", $4 / 1048576}' "$DIR/$1.time"; }
json() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {'d': d}))" "$@"; }

prepare() { # prepare NAME ORDERS: simulate + extract into $DIR/NAME/ws
    local name="$1" orders="$2"
    mkdir -p "$DIR/$name"
    timed "$name-simulate" "$BIN" simulate --orders "$orders" --out "$DIR/$name/sim" --json
    timed "$name-extract" "$BIN" extract --source "$DIR/$name/sim/source.sqlite" \
        --mapping "$DIR/$name/sim/mapping.yaml" --workspace "$DIR/$name/ws" --json
    rm -rf "$DIR/$name/sim"
}

# ------------------------------------------------------------ 1. learners on the same CSVs
prepare small "$ORDERS"
timed small-features "$BIN" features --workspace "$DIR/small/ws" --out "$DIR/small/features" --json
MAXARG=()
[ -n "${MAX_ROWS:-}" ] && MAXARG=(--max-rows "$MAX_ROWS")
timed small-waybill "$BIN" bench-sla --features "$DIR/small/features" "${MAXARG[@]}" --rounds "$ROUNDS" \
    --leaves "$LEAVES" --learning-rate "$RATE" --threads "$THREADS" --c "$C" --tolerance "$TOL"
timed small-reference "$PY" "$HERE/sla_risk_reference.py" --features "$DIR/small/features" "${MAXARG[@]}" \
    --rounds "$ROUNDS" --leaves "$LEAVES" --learning-rate "$RATE" --threads "$THREADS" --C "$C" --tol "$TOL" \
    --waybill-json "$DIR/small-waybill.out"
W="$DIR/small-waybill.out"; R="$DIR/small-reference.out"
say "# SLA-miss risk benchmark"
say ""
say "Waybill $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?'); $(nproc) cores; load average $(cut -d' ' -f1 /proc/loadavg) at the end of part 1."
say ""
say "## 1. Same CSVs ($ORDERS simulated orders): $(json "$W" 'd["trainingRows"]') training rows, $(json "$W" 'd["testRows"]') test rows, $(json "$W" 'd["features"]') features ($(json "$W" 'd["categoricalFeatures"]') categorical)"
say ""
say "Trees: $ROUNDS rounds, $LEAVES leaves, learning rate $RATE, min_data_in_leaf 20, lambda_l2 1, max_bin 255, no bagging, $THREADS threads. Logistic: C=$C, tol=$TOL."
say ""
say "| learner | fit, s (wall) | iterations | test AUC (weighted) | test AUC (unweighted) |"
say "| --- | --- | --- | --- | --- |"
say "| Waybill trees | $(json "$W" '"%.2f" % d["trees"]["fitSeconds"]') | $(json "$W" 'd["trees"]["iterations"]') | $(json "$W" '"%.5f" % d["trees"]["testAUCWeighted"]') | $(json "$W" '"%.5f" % d["trees"]["testAUCUnweighted"]') |"
say "| LightGBM $(json "$R" 'd["lightgbm"]["version"]') | $(json "$R" '"%.2f" % d["lightgbm"]["fitSeconds"]') | $(json "$R" 'd["lightgbm"]["iterations"]') | $(json "$R" '"%.5f" % d["lightgbm"]["testAUCWeighted"]') | $(json "$R" '"%.5f" % d["lightgbm"]["testAUCUnweighted"]') |"
say "| Waybill logistic | $(json "$W" '"%.2f" % d["logistic"]["fitSeconds"]') | $(json "$W" 'd["logistic"]["iterations"]') | $(json "$W" '"%.5f" % d["logistic"]["testAUCWeighted"]') | $(json "$W" '"%.5f" % d["logistic"]["testAUCUnweighted"]') |"
say "| scikit-learn $(json "$R" 'd["sklearn"]["version"]') newton-cholesky | $(json "$R" '"%.2f" % d["sklearn"]["fitSeconds"]') (+ encoding $(json "$R" '"%.2f" % d["sklearn"]["encodeSeconds"]')) | $(json "$R" 'd["sklearn"]["iterations"]') | $(json "$R" '"%.5f" % d["sklearn"]["testAUCWeighted"]') | $(json "$R" '"%.5f" % d["sklearn"]["testAUCUnweighted"]') |"
say ""
say "Trees: Waybill − LightGBM test AUC = $(json "$R" '"%+.5f" % d["lightgbm"]["aucDifferenceWeighted"]') (weighted), $(json "$R" '"%+.5f" % d["lightgbm"]["aucDifferenceUnweighted"]') (unweighted); target |Δ| ≤ 0.005."
say "Logistic: same design columns: $(json "$R" 'd["sklearn"]["sameDesignColumns"]'); max |coefficient difference| = $(json "$R" '"%.2e" % d["sklearn"].get("maxCoefficientDifference", float("nan"))') (largest |coefficient| $(json "$R" '"%.2f" % d["sklearn"].get("maxCoefficient", float("nan"))')); AUC difference $(json "$R" '"%+.2e" % d["sklearn"]["aucDifferenceWeighted"]')."
say "Feature CSVs: \`waybill features\` $(wall small-features) s wall, $(cpu small-features) s CPU."

# ------------------------------------------------------------ 2b/c. speed (part 1's fits, or SPEED_ROWS rows)
if [ -n "${SPEED_ROWS:-}" ]; then
    timed speed-waybill "$BIN" bench-sla --features "$DIR/small/features" --max-rows "$SPEED_ROWS" \
        --rounds 200 --leaves 31 --learning-rate 0.1 --threads "$THREADS" --c "$C" --tolerance "$TOL"
    timed speed-reference "$PY" "$HERE/sla_risk_reference.py" --features "$DIR/small/features" \
        --max-rows "$SPEED_ROWS" --rounds 200 --leaves 31 --learning-rate 0.1 --threads "$THREADS" --C "$C" \
        --tol "$TOL" --waybill-json "$DIR/speed-waybill.out"
    G="$DIR/speed-waybill.out"; RG="$DIR/speed-reference.out"; SPEC="200 rounds, 31 leaves, rate 0.1"
else
    G="$W"; RG="$R"; SPEC="$ROUNDS rounds, $LEAVES leaves, rate $RATE"
fi
say ""
say "## 2. Timings (wall; CPU = user + system seconds of every thread during the timed region)"
say ""
say "| figure | Waybill | reference | target |"
say "| --- | --- | --- | --- |"
say "| trees, $(json "$G" 'd["trainingRows"]') rows × $(json "$G" 'd["features"]') features, $SPEC, $THREADS threads: fit s | $(json "$G" '"%.2f" % d["trees"]["fitSeconds"]') (CPU $(json "$G" '"%.2f" % d["trees"]["fitCPUSeconds"]')) | LightGBM $(json "$RG" '"%.2f" % d["lightgbm"]["fitSeconds"]') (CPU $(json "$RG" '"%.2f" % d["lightgbm"]["fitCPUSeconds"]')) | ≤ LightGBM |"
say "| logistic on the same rows: fit s | $(json "$G" '"%.2f" % d["logistic"]["fitSeconds"]') ($(json "$G" 'd["logistic"]["iterations"]') it.; CPU $(json "$G" '"%.2f" % d["logistic"]["fitCPUSeconds"]')) | sklearn $(json "$RG" '"%.2f" % d["sklearn"]["fitSeconds"]') + encoding $(json "$RG" '"%.2f" % d["sklearn"]["encodeSeconds"]') ($(json "$RG" 'd["sklearn"]["iterations"]') it.; CPU $(json "$RG" '"%.2f" % d["sklearn"]["fitCPUSeconds"]')) | ≤ scikit-learn (Waybill's time includes its encoding; OpenBLAS kernels $(json "$G" 'd["blasKernels"]')) |"

# ------------------------------------------------------------ 2a/d. dataset build and scoring at LARGE orders
timed model "$BIN" train sla --workspace "$DIR/small/ws" --id bench --json
MODEL_DIR="$DIR/small/ws/Models/bench"
if [ "$LARGE" -gt 0 ]; then
    LWS="${LARGE_WORKSPACE:-$DIR/large/ws}"
    if [ -n "${LARGE_WORKSPACE:-}" ]; then mkdir -p "$DIR/large"; else prepare large "$LARGE"; fi
    timed large-dataset "$BIN" bench-sla --workspace "$LWS"
    timed large-backtest "$BIN" backtest --model "$MODEL_DIR" --workspace "$LWS" --prefix-hours 12 \
        --out "$DIR/large/backtest" --json
    timed large-score "$BIN" score --model "$MODEL_DIR" --workspace "$LWS" --out "$DIR/large/score.csv"
    D="$DIR/large-dataset.out"
    say "| SLA dataset build, $LARGE orders ($(json "$D" 'd["events"]') events), every prefix: $(json "$D" 'sum(d["rows"])') rows × $(json "$D" 'd["features"]') features | $(json "$D" '"%.2f" % d["datasetSeconds"]') s, CPU $(json "$D" '"%.2f" % d["datasetCPUSeconds"]') s (case view load apart: $(json "$D" '"%.2f" % d["caseViewSeconds"]') s; process wall $(wall large-dataset), CPU $(cpu large-dataset), max RSS $(rss large-dataset) GB) | - | < 30 s |"
    B="$DIR/large-backtest.out"
    say "| \`waybill backtest --prefix-hours 12\` on $LARGE orders: $(json "$B" 'd["orders"]') decided orders scored (features + scoring + metrics + backtest.csv, whole process) | $(wall large-backtest) s wall, $(cpu large-backtest) s CPU, $(rss large-backtest) GB; stages (wall s): $(json "$B" '", ".join("%s %.2f" % (k, v) for k, v in [("load", d["timings"]["load"])] + sorted(d["timings"]["stages"].items()) + [("write", d["timings"]["write"])])') | - | < 5 s |"
    say "| \`waybill score\` on $LARGE orders (open orders at the latest event, whole process) | $(wall large-score) s wall, $(cpu large-score) s CPU, $(rss large-score) GB | - | - |"
fi
say ""
say "Simulation + extraction: $ORDERS orders $(wall small-simulate) + $(wall small-extract) s$( [ "$LARGE" -gt 0 ] && [ -z "${LARGE_WORKSPACE:-}" ] && echo "; $LARGE orders $(wall large-simulate) + $(wall large-extract) s"). Load average at the end: $(cut -d' ' -f1 /proc/loadavg)."
log "results in $RESULTS"
