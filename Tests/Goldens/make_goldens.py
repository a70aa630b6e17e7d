#!/usr/bin/env python3
"""Generate Waybill's golden figures from the real event logs in Tests/Fixtures.

What it does
------------
Reads every log in Tests/Fixtures with PM4Py (the reference implementation) and
writes Tests/Goldens/counts.json, which the Swift tests compare Waybill's own
importers and statistics against.

* Flat logs (CSV and XES): events, cases, distinct activities, start and end
  activities with case counts, number of variants, the 5 most common variants,
  and the first 3 cases (in order of first appearance in the file) with their
  ordered activities and UTC timestamps ("2010-12-30T13:32:00.000000Z").
  CSV goes through PM4Py's standard path:
      pandas.read_csv -> pm4py.format_dataframe(df, case_id='case:concept:name',
          activity_key='concept:name', timestamp_key='time:timestamp')
  format_dataframe parses every text column that looks like a date with
  pandas.to_datetime(format="mixed", utc=True), so "+01:00"/"+02:00" offsets
  end up in UTC, and sorts by (case id as string, timestamp, original row) so
  that equal timestamps keep their file order. XES goes through pm4py.read_xes,
  which keeps the events of a trace in file order (no sort).
  The script re-derives the traces independently (pandas, stable sort by
  timestamp within each case) and asserts that PM4Py's result agrees.
* OCEL 2.0 logs (JSON, XML, SQLite): events, objects, objects per type, events
  per activity, event-to-object relations (rows of ocel.relations),
  object-to-object relations (rows of ocel.o2o), object attribute change rows
  (rows of ocel.object_changes), as PM4Py reports them. Next to them,
  "raw_file_counts" gives the same basic counts read straight from the file with
  the Python standard library (json / xml.etree / sqlite3), because PM4Py's
  readers drop or merge some rows (see "pm4py_notes" in the output). A reader
  that raises is recorded as {"error": "..."} for that file.

Ordering conventions in the output
----------------------------------
* "top_variants": sorted by count descending, then by the activity sequence
  ascending (lexicographic), so ties are broken deterministically;
  "variant_count_ties_at_cutoff" tells how many variants share the 5th count.
* "first_cases": the first 3 distinct case ids in file order (CSV row order /
  XES trace order); each trace is listed in PM4Py's event order.
* "cases_with_equal_timestamps" / "cases_not_chronological_in_file": facts about
  the file (events in file order), so a Swift importer knows where its sort and
  tie-breaking matter.
* JSON written with sort_keys=True, indent=2, ensure_ascii=False, trailing newline.

How to run
----------
From the repository root (/work/main):

    python3 Tests/Goldens/make_goldens.py

Generated with pm4py 2.7.23.11 and pandas 3.1.1 on Python 3.11.7. The versions
actually used are recorded in counts.json under "_generator"; a different
PM4Py version may give different figures (its OCEL readers in particular).
"""

import os

os.environ.setdefault("TQDM_DISABLE", "1")  # PM4Py's XES reader shows progress bars otherwise

import gzip
import json
import platform
import sqlite3
import sys
import warnings
import xml.etree.ElementTree as ET
from collections import Counter

import pandas as pd

import pm4py

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")
OUTPUT = os.path.join(ROOT, "Tests", "Goldens", "counts.json")

CASE = "case:concept:name"
ACT = "concept:name"
TS = "time:timestamp"
TOP_N = 5
FIRST_N = 3

FLAT_LOGS = [
    ("running-example.csv", "csv"),
    ("running-example.xes", "xes"),
    ("receipt.csv", "csv"),
    ("receipt.xes.gz", "xes"),
    ("interval_event_log.csv", "csv"),
    ("roadtraffic100traces.csv", "csv"),
    ("roadtraffic100traces.xes", "xes"),
]

OCEL_LOGS = [
    ("ocel2/order-management.json.gz", "json"),
    ("ocel2/order-management.xml.gz", "xml"),
    ("ocel2/order-management-variant.sqlite", "sqlite"),
    ("ocel2/ocel20_example.jsonocel", "json"),
    ("ocel2/ocel20_example.xmlocel", "xml"),
    ("ocel2/ocel20_example.sqlite", "sqlite"),
]


def iso_utc(ts):
    """UTC ISO 8601 string with microseconds, e.g. 2010-12-30T13:32:00.000000Z."""
    if ts is None or pd.isna(ts):
        return None
    ts = pd.Timestamp(ts)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")  # PM4Py's convention for naive timestamps
    return ts.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plain_counts(d):
    """dict with str keys and int values (numpy ints are not JSON-serializable)."""
    return {str(k): int(v) for k, v in d.items()}


# --------------------------------------------------------------------------
# Flat logs
# --------------------------------------------------------------------------

def load_flat(path, kind):
    """Returns (pm4py dataframe, the same events in file order as a frame with
    columns case/ts, case ids in order of first appearance in the file)."""
    if kind == "csv":
        raw = pd.read_csv(path)
        df = pm4py.format_dataframe(raw.copy(), case_id=CASE, activity_key=ACT, timestamp_key=TS)
        file_rows = pd.DataFrame({
            "case": raw[CASE].astype(str),
            "ts": pd.to_datetime(raw[TS], utc=True, format="ISO8601"),
        })
        independent_check_csv(raw, df)
    else:
        df = pm4py.read_xes(path)
        file_rows = pd.DataFrame({"case": df[CASE].astype(str), "ts": df[TS]})
    file_order = pd.unique(file_rows["case"]).tolist()
    return df, file_rows, file_order


def independent_check_csv(raw, df):
    """Re-derive the traces without PM4Py and assert PM4Py's order agrees.

    Timestamps: pandas.to_datetime(utc=True) of the original text; order: stable sort
    by timestamp within each case, ties kept in CSV row order.
    """
    ref = pd.DataFrame({
        "case": raw[CASE].astype(str),
        "act": raw[ACT].astype(str),
        "ts": pd.to_datetime(raw[TS], utc=True, format="ISO8601"),
        "row": range(len(raw)),
    })
    ref = ref.sort_values(["case", "ts", "row"], kind="stable")
    mine = {c: list(zip(g["act"], g["ts"])) for c, g in ref.groupby("case", sort=False)}
    theirs = {c: list(zip(g[ACT].astype(str), g[TS]))
              for c, g in df.groupby(CASE, sort=False)}
    assert mine.keys() == theirs.keys(), "case sets differ"
    for c in mine:
        assert mine[c] == theirs[c], f"trace of case {c} differs from the independent parse"


def trace_diagnostics(file_rows):
    """Per-case ordering facts on the events in file order: cases with two or more
    events at the same timestamp, and cases whose file order is not chronological."""
    tied = 0
    unsorted = 0
    for _, g in file_rows.groupby("case", sort=False):
        if g["ts"].duplicated().any():
            tied += 1
        if not g["ts"].is_monotonic_increasing:
            unsorted += 1
    return tied, unsorted


def flat_figures(path, kind):
    df, file_rows, file_order = load_flat(path, kind)

    start = pm4py.get_start_activities(df, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    end = pm4py.get_end_activities(df, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    variants = pm4py.get_variants(df, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    variants = {tuple(str(a) for a in k): int(v) for k, v in variants.items()}

    ranked = sorted(variants.items(), key=lambda kv: (-kv[1], kv[0]))
    top = [{"activities": list(k), "count": v} for k, v in ranked[:TOP_N]]
    cutoff = ranked[min(TOP_N, len(ranked)) - 1][1]
    ties_at_cutoff = sum(1 for _, v in ranked if v == cutoff)

    # Independent cross-checks of the PM4Py statistics.
    traces = {str(c): g for c, g in df.groupby(CASE, sort=False)}
    assert sum(variants.values()) == len(traces)
    assert plain_counts(start) == plain_counts(Counter(g[ACT].iloc[0] for g in traces.values()))
    assert plain_counts(end) == plain_counts(Counter(g[ACT].iloc[-1] for g in traces.values()))

    first_cases = []
    has_start_ts = "start_timestamp" in df.columns
    for cid in file_order[:FIRST_N]:
        g = traces[cid]
        entry = {
            "case_id": cid,
            "activities": [str(a) for a in g[ACT]],
            "timestamps": [iso_utc(t) for t in g[TS]],
        }
        if has_start_ts:
            entry["start_timestamps"] = [iso_utc(t) for t in g["start_timestamp"]]
        first_cases.append(entry)

    tied, unsorted = trace_diagnostics(file_rows)
    return {
        "reader": ("pandas.read_csv + pm4py.format_dataframe" if kind == "csv"
                   else "pm4py.read_xes"),
        "events": int(len(df)),
        "cases": int(df[CASE].nunique()),
        "activities": int(df[ACT].nunique()),
        "start_activities": plain_counts(start),
        "end_activities": plain_counts(end),
        "variants": len(variants),
        "top_variants": top,
        "variant_count_ties_at_cutoff": ties_at_cutoff,
        "first_cases": first_cases,
        "timestamp_min": iso_utc(df[TS].min()),
        "timestamp_max": iso_utc(df[TS].max()),
        "cases_with_equal_timestamps": tied,
        "cases_not_chronological_in_file": unsorted,
    }


# --------------------------------------------------------------------------
# OCEL 2.0 logs
# --------------------------------------------------------------------------

def read_ocel(path, kind):
    # PM4Py's OCEL 2.0 readers open .gz files transparently, no temp file needed.
    if kind == "json":
        return pm4py.read_ocel2_json(path)
    if kind == "xml":
        return pm4py.read_ocel2_xml(path)
    return pm4py.read_ocel2_sqlite(path)


def ocel_figures(path, kind):
    ocel = read_ocel(path, kind)
    ev, ob = ocel.events, ocel.objects
    changes = getattr(ocel, "object_changes", None)
    return {
        "reader": {"json": "pm4py.read_ocel2_json", "xml": "pm4py.read_ocel2_xml",
                   "sqlite": "pm4py.read_ocel2_sqlite"}[kind],
        "events": int(len(ev)),
        "objects": int(len(ob)),
        "objects_per_type": plain_counts(ob[ocel.object_type_column].value_counts()),
        "events_per_activity": plain_counts(ev[ocel.event_activity].value_counts()),
        "e2o_relations": int(len(ocel.relations)),
        "o2o_relations": int(len(ocel.o2o)),
        "object_changes": None if changes is None else int(len(changes)),
        "timestamp_min": iso_utc(ev[ocel.event_timestamp].min()),
        "timestamp_max": iso_utc(ev[ocel.event_timestamp].max()),
    }


def open_maybe_gz(path):
    return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")


def raw_ocel_counts(path, kind):
    """Basic counts straight from the file, without PM4Py."""
    if kind == "json":
        with open_maybe_gz(path) as f:
            d = json.load(f)
        events, objects = d.get("events", []), d.get("objects", [])
        e2o = [(e["id"], r["objectId"]) for e in events for r in e.get("relationships") or []]
        o2o = sum(len(o.get("relationships") or []) for o in objects)
        types = Counter(o["type"] for o in objects)
        linked = {oid for _, oid in e2o}
    elif kind == "xml":
        with open_maybe_gz(path) as f:
            root = ET.parse(f).getroot()
        objs = root.findall("./objects/object")
        evs = root.findall("./events/event")
        events, objects = evs, objs
        e2o = [(e.get("id"), r.get("object-id")) for e in evs for r in e.findall("./objects/relationship")]
        o2o = sum(len(o.findall("./objects/relationship")) for o in objs)
        types = Counter(o.get("type") for o in objs)
        linked = {oid for _, oid in e2o}
    else:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            q = lambda s: con.execute(s).fetchall()
            events = q("SELECT ocel_id FROM event")
            types = Counter(dict(q("SELECT ocel_type, COUNT(*) FROM object GROUP BY ocel_type")))
            objects = range(sum(types.values()))
            e2o = q("SELECT ocel_event_id, ocel_object_id FROM event_object")
            o2o = q("SELECT COUNT(*) FROM object_object")[0][0]
            linked = {str(oid) for _, oid in e2o}
            all_ids = [str(r[0]) for r in q("SELECT ocel_id FROM object")]
        finally:
            con.close()
    if kind != "sqlite":
        all_ids = ([o["id"] for o in objects] if kind == "json" else [o.get("id") for o in objects])
    return {
        "events": len(events),
        "objects": len(objects),
        "objects_per_type": plain_counts(types),
        "e2o_relations": len(e2o),
        "e2o_distinct_event_object_pairs": len(set(e2o)),
        "o2o_relations": int(o2o),
        "objects_without_events": sum(1 for oid in all_ids if oid not in linked),
    }


# --------------------------------------------------------------------------

PM4PY_NOTES = [
    "format_dataframe tries pandas.to_datetime(format='mixed', utc=True) on every text column, so "
    "all date-like columns (also case:deadline etc.) become UTC; offsets are applied, not dropped.",
    "format_dataframe casts case ids to string and sorts by (case id as string, timestamp, original row); "
    "PM4Py's own row order of cases is therefore lexicographic ('1' < '10' < '2'), not file order.",
    "read_xes keeps trace order and the event order inside each trace as in the file (no timestamp sort).",
    "read_ocel2_json builds event-to-object relations from the set of object ids per event: an event "
    "linked to the same object with two qualifiers keeps only one row (XML and SQLite readers keep both).",
    "All OCEL readers drop objects that no event refers to (and their o2o rows and attribute changes); "
    "naive OCEL timestamps (XML, SQLite) are taken as UTC.",
]


def main():
    warnings.filterwarnings("ignore")
    out = {
        "_generator": {
            "script": "Tests/Goldens/make_goldens.py",
            "pm4py": pm4py.__version__,
            "pandas": pd.__version__,
            "python": platform.python_version(),
            "pm4py_notes": PM4PY_NOTES,
        },
        "flat": {},
        "ocel2": {},
    }
    for name, kind in FLAT_LOGS:
        try:
            out["flat"][name] = flat_figures(os.path.join(FIXTURES, name), kind)
        except Exception as e:  # record and go on
            out["flat"][name] = {"error": f"{type(e).__name__}: {e}"}
            print(f"ERROR {name}: {e}", file=sys.stderr)
    for name, kind in OCEL_LOGS:
        path = os.path.join(FIXTURES, name)
        try:
            entry = ocel_figures(path, kind)
        except Exception as e:
            entry = {"error": f"{type(e).__name__}: {e}"}
            print(f"ERROR {name}: {e}", file=sys.stderr)
        try:
            entry["raw_file_counts"] = raw_ocel_counts(path, kind)
        except Exception as e:
            entry["raw_file_counts"] = {"error": f"{type(e).__name__}: {e}"}
        out["ocel2"][name] = entry

    with open(OUTPUT, "w", encoding="utf-8") as f:
        json.dump(out, f, sort_keys=True, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUTPUT, ROOT)}")


if __name__ == "__main__":
    main()
