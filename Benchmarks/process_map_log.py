#!/usr/bin/env python3
"""A synthetic event log for the process map benchmark: an order-like process of N activities.

Each case walks a main line of activities, skipping up to two optional steps now and then, with a
rework loop from the middle back to the first quarter (once per case at most), and some steps
repeated (self-loops). Waits range from seconds to days. The result has about 3 to 4 edges per
activity, with back edges and self-loops, which is what makes a process map hard to lay out.

    python3 Benchmarks/process_map_log.py ACTIVITIES CASES SEED OUT.csv

Columns: case:concept:name, concept:name, time:timestamp (UTC, ISO 8601). Deterministic for a seed.
"""
import random
import sys
from datetime import datetime, timedelta, timezone


def main():
    activities, cases, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rng = random.Random(seed)
    names = [f"Step {i:03d} " + ["check", "pack", "ship", "bill", "call"][i % 5] for i in range(activities)]
    start = datetime(2026, 1, 5, tzinfo=timezone.utc)
    with open(out, "w", encoding="utf-8") as f:
        f.write("case:concept:name,concept:name,time:timestamp\n")
        for c in range(cases):
            t = start + timedelta(seconds=rng.randrange(30 * 86400))
            i, reworked = 0, False
            while i < activities:
                f.write(f"c{c},{names[i]},{t.strftime('%Y-%m-%dT%H:%M:%SZ')}\n")
                t += timedelta(seconds=rng.choice([5, 90, 4000, 100000, 400000]))
                if i % 7 == 3 and rng.random() < 0.25:
                    f.write(f"c{c},{names[i]},{t.strftime('%Y-%m-%dT%H:%M:%SZ')}\n")
                    t += timedelta(seconds=60)
                if i == activities // 2 and not reworked and rng.random() < 0.33:
                    reworked = True
                    i = activities // 4
                    continue
                i += 1 + (rng.randrange(3) if rng.random() < 0.33 else 0)


if __name__ == "__main__":
    main()
