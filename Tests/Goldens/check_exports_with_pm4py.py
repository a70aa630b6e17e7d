#!/usr/bin/env python3
"""Checks that PM4Py opens Waybill's exports and sees the log it was given.

Imports real logs with `waybill ingest`, exports them as XES, CSV and OCEL 2.0 JSON with
`waybill export`, reads each export with PM4Py and compares the counts with
Tests/Goldens/counts.json. This is a check for people with PM4Py installed (CI has no Python
dependencies); run it after changing an exporter:

    swift build -c release --product waybill
    python3 Tests/Goldens/check_exports_with_pm4py.py [path/to/waybill]

Exits non-zero and names the figure on the first mismatch.
"""
import json
import os
import subprocess
import sys
import tempfile

import pandas as pd
import pm4py

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WAYBILL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release", "waybill")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")
GOLDENS = json.load(open(os.path.join(ROOT, "Tests", "Goldens", "counts.json")))


def run(*args):
    subprocess.run([WAYBILL, *args], check=True, stdout=subprocess.DEVNULL)


def expect(what, got, want):
    if got != want:
        sys.exit(f"MISMATCH {what}: PM4Py read {got}, expected {want}")
    print(f"ok {what}: {got}")


with tempfile.TemporaryDirectory() as tmp:
    for name in ["running-example.xes", "receipt.xes.gz", "interval_event_log.csv", "roadtraffic100traces.xes"]:
        golden = GOLDENS["flat"][name]
        ws = os.path.join(tmp, name + "-ws")
        run("ingest", os.path.join(FIXTURES, name), "--workspace", ws)
        xes, csv = os.path.join(tmp, name + ".xes"), os.path.join(tmp, name + ".csv")
        run("export", "--format", "xes", "--out", xes, "--workspace", ws)
        run("export", "--format", "csv", "--raw", "--out", csv, "--workspace", ws)
        log = pm4py.read_xes(xes)
        expect(f"{name} -> xes events", len(log), golden["events"])
        expect(f"{name} -> xes cases", log["case:concept:name"].nunique(), golden["cases"])
        expect(f"{name} -> xes variants", len(pm4py.get_variants(log)), golden["variants"])
        df = pm4py.format_dataframe(pd.read_csv(csv), case_id="case:concept:name", activity_key="concept:name",
                                    timestamp_key="time:timestamp")
        expect(f"{name} -> csv events", len(df), golden["events"])
        expect(f"{name} -> csv variants", len(pm4py.get_variants(df)), golden["variants"])
        expect(f"{name} -> csv start activities", dict(pm4py.get_start_activities(df)), golden["start_activities"])
    for name in ["ocel2/order-management.json.gz", "ocel2/ocel20_example.jsonocel"]:
        golden = GOLDENS["ocel2"][name]
        ws = os.path.join(tmp, os.path.basename(name) + "-ws")
        run("ingest", os.path.join(FIXTURES, name), "--workspace", ws)
        out = os.path.join(tmp, os.path.basename(name) + ".export.jsonocel")
        run("export", "--format", "ocel2-json", "--out", out, "--workspace", ws)
        ocel = pm4py.read_ocel2_json(out)
        expect(f"{name} -> ocel events", len(ocel.events), golden["events"])
        expect(f"{name} -> ocel objects", len(ocel.objects), golden["objects"])
        expect(f"{name} -> ocel e2o (PM4Py's count)", len(ocel.relations), golden["e2o_relations"])
        expect(f"{name} -> ocel o2o", len(ocel.o2o), golden["o2o_relations"])
print("PM4Py reads every export as the original log.")
