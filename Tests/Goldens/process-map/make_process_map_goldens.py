#!/usr/bin/env python3
"""Generate the PM4Py reference process maps for Waybill's process map (Sources/Mining/ProcessMap).

For running-example.csv and receipt.csv (Tests/Fixtures), read as make_goldens.py reads them
(pandas.read_csv -> pm4py.format_dataframe), this writes PM4Py's own DFG visualisation as DOT
source, the graph PM4Py's `pm4py.view_dfg` draws, without rendering it (no Graphviz binary needed):

* <log>.frequency.dot: pm4py.visualization.dfg.visualizer, variant FREQUENCY, with the start and
  end activities and the log (so node labels carry each activity's event count, "name (n)");
  edge labels are the directly-follows frequencies, start edges the cases starting with the
  activity, end edges the cases ending with it.

ProcessMapTests reads these files with a small DOT reader and checks that Waybill's map has the
same activities with the same counts, the same edges with the same frequencies, and the same
start and end edges. PM4Py's node ids are Python string hashes (stable only with PYTHONHASHSEED=0, hence the
command below), so the tests go by the labels.

Run from the repository root:  PYTHONHASHSEED=0 python3 Tests/Goldens/process-map/make_process_map_goldens.py
(PM4Py 2.7, pandas; the outputs are committed, the tests never run Python.)
"""
import os

import pandas as pd
import pm4py
from pm4py.visualization.dfg import visualizer as dfg_visualizer

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "Fixtures")
CASE, ACT, TS = "case:concept:name", "concept:name", "time:timestamp"


def main():
    for name in ["running-example.csv", "receipt.csv"]:
        raw = pd.read_csv(os.path.join(FIXTURES, name))
        df = pm4py.format_dataframe(raw, case_id=CASE, activity_key=ACT, timestamp_key=TS)
        dfg, start, end = pm4py.discover_dfg(df, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
        graph = dfg_visualizer.apply(
            dfg, log=df, variant=dfg_visualizer.Variants.FREQUENCY,
            parameters={"start_activities": start, "end_activities": end, "format": "svg"})
        with open(os.path.join(HERE, name + ".frequency.dot"), "w", encoding="utf-8") as f:
            f.write(graph.source)
        print(name, len(dfg), "edges")


if __name__ == "__main__":
    main()
