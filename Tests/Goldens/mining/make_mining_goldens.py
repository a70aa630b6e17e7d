#!/usr/bin/env python3
"""Generate the PM4Py golden figures for Waybill's mining stage (Sources/Mining).

What it does
------------
For every flat log in Tests/Fixtures, and for a simulated log kept in this folder
(simulated-orders.csv, see below), reads it exactly as Tests/Goldens/make_goldens.py does and
writes Tests/Goldens/mining/<log>.json with what PM4Py computes:

* "dfg": one entry per directly-follows edge, sorted by (source, target):
    - frequency       pm4py.discover_dfg
    - case_frequency  get_dfg_graph(..., keep_once_per_case=True) (PM4Py's own "cases
                      containing the edge" count; pm4py.discover_dfg has no such option)
    - mean, median, max, min, sum, stdev
                      pm4py.discover_performance_dfg (perf_aggregation_key="all"), in seconds
    - p90             numpy.percentile(values, 90) (numpy's default "linear" method,
                      Hyndman and Fan's type 7) over the gap values PM4Py itself computes
                      (get_dfg_graph(..., perf_aggregation_key="raw_values")); PM4Py offers no p90.
  PM4Py's performance DFG on a log with a "start_timestamp" column orders each case by
  (start_timestamp, time:timestamp) and measures target.start_timestamp - source.time:timestamp
  (the wait between the two); without that column both are time:timestamp.
* "start_activities", "end_activities": pm4py.discover_dfg's second and third results.
* "variants": every variant with its count (pm4py.get_variants), ranked by count descending,
  then by the activity sequence ascending (Python's tuple order on code points), and the
  median case duration of its cases (numpy.median of PM4Py's case durations,
  case_statistics.get_cases_description: last time:timestamp - first time:timestamp).
* "activities": per activity, frequency (pm4py.get_event_attribute_values), cases (the same with
  count_once_per_case=True), rework_cases (pm4py.get_rework_cases_per_activity), service time
  mean and median (pm4py.get_service_time with start_timestamp_key="start_timestamp"; only
  logs with that column), and the waiting time before the activity: mean and median of PM4Py's
  performance-DFG gap values grouped by the edge's target.

The simulated log
-----------------
simulated-orders.csv is 300 orders (3,451 events) of Waybill's retailer simulator, made with

    waybill simulate --orders 300 --seed 7 --weeks 2 --out sim
    waybill extract --source sim/source.sqlite --mapping sim/mapping.yaml --workspace ws
    waybill export --format csv --out sim.csv --workspace ws --object-type orders

and cut down with pandas to the columns case:concept:name, concept:name, time:timestamp,
start_timestamp and case:channel. Only some of its events (warehouse tasks) have a start
timestamp. On such a mixed log PM4Py, as it is, sorts the events without one after all the
others of their case (pandas puts NaT last) and gives their edges no gap, which scrambles the
traces ("Packed -> Order Created"). Waybill takes a missing start to be the completion time,
which is what PM4Py does for a log without the column; so for a log whose start_timestamp column
is partly empty the golden is made on the frame with the gaps filled from time:timestamp
("start_timestamp_filled": true), and service times on the events that have a start.

CSV goes through pandas.read_csv -> pm4py.format_dataframe (all date-like text columns to UTC);
XES through pm4py.read_xes. get_dfg_graph adds a "start_timestamp" column to the frame it is
given when there is none, so every call gets its own copy.

Ordering and format: JSON with sort_keys=True, indent=2, ensure_ascii=False, trailing newline;
NaN (a one-value edge's stdev) is written as null.

How to run
----------
From the repository root (/work/main):

    python3 Tests/Goldens/mining/make_mining_goldens.py

Generated with the versions recorded under "_generator" in each file (pm4py 2.7.23.11,
pandas 3.1.1, numpy 2.4.6 at the time of writing).
"""

import os

os.environ.setdefault("TQDM_DISABLE", "1")  # PM4Py's XES reader shows progress bars otherwise

import json
import math
import platform
import sys
import warnings
from collections import defaultdict

import numpy as np
import pandas as pd

import pm4py
from pm4py.algo.discovery.dfg.adapters.pandas.df_statistics import get_dfg_graph
from pm4py.objects.log.util import pandas_numpy_variants
from pm4py.statistics.traces.generic.pandas import case_statistics

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")

CASE = "case:concept:name"
ACT = "concept:name"
TS = "time:timestamp"
START = "start_timestamp"

FLAT_LOGS = [
    ("running-example.csv", "csv", FIXTURES),
    ("running-example.xes", "xes", FIXTURES),
    ("receipt.csv", "csv", FIXTURES),
    ("receipt.xes.gz", "xes", FIXTURES),
    ("interval_event_log.csv", "csv", FIXTURES),
    ("roadtraffic100traces.csv", "csv", FIXTURES),
    ("roadtraffic100traces.xes", "xes", FIXTURES),
    ("simulated-orders.csv", "csv", HERE),
]


def number(x):
    """A float for JSON, or None for NaN."""
    x = float(x)
    return None if math.isnan(x) else x


def load(path, kind):
    """The log as PM4Py's standard path reads it (as in make_goldens.py)."""
    if kind == "csv":
        raw = pd.read_csv(path)
        return pm4py.format_dataframe(raw, case_id=CASE, activity_key=ACT, timestamp_key=TS)
    return pm4py.read_xes(path)


def dfg_figures(df):
    dfg, start, end = pm4py.discover_dfg(df.copy(), activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    perf, _, _ = pm4py.discover_performance_dfg(df.copy(), activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    raw = get_dfg_graph(df.copy(), measure="performance", perf_aggregation_key="raw_values",
                        activity_key=ACT, timestamp_key=TS, case_id_glue=CASE)
    per_case = get_dfg_graph(df.copy(), keep_once_per_case=True,
                             activity_key=ACT, timestamp_key=TS, case_id_glue=CASE)
    assert set(dfg) == set(perf) == set(raw) == set(per_case), "PM4Py's DFG variants disagree on the edges"
    edges = []
    for (a, b) in sorted(dfg, key=lambda k: (str(k[0]), str(k[1]))):
        p = perf[(a, b)]
        values = np.asarray(raw[(a, b)], dtype=float)
        assert len(values) == dfg[(a, b)]
        edges.append({
            "source": str(a),
            "target": str(b),
            "frequency": int(dfg[(a, b)]),
            "case_frequency": int(per_case[(a, b)]),
            "mean": number(p["mean"]),
            "median": number(p["median"]),
            "max": number(p["max"]),
            "min": number(p["min"]),
            "sum": number(p["sum"]),
            "stdev": number(p["stdev"]),
            "p90": number(np.percentile(values, 90)),
        })
    waits = defaultdict(list)
    for (a, b), values in raw.items():
        waits[str(b)].extend(float(v) for v in values)
    return edges, start, end, waits


def variant_figures(df):
    variants = pm4py.get_variants(df, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    variants = {tuple(str(a) for a in k): int(v) for k, v in variants.items()}
    _, case_variant = pandas_numpy_variants.apply(df)
    described = case_statistics.get_cases_description(df)
    durations = defaultdict(list)
    for case, variant in case_variant.items():
        durations[tuple(str(a) for a in variant)].append(described[case]["caseDuration"])
    ranked = sorted(variants.items(), key=lambda kv: (-kv[1], kv[0]))
    out = []
    for k, v in ranked:
        assert len(durations[k]) == v
        out.append({"activities": list(k), "cases": v, "median_throughput_seconds": number(np.median(durations[k]))})
    return out


def activity_figures(df, waits, service_rows):
    frequency = pm4py.get_event_attribute_values(df, ACT)
    cases = pm4py.get_event_attribute_values(df, ACT, count_once_per_case=True, case_id_key=CASE)
    rework = pm4py.get_rework_cases_per_activity(df, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    service_mean = service_median = {}
    if service_rows is not None:
        service_mean = pm4py.get_service_time(service_rows.copy(), aggregation_measure="mean", activity_key=ACT,
                                              timestamp_key=TS, start_timestamp_key=START, case_id_key=CASE)
        service_median = pm4py.get_service_time(service_rows.copy(), aggregation_measure="median", activity_key=ACT,
                                                timestamp_key=TS, start_timestamp_key=START, case_id_key=CASE)
    out = {}
    for a in sorted(str(x) for x in frequency):
        entry = {
            "frequency": int(frequency[a]),
            "cases": int(cases[a]),
            "rework_cases": int(rework.get(a, 0)),
        }
        if a in service_mean:
            entry["mean_service_seconds"] = number(service_mean[a])
            entry["median_service_seconds"] = number(service_median[a])
        if waits.get(a):
            entry["waiting_count"] = len(waits[a])
            entry["mean_waiting_seconds"] = number(np.mean(waits[a]))
            entry["median_waiting_seconds"] = number(np.median(waits[a]))
        out[a] = entry
    return out


def figures(path, kind):
    df = load(path, kind)
    service_rows = None
    filled = False
    if START in df.columns:
        service_rows = df[df[START].notna()]
        if df[START].isna().any():
            df = df.copy()
            df[START] = df[START].fillna(df[TS])
            filled = True
    edges, start, end, waits = dfg_figures(df)
    return {
        "reader": ("pandas.read_csv + pm4py.format_dataframe" if kind == "csv" else "pm4py.read_xes"),
        "has_start_timestamps": START in df.columns,
        "start_timestamp_filled": filled,
        "events": int(len(df)),
        "cases": int(df[CASE].nunique()),
        "dfg": edges,
        "start_activities": {str(k): int(v) for k, v in start.items()},
        "end_activities": {str(k): int(v) for k, v in end.items()},
        "variants": variant_figures(df),
        "activities": activity_figures(df, waits, service_rows),
    }


def main():
    warnings.filterwarnings("ignore")
    generator = {
        "script": "Tests/Goldens/mining/make_mining_goldens.py",
        "pm4py": pm4py.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    failed = False
    for name, kind, folder in FLAT_LOGS:
        try:
            out = figures(os.path.join(folder, name), kind)
        except Exception as e:
            print(f"ERROR {name}: {type(e).__name__}: {e}", file=sys.stderr)
            failed = True
            continue
        out["_generator"] = generator
        target = os.path.join(HERE, f"{name}.json")
        with open(target, "w", encoding="utf-8") as f:
            json.dump(out, f, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
            f.write("\n")
        print(f"wrote {os.path.relpath(target, ROOT)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
