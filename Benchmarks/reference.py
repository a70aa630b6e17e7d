#!/usr/bin/env python3
"""The PM4Py side of the Waybill benchmark (see Benchmarks/README.md).

Times, on the very files that `waybill ingest` reads:

  csv  pandas.read_csv + pm4py.format_dataframe(case:concept:name, concept:name, time:timestamp)
  xes  pm4py.read_xes (uncompressed file, pm4py's default parser on this machine)

Each task runs in its own child process, one after the other, so that each gets its own peak
RSS (resource.getrusage ru_maxrss) and neither is helped or hurt by the other's heap. The timed
region excludes `import pm4py` (reported separately as import_seconds); the peak RSS is that of
the whole child, imports included (reported also as rss_after_import_mb, the baseline).

Usage:
  reference.py --csv log.csv --xes log.xes      # both, JSON on stdout
  reference.py ... --mem-limit-gb 20 --timeout 3600   # per-child caps (defaults shown)
  reference.py --task csv log.csv               # one task in this process (used by the above)

Output: a JSON object {"versions": {...}, "csv": {...}, "xes": {...}}, each task with
seconds, events, cases, bytes, events_per_second, mb_per_second (10^6 bytes/s),
max_rss_mb (MiB), ...; a task that failed has error (and after_seconds) instead.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time


def max_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_task(task: str, path: str) -> dict:
    t0 = time.perf_counter()
    import pandas as pd
    import pm4py
    import_seconds = time.perf_counter() - t0
    rss_after_import = max_rss_mb()
    size = os.path.getsize(path)

    result = {"task": task, "file": path, "bytes": size}
    if task == "csv":
        t0 = time.perf_counter()
        df = pd.read_csv(path)
        t1 = time.perf_counter()
        rows_read = len(df)
        df = pm4py.format_dataframe(
            df,
            case_id="case:concept:name",
            activity_key="concept:name",
            timestamp_key="time:timestamp",
        )
        t2 = time.perf_counter()
        result.update(
            seconds=t2 - t0,
            read_csv_seconds=t1 - t0,
            format_dataframe_seconds=t2 - t1,
            rows_read=rows_read,
        )
    elif task == "xes":
        from pm4py.util import constants

        t0 = time.perf_counter()
        df = pm4py.read_xes(path)
        t2 = time.perf_counter()
        result.update(seconds=t2 - t0, parser=str(constants.DEFAULT_XES_PARSER))
    else:
        raise SystemExit(f"unknown task {task!r}")

    events = len(df)
    cases = int(df["case:concept:name"].nunique()) if "case:concept:name" in df.columns else None
    activities = int(df["concept:name"].nunique()) if "concept:name" in df.columns else None
    secs = result["seconds"]
    result.update(
        events=events,
        cases=cases,
        activities=activities,
        columns=len(df.columns),
        events_per_second=events / secs if secs > 0 else None,
        mb_per_second=size / 1e6 / secs if secs > 0 else None,
        import_seconds=import_seconds,
        rss_after_import_mb=rss_after_import,
        max_rss_mb=max_rss_mb(),
    )
    return result


def versions() -> dict:
    import importlib.metadata as md
    import platform

    out = {"python": platform.python_version()}
    for name in ("pm4py", "pandas", "numpy", "lxml"):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = None
    try:
        # The parser pm4py.read_xes picks by default (a Rust one when r4pm or rustxes is
        # installed, else lxml iterparse, else chunk_regex).
        from pm4py.util import constants
        from pm4py.util.rustxes_utils import get_rustxes_backend_name

        out["xes_parser"] = get_rustxes_backend_name() or str(constants.DEFAULT_XES_PARSER)
    except Exception as error:  # a different pm4py layout: say so rather than fail
        out["xes_parser"] = f"unknown ({type(error).__name__})"
    return out


def run_child(task: str, path: str, mem_limit_gb: float, timeout: float) -> dict:
    env = dict(os.environ)
    # No tqdm progress bar on stderr (it would only add noise and a little time).
    env.setdefault("PM4PY_SHOW_PROGRESS_BAR", "False")

    def limit():
        # A cap on the child's address space, so that a reference that would exhaust the
        # machine fails with MemoryError instead of taking the machine down.
        if mem_limit_gb > 0:
            cap = int(mem_limit_gb * 1024**3)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--task", task, path],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=limit,
            timeout=timeout if timeout > 0 else None,
        )
    except subprocess.TimeoutExpired:
        return {"task": task, "file": path, "error": "stopped by the timeout",
                "after_seconds": time.perf_counter() - started}
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-15:]
        memory = any("MemoryError" in line for line in tail)
        error = f"out of memory (address-space cap {mem_limit_gb:g} GB)" if memory else f"exit {proc.returncode}"
        return {"task": task, "file": path, "error": error,
                "after_seconds": time.perf_counter() - started, "stderr": tail}
    # The last line of stdout is the JSON (pm4py may print a banner before it).
    line = proc.stdout.strip().splitlines()[-1]
    return json.loads(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--csv", help="CSV event log (pandas.read_csv + pm4py.format_dataframe)")
    ap.add_argument("--xes", help="uncompressed XES event log (pm4py.read_xes)")
    ap.add_argument("--mem-limit-gb", type=float, default=20.0,
                    help="address-space cap of each child in GB (0 = none; default 20)")
    ap.add_argument("--timeout", type=float, default=3600.0,
                    help="seconds before a child is stopped (0 = none; default 3600)")
    ap.add_argument("--versions-only", action="store_true", help="print only the versions")
    ap.add_argument("--task", nargs=2, metavar=("TASK", "FILE"), help="run one task in this process")
    args = ap.parse_args()

    if args.task:
        task, path = args.task
        print(json.dumps(run_task(task, path)))
        return

    out = {"versions": versions()}
    if args.versions_only:
        print(json.dumps(out, indent=2))
        return
    if args.csv:
        out["csv"] = run_child("csv", args.csv, args.mem_limit_gb, args.timeout)
    if args.xes:
        out["xes"] = run_child("xes", args.xes, args.mem_limit_gb, args.timeout)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
