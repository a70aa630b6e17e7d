#!/usr/bin/env python3
"""SciPy reference for Benchmarks/bottlenecks.sh: the one-level part of the bottleneck search.

On the exported CSV (case attributes as `case:` columns), computes every directly-follows gap
(target start - source completion, as PM4Py's performance DFG), then for every edge and every level
of every case dimension (at most 50 levels) plus weekday and hour of the source completion, a
one-sided Mann-Whitney U test (scipy.stats.mannwhitneyu, asymptotic) of the level against the rest
of the edge, with the same support rule (30 and 1%), and Benjamini-Hochberg over all of them.
Pairs, activities, medians and merging are not done here, so this is a lower bound of what the
same search costs in Python. Prints the time of the search (reading the CSV not included).
"""
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats

df = pd.read_csv(sys.argv[1], low_memory=False)
start = time.perf_counter()
df["t"] = pd.to_datetime(df["time:timestamp"], format="ISO8601")
df["s"] = pd.to_datetime(df["start_timestamp"], format="ISO8601").fillna(df["t"])
df = df.sort_values(["case:concept:name", "s", "t"], kind="stable")
g = df.groupby("case:concept:name", sort=False)
df["next"] = g["concept:name"].shift(-1)
df["gap"] = (g["s"].shift(-1) - df["t"]).dt.total_seconds()
pairs = df.dropna(subset=["next"]).copy()
pairs["edge"] = pairs["concept:name"] + " -> " + pairs["next"]
pairs["weekday"] = pairs["t"].dt.day_of_week
pairs["hour_of_day"] = pairs["t"].dt.hour
dims = ["weekday", "hour_of_day"]
for c in df.columns:
    if c.startswith("case:") and c != "case:concept:name":
        values = pairs[c]
        if values.nunique() <= 50:
            dims.append(c)
        elif pd.api.types.is_numeric_dtype(values):
            pairs[c + "#q"] = pd.qcut(values, 4, duplicates="drop").astype(str)
            dims.append(c + "#q")
p_values = []
for _, sample in pairs.groupby("edge", sort=False):
    n = len(sample)
    support = max(30, int(np.ceil(0.01 * n)))
    gaps = sample["gap"].to_numpy()
    for d in dims:
        codes = sample[d].to_numpy()
        for level in pd.unique(codes):
            if pd.isna(level):
                continue
            inside = codes == level
            k = int(inside.sum())
            if k < support or n - k < support:
                continue
            p_values.append(
                stats.mannwhitneyu(gaps[inside], gaps[~inside], alternative="greater", method="asymptotic").pvalue)
adjusted = stats.false_discovery_control(p_values, method="bh") if p_values else []
elapsed = time.perf_counter() - start
print(f"scipy reference (one-level segments of edges only): {len(p_values)} tests, "
      f"{int(np.sum(np.asarray(adjusted) <= 0.05))} significant, {elapsed:.2f} s")
