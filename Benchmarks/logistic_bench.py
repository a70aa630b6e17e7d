#!/usr/bin/env python3
"""Logistic regression: Waybill's Newton/IRLS fit against scikit-learn's newton-cholesky, same rows.

    Benchmarks/logistic_bench.py                      # 1,000,000 rows x 60 features
    Benchmarks/logistic_bench.py --rows 100000        # a quick check
    WAYBILL=.build/release/waybill Benchmarks/logistic_bench.py

Steps: writes a seeded synthetic CSV (label, weight, 54 numeric features with some missing values,
6 categorical ones with 3 to 8 levels; 60 features, 93 design columns) to $BENCH_DIR (default /tmp/waybill-bench-logistic);
builds `waybill` in release mode unless $WAYBILL names a binary; runs the hidden
`waybill bench-logistic --data FILE` (it reads the CSV, then times LogisticRegression.fit: encoding
plus every Newton step); then, in this process, reads the same CSV with pandas, encodes it exactly
as Waybill's LogisticEncoder does (weighted standardisation, mean imputation with `_missing`
indicators, one-hot levels; not timed), and times `LogisticRegression(C=1, solver="newton-cholesky",
tol=TOL).fit(X, y, sample_weight=w)`. Both stop on the largest gradient component of the mean
objective <= TOL (default 1e-8). The table compares the fit times and the coefficients.
Results go to $BENCH_DIR/logistic_results.md.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_data(path, rows, seed):
    rng = np.random.default_rng(seed)
    numeric, categorical = 54, 6
    X = rng.normal(0, 1, (rows, numeric))
    X[:, 10:20] = np.exp(X[:, 10:20])  # skewed
    X[:, 20:25] = rng.poisson(3, (rows, 5))
    beta = rng.normal(0, 0.3, numeric)
    eta = X @ beta * 0.5 - 1.0
    cats = []
    for c in range(categorical):
        levels = np.array([f"L{k}" for k in range(3 + c)])
        idx = rng.integers(0, len(levels), rows)
        eta += rng.normal(0, 0.5, len(levels))[idx]
        cats.append(levels[idx])
    for j in range(0, 6):  # missing values in a few numeric columns
        X[rng.random(rows) < 0.02 * (j + 1), j] = np.nan
    y = (rng.random(rows) < 1 / (1 + np.exp(-eta))).astype(int)
    w = 1.0 / rng.integers(1, 5, rows)
    frame = {"label": y, "weight": w}
    for j in range(numeric):
        frame[f"x{j:02d}"] = X[:, j]
    for c in range(categorical):
        frame[f"cat{c}"] = cats[c]
    pd.DataFrame(frame).to_csv(path, index=False, float_format="%.6g")


def encode(df, w):
    cols, names = [], []
    for name in df.columns:
        if name in ("label", "weight"):
            continue
        x = df[name]
        if pd.api.types.is_numeric_dtype(x):
            x = x.to_numpy(dtype=float)
            present = ~np.isnan(x)
            wp = w[present]
            if np.all(x[present] == x[present][0]):
                mu, sd = x[present][0], 1.0
            else:
                mu = np.sum(wp * x[present]) / np.sum(wp)
                sd = np.sqrt(np.sum(wp * (x[present] - mu) ** 2) / np.sum(wp))
            cols.append(np.where(present, (np.nan_to_num(x, nan=mu) - mu) / sd, 0.0))
            names.append(name)
            if (~present).any():
                cols.append((~present).astype(float))
                names.append(name + "_missing")
        else:
            v = x.fillna("").to_numpy(dtype=str)
            for level in sorted({s for s in v if s != ""}, key=lambda s: s.encode()):
                cols.append((v == level).astype(float))
                names.append(f"{name}={level}")
    return np.asfortranarray(np.column_stack(cols)), names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tol", type=float, default=1e-8)
    ap.add_argument("--C", type=float, default=1.0)
    args = ap.parse_args()
    bench = os.environ.get("BENCH_DIR", "/tmp/waybill-bench-logistic")
    os.makedirs(bench, exist_ok=True)
    data = os.path.join(bench, f"logistic_{args.rows}.csv")
    if not os.path.exists(data):
        t = time.perf_counter()
        make_data(data, args.rows, args.seed)
        print(f"wrote {data} in {time.perf_counter() - t:.1f} s", file=sys.stderr)

    waybill = os.environ.get("WAYBILL")
    if not waybill:
        subprocess.run(["swift", "build", "-c", "release", "--product", "waybill"], cwd=ROOT, check=True)
        waybill = os.path.join(ROOT, ".build", "release", "waybill")
    out = subprocess.run([waybill, "bench-logistic", "--data", data, "--c", str(args.C), "--tolerance",
                          str(args.tol)], check=True, capture_output=True, text=True).stdout
    wb = json.loads(out)

    t = time.perf_counter()
    df = pd.read_csv(data, keep_default_na=False, na_values=[""])
    load_s = time.perf_counter() - t
    y = df["label"].to_numpy()
    w = df["weight"].to_numpy(dtype=float)
    t = time.perf_counter()
    X, names = encode(df, w)
    encode_s = time.perf_counter() - t
    model = LogisticRegression(C=args.C, solver="newton-cholesky", tol=args.tol, max_iter=100)
    t = time.perf_counter()
    model.fit(X, y, sample_weight=w)
    fit_s = time.perf_counter() - t

    wb_coef = np.array([c["value"] for c in wb["coefficients"]] + [wb["intercept"]])
    sk_coef = np.append(model.coef_[0], model.intercept_[0])
    same_names = [c["name"] for c in wb["coefficients"]] == names
    diff = float(np.max(np.abs(wb_coef - sk_coef))) if same_names else float("nan")
    lines = [
        f"Logistic regression, {args.rows:,} rows x {wb['features']} features "
        f"({wb['designColumns']} design columns + intercept), C={args.C}, tol={args.tol}",
        "",
        "| | Waybill (`waybill bench-logistic`) | scikit-learn (`newton-cholesky`) |",
        "| --- | --- | --- |",
        f"| fit, s | **{wb['fitSeconds']:.2f}** (encoding included) | **{fit_s:.2f}** (encoding apart: {encode_s:.2f}) |",
        f"| Newton iterations | {wb['iterations']} | {int(model.n_iter_[0])} |",
        f"| read CSV, s (not timed in fit) | {wb['loadSeconds']:.2f} | {load_s:.2f} (pandas) |",
        "",
        f"Same design column names: {same_names}; max |coefficient difference| = {diff:.2e}; "
        f"Waybill fit / sklearn fit = {wb['fitSeconds'] / fit_s:.2f}",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}; Python "
        f"{platform.python_version()}, scikit-learn {sklearn.__version__}, numpy {np.__version__}; "
        f"load average {os.getloadavg()[0]:.2f} at the end.",
    ]
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(bench, "logistic_results.md"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
