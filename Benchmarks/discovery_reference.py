#!/usr/bin/env python3
"""PM4Py side of Benchmarks/discovery.sh: times pm4py.discover_petri_net_inductive on CSV logs.

Usage: discovery_reference.py LOG.csv [LOG.csv ...]

For each log: pandas.read_csv + pm4py.format_dataframe (not timed), then for noise thresholds
0 and 0.2 the best of REPEAT (default 3) runs of pm4py.discover_petri_net_inductive(df,
noise_threshold=t) (time.perf_counter, process tree discovery plus conversion to the net).
Prints one JSON object: {log: {"events", "cases", "0": {"seconds", "tree", "places",
"transitions"}, "0.2": {...}}}.
"""

import os

os.environ.setdefault("TQDM_DISABLE", "1")

import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")

import pandas as pd
import pm4py

REPEAT = int(os.environ.get("REPEAT", "3"))


def main():
    out = {}
    for path in sys.argv[1:]:
        df = pm4py.format_dataframe(pd.read_csv(path), case_id="case:concept:name", activity_key="concept:name",
                                    timestamp_key="time:timestamp")
        entry = {"events": len(df), "cases": int(df["case:concept:name"].nunique())}
        for t in (0.0, 0.2):
            best = None
            for _ in range(REPEAT):
                start = time.perf_counter()
                net, im, fm = pm4py.discover_petri_net_inductive(df, noise_threshold=t)
                elapsed = time.perf_counter() - start
                best = elapsed if best is None else min(best, elapsed)
            tree = pm4py.discover_process_tree_inductive(df, noise_threshold=t)
            entry["0" if t == 0 else "0.2"] = {"seconds": best, "tree": str(tree), "places": len(net.places),
                                                "transitions": len(net.transitions)}
        out[os.path.basename(path)] = entry
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
