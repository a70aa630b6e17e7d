#!/usr/bin/env python3
"""Boosted trees: Waybill vs LightGBM on the same rows, same hyperparameters, same threads.

    Benchmarks/gbt_bench.py                       # 1,000,000 train rows x 60 features, 200 rounds
    Benchmarks/gbt_bench.py --rows 100000         # a quick check
    WAYBILL=.build/release/waybill Benchmarks/gbt_bench.py --reuse

Writes a seeded synthetic data set (numeric features with NaNs, categorical features) once into
--dir (train_x.f64 / test_x.f64 column-major float64, train_y.u8 / test_y.u8, meta.json), then
times in one run, one after the other:
  - LightGBM: lgb.Dataset construction (binning) + lgb.train, then predict on the test rows;
  - Waybill: `waybill bench-gbt --data DIR` (GradientBoostedTrees.train, binning included, then
    rawScores on the test rows), which prints its own timings as JSON.
Both get num_leaves, learning_rate 0.1, min_data_in_leaf 20, lambda_l2 1, max_bin 255 and the
same thread count; the timed regions exclude reading the files. Prints a Markdown table and
writes it to DIR/results.md.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def make_data(rows, test_rows, n_features, seed):
    rng = np.random.default_rng(seed)
    n = rows + test_rows
    n_cat = 5
    n_num = n_features - n_cat
    X = np.empty((n, n_features))
    kinds = ["normal", "exp", "uniform", "poisson", "lognormal"]
    for j in range(n_num):
        kind = kinds[j % len(kinds)]
        if kind == "normal":
            X[:, j] = rng.normal(0, 1, n)
        elif kind == "exp":
            X[:, j] = rng.exponential(2.0, n)
        elif kind == "uniform":
            X[:, j] = rng.uniform(-3, 3, n)
        elif kind == "poisson":
            X[:, j] = rng.poisson(4, n)
        else:
            X[:, j] = rng.lognormal(1, 1, n)
    levels = [8, 20, 50, 5, 120]
    for c in range(n_cat):
        p = 1.0 / np.arange(1, levels[c] + 1) ** 1.2
        X[:, n_num + c] = rng.choice(levels[c], n, p=p / p.sum())
    weights = rng.normal(0, 0.5, n_num) * (rng.random(n_num) < 0.4)
    z = (X[:, :n_num] - X[:, :n_num].mean(axis=0)) / X[:, :n_num].std(axis=0) @ weights
    z += 0.8 * np.sin(X[:, 0] * 2) + 0.6 * (X[:, 1] > 2) * X[:, 2] / 3 + 0.5 * np.log1p(X[:, 4]) * (X[:, 3] > 4)
    for c in range(n_cat):
        effect = rng.normal(0, 0.6, levels[c])
        z += effect[X[:, n_num + c].astype(int)]
    miss = rng.random((n, 6)) < np.array([0.05, 0.1, 0.2, 0.02, 0.08, 0.15])
    z += 0.7 * miss[:, 2] - 0.4 * miss[:, 5]
    y = (rng.random(n) < 1 / (1 + np.exp(-(z - np.median(z))))).astype(np.uint8)
    for k, j in enumerate([0, 5, 10, 15, 20, 25]):
        X[miss[:, k], j] = np.nan
    features = [{"name": f"x{j}", "kind": "numeric", "levels": [], "description": ""} for j in range(n_num)]
    features += [{"name": f"c{c}", "kind": "categorical", "levels": [f"L{k}" for k in range(levels[c])],
                  "description": ""} for c in range(n_cat)]
    return X[:rows], y[:rows], X[rows:], y[rows:], features, list(range(n_num, n_features))


def write(directory, Xtr, ytr, Xte, yte, features):
    os.makedirs(directory, exist_ok=True)
    np.asfortranarray(Xtr).T.astype("<f8").tofile(os.path.join(directory, "train_x.f64"))
    np.asfortranarray(Xte).T.astype("<f8").tofile(os.path.join(directory, "test_x.f64"))
    ytr.tofile(os.path.join(directory, "train_y.u8"))
    yte.tofile(os.path.join(directory, "test_y.u8"))
    with open(os.path.join(directory, "meta.json"), "w") as f:
        json.dump({"train_rows": len(ytr), "test_rows": len(yte), "features": features}, f)


def read(directory):
    with open(os.path.join(directory, "meta.json")) as f:
        meta = json.load(f)
    m = len(meta["features"])
    Xtr = np.fromfile(os.path.join(directory, "train_x.f64"), "<f8").reshape(m, meta["train_rows"]).T
    Xte = np.fromfile(os.path.join(directory, "test_x.f64"), "<f8").reshape(m, meta["test_rows"]).T
    ytr = np.fromfile(os.path.join(directory, "train_y.u8"), np.uint8)
    yte = np.fromfile(os.path.join(directory, "test_y.u8"), np.uint8)
    cats = [j for j, f in enumerate(meta["features"]) if f["kind"] == "categorical"]
    return Xtr, ytr, Xte, yte, cats


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--test-rows", type=int, default=200_000)
    ap.add_argument("--features", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--leaves", type=int, default=31)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--dir", default=os.environ.get("BENCH_DIR", "/tmp/waybill-gbt-bench"))
    ap.add_argument("--reuse", action="store_true", help="reuse the data set already in --dir")
    ap.add_argument("--skip-lightgbm", action="store_true")
    args = ap.parse_args()

    waybill = os.environ.get("WAYBILL")
    if not waybill:
        subprocess.run(["swift", "build", "-c", "release", "--product", "waybill"], cwd=REPO, check=True)
        waybill = os.path.join(REPO, ".build", "release", "waybill")

    if not (args.reuse and os.path.exists(os.path.join(args.dir, "meta.json"))):
        t = time.perf_counter()
        Xtr, ytr, Xte, yte, features, _ = make_data(args.rows, args.test_rows, args.features, args.seed)
        write(args.dir, Xtr, ytr, Xte, yte, features)
        print(f"data set written to {args.dir} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    Xtr, ytr, Xte, yte, cats = read(args.dir)

    from sklearn.metrics import roc_auc_score
    rows = []
    if not args.skip_lightgbm:
        import lightgbm as lgb
        params = dict(objective="binary", num_leaves=args.leaves, learning_rate=0.1, min_data_in_leaf=20,
                      lambda_l2=1.0, max_bin=255, num_threads=args.threads, deterministic=True, seed=0,
                      verbose=-1)
        t0 = time.perf_counter()
        ds = lgb.Dataset(Xtr, ytr, categorical_feature=cats, params=params)
        booster = lgb.train(params, ds, num_boost_round=args.rounds)
        t1 = time.perf_counter()
        p = booster.predict(Xte, num_threads=args.threads)
        t2 = time.perf_counter()
        rows.append(("LightGBM " + lgb.__version__, t1 - t0, t2 - t1, roc_auc_score(yte, p)))

    out = subprocess.run([waybill, "bench-gbt", "--data", args.dir, "--rounds", str(args.rounds),
                          "--leaves", str(args.leaves), "--threads", str(args.threads)],
                         check=True, capture_output=True, text=True)
    w = json.loads(out.stdout)
    rows.append(("Waybill", w["trainSeconds"], w["predictSeconds"], w["testAUC"]))

    lines = [f"Boosted trees, {len(ytr):,} train rows x {Xtr.shape[1]} features ({len(cats)} categorical), "
             f"{len(yte):,} test rows, {args.rounds} rounds, {args.leaves} leaves, {args.threads} threads",
             "", "| Learner | Train wall time (s) | Predict test (s) | Test ROC-AUC |", "| --- | --- | --- | --- |"]
    for name, tt, tp, auc in rows:
        lines.append(f"| {name} | {tt:.2f} | {tp:.2f} | {auc:.5f} |")
    if len(rows) == 2:
        lines += ["", f"Waybill / LightGBM wall time: {rows[1][1] / rows[0][1]:.2f}; "
                  f"AUC difference (Waybill - LightGBM): {rows[1][3] - rows[0][3]:+.5f}"]
    load = os.getloadavg()
    lines += ["", f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
              f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} at the end; Python {platform.python_version()}"]
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(args.dir, "results.md"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
