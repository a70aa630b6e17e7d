#!/usr/bin/env python3
"""PM4Py side of Benchmarks/replay.sh: token-based replay on a simulated log.

Reads the exported CSV (pandas.read_csv + pm4py.format_dataframe), discovers the inductive
miner's net (noise 0), writes it as PNML for Waybill, then times pm4py.fitness_token_based_replay
on the same data frame and net. Prints JSON: the figures, seconds for each step, and versions.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TQDM_DISABLE", "1")

import warnings

warnings.filterwarnings("ignore")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True)
    parser.add_argument("--pnml", required=True, help="where to write the discovered net")
    args = parser.parse_args()

    import pandas as pd
    import pm4py

    t0 = time.perf_counter()
    df = pm4py.format_dataframe(pd.read_csv(args.csv), case_id="case:concept:name", activity_key="concept:name",
                                timestamp_key="time:timestamp")
    t1 = time.perf_counter()
    net, im, fm = pm4py.discover_petri_net_inductive(df)
    pm4py.write_pnml(net, im, fm, args.pnml)
    t2 = time.perf_counter()
    fitness = pm4py.fitness_token_based_replay(df, net, im, fm)
    t3 = time.perf_counter()
    json.dump({
        "cases": int(df["case:concept:name"].nunique()),
        "events": int(len(df)),
        "places": len(net.places),
        "transitions": len(net.transitions),
        "silent_transitions": sum(1 for t in net.transitions if t.label is None),
        "log_fitness": float(fitness["log_fitness"]),
        "average_trace_fitness": float(fitness["average_trace_fitness"]),
        "percentage_of_fitting_traces": float(fitness["percentage_of_fitting_traces"]),
        "load_seconds": t1 - t0,
        "discovery_seconds": t2 - t1,
        "replay_seconds": t3 - t2,
        "versions": {"pm4py": pm4py.__version__, "pandas": pd.__version__, "python": sys.version.split()[0]},
    }, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
