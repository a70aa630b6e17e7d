#!/usr/bin/env python3
"""Check that PM4Py reads the PNML that `waybill discover` writes, and replay the logs on it.

What it does
------------
For each log of make_im_goldens.py (the four shared ones and the simulated orders) and noise threshold 0 and 0.2:

1. `waybill ingest Tests/Fixtures/<log>` into a fresh workspace and
   `waybill discover --noise t --out DIR --json` (the binary: $WAYBILL, default .build/debug/waybill);
2. `pm4py.read_pnml(DIR/model.pnml)` and compares the number of places, transitions, silent
   transitions and arcs with what waybill reported, and the initial and final markings
   (one token on "source", one on "sink");
3. replays the log (read as make_im_goldens.py reads it) on Waybill's net with
   pm4py.fitness_token_based_replay and sets the log fitness beside PM4Py's own net's (from
   <log>.json): the requirement is Waybill's >= PM4Py's.

Writes Tests/Goldens/inductive/pnml-check.json (not read by the tests: the record of this check)
and exits 1 if a check fails.

How to run
----------
From the repository root, after `swift build --product waybill`:

    python3 Tests/Goldens/inductive/check_pnml_with_pm4py.py
"""

import os

os.environ.setdefault("TQDM_DISABLE", "1")

import json
import subprocess
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")

import pm4py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_im_goldens import HERE, LOGS, ROOT, load, path  # noqa: E402

WAYBILL = os.environ.get("WAYBILL", os.path.join(ROOT, ".build", "debug", "waybill"))


def run(*args):
    return subprocess.run([WAYBILL, *args], check=True, capture_output=True, text=True).stdout


def main():
    results = {"pm4py": pm4py.__version__, "logs": {}}
    ok = True
    for name in LOGS:
        golden = json.load(open(os.path.join(HERE, name + ".json")))
        df = load(name)
        with tempfile.TemporaryDirectory() as tmp:
            ws = os.path.join(tmp, "ws")
            run("ingest", path(name), "--workspace", ws, "--json")
            entry = {}
            for noise in ("0", "0.2"):
                out = os.path.join(tmp, "out-" + noise)
                summary = json.loads(run("discover", "--workspace", ws, "--noise", noise, "--out", out, "--json"))
                net, im, fm = pm4py.read_pnml(os.path.join(out, "model.pnml"))
                read = {
                    "places": len(net.places),
                    "transitions": len(net.transitions),
                    "silent_transitions": sum(1 for t in net.transitions if t.label is None),
                    "arcs": len(net.arcs),
                }
                written = {k: summary[k] for k in ("places", "transitions", "arcs")}
                written["silent_transitions"] = summary["silentTransitions"]
                markings_ok = ({p.name: c for p, c in im.items()} == {"source": 1}
                               and {p.name: c for p, c in fm.items()} == {"sink": 1})
                fit = pm4py.fitness_token_based_replay(df.copy(), net, im, fm)["log_fitness"]
                pm4py_fit = golden[noise]["fitness"]["log_fitness"]
                check = {
                    "read_by_pm4py": read,
                    "written_by_waybill": written,
                    "sizes_equal": read == written,
                    "markings_ok": markings_ok,
                    "same_tree_as_pm4py": summary["tree"] == golden[noise]["tree"],
                    "waybill_net_log_fitness": fit,
                    "pm4py_net_log_fitness": pm4py_fit,
                    "fitness_at_least_pm4py": fit >= pm4py_fit - 1e-12,
                }
                ok &= check["sizes_equal"] and markings_ok and check["fitness_at_least_pm4py"]
                entry[noise] = check
                print(name, noise, json.dumps(check), file=sys.stderr)
            results["logs"][name] = entry
    results["all_checks_passed"] = bool(ok)
    record = os.path.join(HERE, "pnml-check.json")
    with open(record, "w", encoding="utf-8") as f:
        json.dump(results, f, sort_keys=True, indent=2, ensure_ascii=False)
        f.write("\n")
    print("wrote", os.path.relpath(record, ROOT), "- all checks passed" if ok else "- FAILED", file=sys.stderr)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
