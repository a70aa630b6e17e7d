#!/usr/bin/env python3
"""Generate the PM4Py goldens for Waybill's PNML reader and token-based replay (Sources/Conformance).

What it does
------------
For each shared flat log (Tests/Fixtures: running-example.csv, receipt.csv,
roadtraffic100traces.csv, interval_event_log.csv), read as Tests/Goldens/mining does
(pandas.read_csv -> pm4py.format_dataframe), and for each model below:

1. discovers the model with PM4Py and writes it with pm4py.write_pnml as
   <log>.<model>.pnml (the net is renamed "<log>.<model>" and the random localNodeID of its
   invisible transitions replaced by a UUID derived from the transition id, so that the files
   do not change on every run; nothing else is touched);
2. reads that file back with pm4py.read_pnml (Waybill replays the file, so PM4Py does too);
3. replays the log on it with pm4py.fitness_token_based_replay (log_fitness,
   average_trace_fitness, percentage_of_fitting_traces) and
   pm4py.conformance_diagnostics_token_based_replay (per case: is_fit, trace_fitness,
   missing, remaining, consumed, produced), and writes <log>.<model>.json.

The JSON also describes the net as PM4Py reads it ("net": sorted place names, [name, label]
transitions (label null when silent), [source, target, weight] arcs, [place, tokens] initial and
final markings), for the PNML reader's tests.

Models:
* "im"        pm4py.discover_petri_net_inductive(df) (noise threshold 0): the net of the whole log
              (token-based replay still finds a few deviations on receipt.csv).
* "im-top2"   the inductive miner's net of the sublog of the two most frequent variants
              (pm4py.filter_variants_top_k(df, 2)), replayed on the whole log: a model that does
              not fit, with missing and remaining tokens and activities it does not know.
* "heuristics" pm4py.discover_petri_net_heuristics(df) (default thresholds); PM4Py's heuristics
              net is not the same on every run, so a rerun may change these files.
* "alpha"     pm4py.discover_petri_net_alpha(df): no silent transitions at all.

PM4Py's replay depends on iteration orders of Python sets of objects hashed by id (the shortest
paths through silent transitions when several have equal length, and the enabled transition
among several with the same label). So each net is read twice, into two different sets of
objects, and replayed on both; "stable_per_case" in the JSON says whether both runs gave the
same per-case counts, "stable_log_fitness" whether they gave the same log fitness.

It also checks the PNML files Waybill writes (Tests/Goldens/conformance/waybill-written/*.pnml,
made by PNMLTests with WAYBILL_UPDATE_GOLDENS=1): each is read with pm4py.read_pnml and compared
with PM4Py's reading of the file it was made from (places, transitions with labels and
silence, arcs with weights, initial and final markings). The results are in
waybill-written/pm4py-read-check.json.

Per-case JSON: "cases" maps case id to [is_fit, trace_fitness, missing, remaining, consumed,
produced]. Keys sorted; floats as Python writes them (repr, round-trip exact).

How to run
----------
From the repository root:

    python3 Tests/Goldens/conformance/make_replay_goldens.py
    WAYBILL_UPDATE_GOLDENS=1 swift test --filter PNMLTests     # writes waybill-written/*.pnml
    python3 Tests/Goldens/conformance/make_replay_goldens.py --check-waybill-written

(the last step only reads the Waybill-written files and writes pm4py-read-check.json; a full run
would rediscover the heuristics nets, which PM4Py does not make the same on every run). The PNML
files are pretty-printed with lxml as pm4py.write_pnml does, with the random ids replaced: the
localNodeID of invisible transitions by a UUID derived from the transition id, arc ids (memory
addresses) by arc1, arc2, ...

Generated with the versions recorded under "_generator" (pm4py 2.7.23.11 at the time of writing).
"""

import os

os.environ.setdefault("TQDM_DISABLE", "1")

import glob
import json
import platform
import re
import sys
import uuid
import warnings

import pandas as pd

warnings.filterwarnings("ignore")
import pm4py  # noqa: E402
from lxml import etree  # noqa: E402
from pm4py.objects.petri_net.exporter.variants import pnml as pnml_exporter  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")

CASE = "case:concept:name"
ACT = "concept:name"
TS = "time:timestamp"

LOGS = ["running-example.csv", "receipt.csv", "roadtraffic100traces.csv", "interval_event_log.csv"]


def load(name):
    raw = pd.read_csv(os.path.join(FIXTURES, name))
    return pm4py.format_dataframe(raw, case_id=CASE, activity_key=ACT, timestamp_key=TS)


def discover(df, model):
    if model == "im":
        return pm4py.discover_petri_net_inductive(df, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    if model == "im-top2":
        top = pm4py.filter_variants_top_k(df, 2, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
        return pm4py.discover_petri_net_inductive(top, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    if model == "heuristics":
        return pm4py.discover_petri_net_heuristics(df, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    if model == "alpha":
        return pm4py.discover_petri_net_alpha(df, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    raise ValueError(model)


def write_pnml(net, im, fm, path, name):
    net.name = name
    tree = pnml_exporter.export_petri_tree(net, im, fm)
    text = etree.tostring(tree, pretty_print=True, xml_declaration=True, encoding="UTF-8").decode("utf-8")
    # Deterministic ids where PM4Py writes random ones (uuid4) or memory addresses (arcs).
    text = re.sub(
        r'(<transition id="([^"]*)">.*?localNodeID=")[0-9a-f-]{36}"',
        lambda m: m.group(1) + str(uuid.uuid5(uuid.NAMESPACE_URL, name + "/" + m.group(2))) + '"',
        text,
        flags=re.S,
    )
    counter = iter(range(1, 1 << 30))
    text = re.sub(r'<arc id="\d+"', lambda m: f'<arc id="arc{next(counter)}"', text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def replay(df, path):
    net, im, fm = pm4py.read_pnml(path)
    fitness = pm4py.fitness_token_based_replay(df, net, im, fm, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    diagnostics = pm4py.conformance_diagnostics_token_based_replay(
        df, net, im, fm, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    # The replay's traces are df.groupby(case) in key order (pandas_utils.get_traces).
    case_ids = [str(c) for c in df.groupby(CASE)[ACT].agg(list).to_dict().keys()]
    assert len(case_ids) == len(diagnostics)
    cases = {
        c: [bool(d["trace_is_fit"]), float(d["trace_fitness"]), int(d["missing_tokens"]),
            int(d["remaining_tokens"]), int(d["consumed_tokens"]), int(d["produced_tokens"])]
        for c, d in zip(case_ids, diagnostics)
    }
    return fitness, cases


def describe(net, im, fm):
    """A PM4Py net as plain data, for comparing two readings."""
    return {
        "places": sorted(p.name for p in net.places),
        "transitions": sorted((t.name, t.label) for t in net.transitions),
        "arcs": sorted((a.source.name, a.target.name, a.weight) for a in net.arcs),
        "initial": sorted((p.name, n) for p, n in im.items()),
        "final": sorted((p.name, n) for p, n in fm.items()),
    }


def main():
    generator = {"pm4py": pm4py.__version__, "pandas": pd.__version__, "python": platform.python_version()}
    if "--check-waybill-written" not in sys.argv:
        make_goldens(generator)
    check_waybill_written(generator)


def make_goldens(generator):
    for log in LOGS:
        df = load(log)
        for model in ["im", "im-top2", "heuristics", "alpha"]:
            stem = f"{log}.{model}"
            path = os.path.join(HERE, stem + ".pnml")
            net, im, fm = discover(df, model)
            write_pnml(net, im, fm, path, stem)
            fitness, cases = replay(df, path)
            fitness2, cases2 = replay(df, path)
            net2, im2, fm2 = pm4py.read_pnml(path)
            out = {
                "_generator": generator,
                "log": log,
                "model": model,
                "log_fitness": float(fitness["log_fitness"]),
                "average_trace_fitness": float(fitness["average_trace_fitness"]),
                "percentage_of_fitting_traces": float(fitness["percentage_of_fitting_traces"]),
                "stable_log_fitness": fitness == fitness2,
                "stable_per_case": cases == cases2,
                "silent_transitions": sum(1 for t in net2.transitions if t.label is None),
                "net": describe(net2, im2, fm2),
                "cases": cases,
            }
            with open(os.path.join(HERE, stem + ".json"), "w", encoding="utf-8") as f:
                json.dump(out, f, sort_keys=True, indent=1, ensure_ascii=False)
                f.write("\n")
            print(f"{stem}: log fitness {out['log_fitness']:.6f}, {len(cases)} cases, "
                  f"stable {out['stable_log_fitness']}/{out['stable_per_case']}", file=sys.stderr)


def check_waybill_written(generator):
    checks = {}
    for written in sorted(glob.glob(os.path.join(HERE, "waybill-written", "*.pnml"))):
        name = os.path.basename(written)
        original = os.path.join(HERE, name)
        if not os.path.exists(original):
            continue
        a = describe(*pm4py.read_pnml(original))
        b = describe(*pm4py.read_pnml(written))
        checks[name] = {"identical": a == b, "places": len(b["places"]), "transitions": len(b["transitions"]),
                        "arcs": len(b["arcs"])}
    if checks:
        with open(os.path.join(HERE, "waybill-written", "pm4py-read-check.json"), "w", encoding="utf-8") as f:
            json.dump({"_generator": generator, "files": checks}, f, sort_keys=True, indent=1)
            f.write("\n")
        print(f"Waybill-written PNML read by PM4Py: {sum(c['identical'] for c in checks.values())} of "
              f"{len(checks)} identical", file=sys.stderr)


if __name__ == "__main__":
    main()
