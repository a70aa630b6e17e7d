#!/usr/bin/env python3
"""Golden p-values for Waybill's bottleneck segment search (Tests/MiningTests/BottleneckTests.swift).

Writes mann_whitney.json and benjamini_hochberg.json beside this script:

- one-sided Mann-Whitney U tests, `scipy.stats.mannwhitneyu(x, y, alternative='greater',
  method='asymptotic', use_continuity=True)`: the normal approximation with the tie correction
  and the continuity correction, x = the segment's gaps, y = the rest's;
- Benjamini-Hochberg adjusted p-values, `scipy.stats.false_discovery_control(p, method='bh')`.

The samples are integers (microseconds, like the store's durations), drawn from a seeded NumPy
generator with many ties on purpose (gaps of zero, rounded minutes). Re-run with:

    python3 Tests/Goldens/bottlenecks/make_mw_goldens.py
"""
import json
import os

import numpy as np
import scipy
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))


def mann_whitney_cases():
    rng = np.random.default_rng(20260105)
    cases = []

    def add(name, x, y):
        x = [int(v) for v in x]
        y = [int(v) for v in y]
        res = stats.mannwhitneyu(x, y, alternative="greater", method="asymptotic", use_continuity=True)
        cases.append({"name": name, "x": x, "y": y, "u": float(res.statistic), "p": float(res.pvalue)})

    add("tiny, no ties", [5, 7, 9], [1, 2, 3, 4])
    add("tiny, reversed", [1, 2, 3], [5, 7, 9, 11])
    add("all ties but one", [0, 0, 0, 1], [0, 0, 0, 0, 0])
    add("identical samples", [3, 1, 2, 2], [1, 2, 3, 2])
    for i, (n1, n2, shift) in enumerate([(30, 300, 0.0), (40, 400, 0.3), (50, 2000, 1.0), (200, 200, -0.2),
                                         (31, 969, 2.0), (500, 5000, 0.05), (1000, 3000, 0.0)]):
        # Lognormal waits in microseconds, rounded to whole minutes so that ties are common,
        # with a share of zero gaps.
        x = np.round(rng.lognormal(np.log(35) + shift, 0.6, n1)) * 60_000_000
        y = np.round(rng.lognormal(np.log(35), 0.6, n2)) * 60_000_000
        x[rng.random(n1) < 0.1] = 0
        y[rng.random(n2) < 0.1] = 0
        add(f"lognormal minutes {i}: n1={n1} n2={n2} shift={shift}", x, y)
    # A strong effect: p far below 1e-9 (compared relatively).
    x = np.round(rng.lognormal(np.log(300), 0.5, 300)) * 1_000_000
    y = np.round(rng.lognormal(np.log(35), 0.5, 3000)) * 1_000_000
    add("strong effect", x, y)
    return cases


def bh_cases():
    rng = np.random.default_rng(7)
    cases = []

    def add(name, p):
        p = [float(v) for v in p]
        cases.append({"name": name, "p": p, "adjusted": [float(v) for v in stats.false_discovery_control(p, method="bh")]})

    add("textbook", [0.01, 0.04, 0.03, 0.005, 0.2, 0.9, 0.04])
    add("ties and ones", [0.05, 0.05, 1.0, 1.0, 0.0, 0.025])
    add("single", [0.03])
    add("uniform 200", rng.random(200))
    mixed = np.concatenate([rng.random(300), rng.random(40) * 1e-4, [1e-300, 1e-12]])
    rng.shuffle(mixed)
    add("mixed 342", mixed)
    return cases


def main():
    meta = {"scipy": scipy.__version__, "numpy": np.__version__}
    with open(os.path.join(HERE, "mann_whitney.json"), "w") as f:
        json.dump({"meta": meta, "cases": mann_whitney_cases()}, f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "benjamini_hochberg.json"), "w") as f:
        json.dump({"meta": meta, "cases": bh_cases()}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
