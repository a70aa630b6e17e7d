#!/usr/bin/env python3
"""Generate the PM4Py golden figures for Waybill's object-centric mining (Sources/Mining/ObjectCentric).

What it does
------------
For each OCEL 2.0 log below, reads it with pm4py.read_ocel2_json and writes
Tests/Goldens/ocel/<log>.json with, per object type that has at least one event:

* "activities": pm4py.discover_ocdfg(...)["activities_ot"], per activity the number of
  events (distinct event ids), unique_objects (distinct objects of the type) and
  total_objects (distinct event-object pairs).
* "edges": pm4py.discover_ocdfg(...)["edges"], per directly-follows edge source -> target
  the number of event_couples (distinct (source event, target event) pairs), unique_objects
  and total_objects (distinct (source event, target event, object) triples).
* "start_activities", "end_activities": discover_ocdfg's "start_activities" and
  "end_activities" (events, and objects = unique_objects, which equals total_objects).
* "flattening": pm4py.ocel_flattening(ocel, type): cases, events, and
  pm4py.discover_dfg on the flattened frame (frequency per edge, start and end activities).
  The script asserts that the flattened DFG's frequency is the OC-DFG's total_objects.
* "events": the distinct events linked to at least one object of the type.
* "variants": pm4py.get_variants on the flattened frame, sorted by (case, timestamp, row
  order) first (see the note in figures(): PM4Py 2.7 miscounts an unsorted frame); the number of variants, every
  variant's object count ("frequencies", ranked), and the first variants with their activity
  sequences ("top"; how many is set per log in LOGS); ranked by count descending, then by the activity sequence
  (Python's tuple order on code points).

For the order-management log it also writes the files `waybill mine --object-centric` must
write, in the same layout and order (see Sources/Mining/DataDictionary.swift):
order-management.object_types.csv (objects with events, events, event-object links, activities,
edges and variants per type), order-management.ocdfg.csv, order-management.ocdfg_activities.csv,
order-management.object_variants.csv (the TOP_IN_CSV most frequent variants per type),
order-management.ocdfg_start_activities.csv and
order-management.ocdfg_end_activities.csv. Rows are ordered by object type (code points), then
by total_objects (edges, activities) or objects (variants, start and end) descending, then by
name; shares have exactly 6 decimals, rounded half away from zero. The logs' names need no
spreadsheet neutralisation (none starts with = + - @), so cells are plain RFC 4180 CSV.

Ordering: PM4Py's OCEL importer sorts events and relations by timestamp, ties in file order
(a stable sort on an inserted index), as Waybill's store does; discover_ocdfg walks the events
in that order and start/end activities take each object's first and last relation row.

Ordering and format: JSON with sort_keys=True, indent=2, ensure_ascii=False, trailing newline.

How to run
----------
From the repository root:

    python3 Tests/Goldens/ocel/make_ocel_goldens.py

Tested with PM4Py 2.7.23 and pandas 2.x. The tests read the outputs; they never run Python.
"""
import csv
import io
import json
import os
import sys
import warnings
from collections import Counter

warnings.filterwarnings("ignore")
import pm4py  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "ocel2")
OUT = os.path.dirname(os.path.abspath(__file__))
TOP_IN_CSV = 10  # variants per type in object_variants.csv (ObjectCentricAnalysis's default)
# log name -> (file, variants kept with their activity sequences in the JSON). The order-management
# log's sequences run to thousands of activities (a product is in most orders), so its JSON keeps
# only the counts and the CSV golden (object_variants.csv) holds its top sequences.
LOGS = {
    "order-management": ("order-management.json.gz", 0),
    "ocel20_example": ("ocel20_example.jsonocel", 20),
}


def six(numerator, denominator):
    """numerator / denominator with exactly 6 decimals, rounded half away from zero (non-negative)."""
    micros = (2 * numerator * 1_000_000 + denominator) // (2 * denominator)
    return "%d.%06d" % (micros // 1_000_000, micros % 1_000_000)


def figures(ocel, top_in_json):
    ocdfg = pm4py.discover_ocdfg(ocel, compute_edges_performance=False)
    act = ocdfg["activities_ot"]
    edges = ocdfg["edges"]
    starts, ends = ocdfg["start_activities"], ocdfg["end_activities"]
    out = {}
    for ot in sorted(act["events"]):
        entry = {"activities": {}, "edges": [], "start_activities": {}, "end_activities": {}}
        entry["events"] = len(set().union(*act["events"][ot].values()))
        for a in sorted(act["events"][ot]):
            entry["activities"][a] = {
                "events": len(act["events"][ot][a]),
                "unique_objects": len(act["unique_objects"][ot][a]),
                "total_objects": len(set(act["total_objects"][ot][a])),
            }
        for (s, t) in sorted(edges["event_couples"].get(ot, {})):
            entry["edges"].append({
                "source": s, "target": t,
                "event_couples": len(edges["event_couples"][ot][(s, t)]),
                "unique_objects": len(edges["unique_objects"][ot][(s, t)]),
                "total_objects": len(edges["total_objects"][ot][(s, t)]),
            })
        for key, source in (("start_activities", starts), ("end_activities", ends)):
            for a in sorted(source["events"][ot]):
                objects = len(source["unique_objects"][ot][a])
                assert objects == len(source["total_objects"][ot][a])
                entry[key][a] = {"events": len(source["events"][ot][a]), "objects": objects}

        flat = pm4py.ocel_flattening(ocel, ot)
        dfg, fstart, fend = pm4py.discover_dfg(
            flat, activity_key="concept:name", timestamp_key="time:timestamp", case_id_key="case:concept:name")
        entry["flattening"] = {
            "cases": int(flat["case:concept:name"].nunique()),
            "events": int(len(flat)),
            "dfg": [{"source": s, "target": t, "frequency": int(n)} for (s, t), n in sorted(dfg.items())],
            "start_activities": {a: int(n) for a, n in sorted(fstart.items())},
            "end_activities": {a: int(n) for a, n in sorted(fend.items())},
        }
        # The flattened DFG is the OC-DFG's per-object count (total objects).
        assert {(e["source"], e["target"]): e["total_objects"] for e in entry["edges"]} == \
            {(s, t): int(n) for (s, t), n in dfg.items()}, ot
        assert {a: v["objects"] for a, v in entry["start_activities"].items()} == entry["flattening"]["start_activities"]

        # PM4Py 2.7's variant code on a frame not made by format_dataframe calls sort_values
        # without keeping the result, then reads each case as one contiguous run of rows; the
        # flattened frame interleaves the cases (it is in event order), so it would cut the
        # cases wrongly. Sorting as that code means to (case, timestamp, row order) first.
        ordered = flat.assign(_row=range(len(flat))).sort_values(
            ["case:concept:name", "time:timestamp", "_row"], kind="stable")
        variants = pm4py.get_variants(
            ordered, activity_key="concept:name", timestamp_key="time:timestamp", case_id_key="case:concept:name")
        variants = Counter({tuple(str(a) for a in k): int(v) for k, v in variants.items()})
        ranked = sorted(variants.items(), key=lambda kv: (-kv[1], kv[0]))
        entry["variants"] = {
            "count": len(ranked),
            "objects": sum(variants.values()),
            "frequencies": [n for _, n in ranked],
            "top": [{"activities": list(k), "objects": n} for k, n in ranked[:max(top_in_json, TOP_IN_CSV)]],
        }
        assert entry["variants"]["objects"] == entry["flattening"]["cases"]
        out[ot] = entry
    return out


def csv_text(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        for cell in row:
            assert not str(cell)[:1] in ("=", "+", "-", "@"), cell
        writer.writerow(row)
    return buffer.getvalue()


def cli_files(fig):
    """The CSV files `waybill mine --object-centric` writes, from the figures."""
    types = sorted(fig)
    edges, activities, variants, starts, ends, summary = [], [], [], [], [], []
    for ot in types:
        e = fig[ot]
        for r in sorted(e["edges"], key=lambda r: (-r["total_objects"], r["source"], r["target"])):
            edges.append([ot, r["source"], r["target"], r["event_couples"], r["unique_objects"], r["total_objects"]])
        for a, r in sorted(e["activities"].items(), key=lambda kv: (-kv[1]["total_objects"], kv[0])):
            activities.append([ot, a, r["events"], r["unique_objects"], r["total_objects"]])
        total = e["variants"]["objects"]
        for rank, v in enumerate(e["variants"]["top"][:TOP_IN_CSV], start=1):
            names = json.dumps(v["activities"], ensure_ascii=False, separators=(",", ":"))
            variants.append([ot, rank, v["objects"], six(v["objects"], total), names])
        for key, rows in (("start_activities", starts), ("end_activities", ends)):
            for a, r in sorted(e[key].items(), key=lambda kv: (-kv[1]["objects"], kv[0])):
                rows.append([ot, a, r["events"], r["objects"]])
        summary.append([
            ot, e["flattening"]["cases"], e["events"], e["flattening"]["events"], len(e["activities"]),
            len(e["edges"]), e["variants"]["count"]])
    return {
        "object_types.csv": csv_text(
            ["object_type", "objects", "events", "event_object_links", "activities", "edges", "variants"], summary),
        "ocdfg.csv": csv_text(
            ["object_type", "source", "target", "event_couples", "unique_objects", "total_objects"], edges),
        "ocdfg_activities.csv": csv_text(
            ["object_type", "activity", "events", "unique_objects", "total_objects"], activities),
        "object_variants.csv": csv_text(["object_type", "rank", "objects", "share", "activities"], variants),
        "ocdfg_start_activities.csv": csv_text(["object_type", "activity", "events", "objects"], starts),
        "ocdfg_end_activities.csv": csv_text(["object_type", "activity", "events", "objects"], ends),
    }


def main():
    for name, (file, top_in_json) in LOGS.items():
        ocel = pm4py.read_ocel2_json(os.path.join(FIXTURES, file))
        fig = figures(ocel, top_in_json)
        if name == "order-management":
            for file_name, text in cli_files(fig).items():
                with open(os.path.join(OUT, name + "." + file_name), "w", encoding="utf-8", newline="") as f:
                    f.write(text)
        for entry in fig.values():
            entry["variants"]["top"] = entry["variants"]["top"][:top_in_json]
        golden = {
            "events": int(len(ocel.events)),
            "objects": int(len(ocel.objects)),
            "object_types": fig,
        }
        with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(golden, f, sort_keys=True, indent=2, ensure_ascii=False)
            f.write("\n")
        print(name, {ot: (len(e["edges"]), e["variants"]["count"]) for ot, e in fig.items()}, file=sys.stderr)


if __name__ == "__main__":
    main()
