#!/usr/bin/env python3
"""PM4Py side of Benchmarks/ocdfg.sh: times read_ocel2_json, discover_ocdfg and the per-type
variants (ocel_flattening + get_variants per object type) on one OCEL 2.0 JSON log.

Usage: ocdfg_reference.py LOG REPEATS
Prints one JSON object: [wall, CPU] seconds of each step (the medians of REPEATS runs for the
computations; import and reading once), and the edges and variants per type as a cross-check.
"""
import json
import statistics
import sys
import time
import warnings

warnings.filterwarnings("ignore")
t0 = time.perf_counter()
import pm4py  # noqa: E402

import_seconds = time.perf_counter() - t0
path, repeats = sys.argv[1], int(sys.argv[2])

t0, c0 = time.perf_counter(), time.process_time()
ocel = pm4py.read_ocel2_json(path)
read_seconds = [round(time.perf_counter() - t0, 3), round(time.process_time() - c0, 3)]


def timed(body):
    walls, cpus = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        result = body()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return [round(statistics.median(walls), 3), round(statistics.median(cpus), 3)], result


def variants_per_type():
    counts = {}
    for ot in sorted(ocel.objects["ocel:type"].unique()):
        flat = pm4py.ocel_flattening(ocel, ot)
        # PM4Py 2.7 miscounts the variants of an unsorted frame (see Tests/Goldens/ocel/
        # make_ocel_goldens.py): sort by (case, timestamp, row order) first, as its code means to.
        flat = flat.assign(_row=range(len(flat))).sort_values(
            ["case:concept:name", "time:timestamp", "_row"], kind="stable")
        if len(flat):
            counts[ot] = len(pm4py.get_variants(
                flat, activity_key="concept:name", timestamp_key="time:timestamp", case_id_key="case:concept:name"))
    return counts


ocdfg_counts, graph = timed(lambda: pm4py.discover_ocdfg(ocel, compute_edges_performance=False))
ocdfg_perf, _ = timed(lambda: pm4py.discover_ocdfg(ocel))
variants_seconds, variants = timed(variants_per_type)
print(json.dumps({
    "import_seconds": round(import_seconds, 3),
    "read": read_seconds,
    "ocdfg": ocdfg_counts,
    "ocdfg_with_performance": ocdfg_perf,
    "variants_time": variants_seconds,
    "edges": {ot: len(e) for ot, e in sorted(graph["edges"]["event_couples"].items())},
    "variants": variants,
}))
