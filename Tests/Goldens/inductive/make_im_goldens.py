#!/usr/bin/env python3
"""Generate the PM4Py golden figures for Waybill's inductive miner (Sources/Conformance/InductiveMiner).

What it does
------------
For each shared flat log in Tests/Fixtures (running-example, receipt, roadtraffic100traces,
interval_event_log; the CSV copies), and the 300 simulated orders of the mining goldens
(Tests/Goldens/mining/simulated-orders.csv), and each noise threshold t in {0, 0.2}, runs

    tree = pm4py.discover_process_tree_inductive(df, noise_threshold=t)   # IM for t = 0, IMf otherwise
    net, im, fm = pm4py.convert_to_petri_net(tree)                          # = discover_petri_net_inductive

and writes Tests/Goldens/inductive/<log>.json with, per threshold ("0", "0.2"):

* "tree": str(tree), PM4Py's textual form (after PM4Py's fold and tree_sort);
* "places", "transitions", "silent_transitions", "arcs": the sizes of PM4Py's workflow net;
* "fitness": pm4py.fitness_token_based_replay(df, net, im, fm) (log_fitness, perc_fit_traces,
  average_trace_fitness), PM4Py's token-based replay of the log on its own net.

It also writes Tests/Goldens/inductive/random-logs.json: 400 small random logs (random.Random(2026):
2 to 6 activities "a".."f", 1 to 12 traces of 0 to 7 events, some traces repeated) with PM4Py's
tree and net sizes for each threshold, so the tests compare trees on many shapes (loops, skips,
fall-throughs) beyond the four real logs.

The logs are read as Tests/Goldens/mining/make_mining_goldens.py reads them:
pandas.read_csv -> pm4py.format_dataframe (case:concept:name, concept:name, time:timestamp), so a
case's events are ordered by completion time, ties in file order.

PM4Py builds its net from a Python set of transitions, and its simple reduction walks that set, so
transition names (uuid4 for visible ones) differ between runs; the sizes recorded here were the same
in repeated runs.

How to run
----------
From the repository root:

    python3 Tests/Goldens/inductive/make_im_goldens.py

JSON with sort_keys=True, indent=2, ensure_ascii=False and a trailing newline. The versions used
are recorded under "_generator".
"""

import os

os.environ.setdefault("TQDM_DISABLE", "1")

import json
import platform
import random
import sys
import warnings

import pandas as pd
import pm4py

warnings.filterwarnings("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")

LOGS = ["running-example.csv", "receipt.csv", "roadtraffic100traces.csv", "interval_event_log.csv",
        "simulated-orders.csv"]
SIMULATED = os.path.join(ROOT, "Tests", "Goldens", "mining", "simulated-orders.csv")
THRESHOLDS = [0.0, 0.2]
CASE, ACT, TS = "case:concept:name", "concept:name", "time:timestamp"


def path(name):
    """Where a log is: Tests/Fixtures, or Tests/Goldens/mining for the simulated one."""
    return SIMULATED if name == "simulated-orders.csv" else os.path.join(FIXTURES, name)


def load(name):
    raw = pd.read_csv(path(name))
    return pm4py.format_dataframe(raw, case_id=CASE, activity_key=ACT, timestamp_key=TS)


def net_sizes(net):
    return {
        "places": len(net.places),
        "transitions": len(net.transitions),
        "silent_transitions": sum(1 for t in net.transitions if t.label is None),
        "arcs": len(net.arcs),
    }


def figures(df, t):
    tree = pm4py.discover_process_tree_inductive(df.copy(), noise_threshold=t)
    net, im, fm = pm4py.convert_to_petri_net(tree)
    out = {"tree": str(tree)}
    out.update(net_sizes(net))
    fit = pm4py.fitness_token_based_replay(df.copy(), net, im, fm)
    out["fitness"] = {k: float(fit[k]) for k in ("log_fitness", "perc_fit_traces", "average_trace_fitness")}
    return out


def random_logs(count=400, seed=2026):
    rng = random.Random(seed)
    logs = []
    for _ in range(count):
        alphabet = "abcdef"[: rng.randint(2, 6)]
        traces = []
        for _ in range(rng.randint(1, 12)):
            if traces and rng.random() < 0.3:
                traces.append(list(rng.choice(traces)))
            else:
                traces.append([rng.choice(alphabet) for _ in range(rng.randint(0, 7))])
        logs.append(traces)
    return logs


def frame(traces):
    rows = []
    for c, trace in enumerate(traces):
        for i, a in enumerate(trace):
            rows.append({CASE: "c%d" % c, ACT: a, TS: pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(minutes=i)})
    if not rows:
        return None
    return pd.DataFrame(rows)


def tree_and_sizes(df, t):
    tree = pm4py.discover_process_tree_inductive(df, noise_threshold=t)
    net, _, _ = pm4py.convert_to_petri_net(tree)
    out = {"tree": str(tree)}
    out.update(net_sizes(net))
    return out


def main():
    entries = []
    for traces in random_logs():
        df = frame(traces)
        if df is None:
            continue
        # Cases without events do not exist in a data frame; the tests drop them too.
        entry = {"traces": [t for t in traces if t]}
        for t in THRESHOLDS:
            entry[str(t).rstrip("0").rstrip(".") if t else "0"] = tree_and_sizes(df.copy(), t)
        entries.append(entry)
    path = os.path.join(HERE, "random-logs.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"pm4py": pm4py.__version__, "logs": entries}, f, sort_keys=True, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", os.path.relpath(path, ROOT), file=sys.stderr)
    for name in LOGS:
        df = load(name)
        result = {
            "_generator": {
                "script": "Tests/Goldens/inductive/make_im_goldens.py",
                "pm4py": pm4py.__version__,
                "pandas": pd.__version__,
                "python": platform.python_version(),
            },
            "log": name,
        }
        for t in THRESHOLDS:
            result[str(t).rstrip("0").rstrip(".") if t else "0"] = figures(df, t)
        path = os.path.join(HERE, name + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(result, f, sort_keys=True, indent=2, ensure_ascii=False)
            f.write("\n")
        print("wrote", os.path.relpath(path, ROOT), file=sys.stderr)


if __name__ == "__main__":
    main()
