#!/usr/bin/env python3
"""PM4Py's side of Benchmarks/mine.sh: format_dataframe + discover_dfg + discover_performance_dfg
+ get_variants on a CSV exported by `waybill export --format csv`, read_csv not timed.

Prints one line: the seconds of each call, their total, the CPU time and the peak RSS."""
import resource
import sys
import time

import pandas as pd
import pm4py

path = sys.argv[1]
df = pd.read_csv(path)
cpu0 = time.process_time()
t0 = time.perf_counter()
df = pm4py.format_dataframe(df, case_id="case:concept:name", activity_key="concept:name", timestamp_key="time:timestamp")
t1 = time.perf_counter()
dfg, start, end = pm4py.discover_dfg(df)
t2 = time.perf_counter()
perf, _, _ = pm4py.discover_performance_dfg(df)
t3 = time.perf_counter()
variants = pm4py.get_variants(df)
t4 = time.perf_counter()
cpu = time.process_time() - cpu0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pm4py: total {t4 - t0:.2f} s (format_dataframe {t1 - t0:.2f}, discover_dfg {t2 - t1:.2f}, "
      f"discover_performance_dfg {t3 - t2:.2f}, get_variants {t4 - t3:.2f}), cpu {cpu:.2f} s, max RSS {rss:.0f} MiB; "
      f"{len(dfg)} edges, {len(variants)} variants")
