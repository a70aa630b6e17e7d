#!/usr/bin/env python3
"""The reference side of Benchmarks/sla_risk.sh: LightGBM and scikit-learn on the CSV matrices that
`waybill features` wrote, with the hyperparameters `waybill bench-sla` used, compared with its JSON.

Usage:
  sla_risk_reference.py --features DIR --waybill-json wb.json [--max-rows N] [--rounds 300]
      [--leaves 31] [--learning-rate 0.05] [--min-data-in-leaf 20] [--lambda-l2 1] [--threads 2]
      [--C 1.0] [--tol 1e-8] [--algorithm both|gbt|logistic]

Reads DIR/feature-schema.json, DIR/features-training.csv (the first --max-rows rows) and
DIR/features-test.csv. Categorical features (level indices, listed in the schema) are passed to
LightGBM as `categorical_feature`; the weight column is the sample weight of both learners.
LightGBM: max_bin 255, no bagging, feature_fraction 1, a fixed number of rounds (no early
stopping); timed: lgb.Dataset construction (binning) plus lgb.train. scikit-learn:
LogisticRegression(solver="newton-cholesky", C, tol) on the design Waybill's LogisticEncoder
builds (weighted standardisation, mean imputation with a `<name>_missing` indicator when a training
value is missing, one 0/1 column per schema level); the encoding is timed apart.
Prints one JSON object on stdout (the figures and the comparisons with Waybill's JSON).
"""
import argparse
import json
import os
import time

import numpy as np
import pandas as pd


def encode(frame, features, w):
    """Waybill's LogisticEncoder, fitted and applied on `frame` (training rows)."""
    cols, names, fitted = [], [], []
    for f in features:
        x = frame[f["name"]].to_numpy(dtype=float)
        if f["kind"] == "categorical":
            for k, level in enumerate(f["levels"]):
                cols.append((x == k).astype(float))
                names.append(f"{f['name']}={level}")
            fitted.append(None)
            continue
        present = ~np.isnan(x)
        wp = w[present]
        if np.all(x[present] == x[present][0]):
            mu, sd = x[present][0], 1.0
        else:
            mu = np.sum(wp * x[present]) / np.sum(wp)
            sd = np.sqrt(np.sum(wp * (x[present] - mu) ** 2) / np.sum(wp))
        missing = bool((~present).any())
        fitted.append((mu, sd, missing))
        cols.append(np.where(present, (np.nan_to_num(x, nan=mu) - mu) / sd, 0.0))
        names.append(f["name"])
        if missing:
            cols.append((~present).astype(float))
            names.append(f["name"] + "_missing")
    return np.asfortranarray(np.column_stack(cols)), names, fitted


def apply(frame, features, fitted):
    """The fitted encoding on other rows (a missing or unseen level is all zeros)."""
    cols = []
    for f, fit in zip(features, fitted):
        x = frame[f["name"]].to_numpy(dtype=float)
        if fit is None:
            for k in range(len(f["levels"])):
                cols.append((x == k).astype(float))
            continue
        mu, sd, missing = fit
        present = ~np.isnan(x)
        cols.append(np.where(present, (np.nan_to_num(x, nan=mu) - mu) / sd, 0.0))
        if missing:
            cols.append((~present).astype(float))
    return np.column_stack(cols)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--features", required=True)
    ap.add_argument("--waybill-json")
    ap.add_argument("--max-rows", type=int)
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--leaves", type=int, default=31)
    ap.add_argument("--learning-rate", type=float, default=0.05)
    ap.add_argument("--min-data-in-leaf", type=int, default=20)
    ap.add_argument("--lambda-l2", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--tol", type=float, default=1e-8)
    ap.add_argument("--algorithm", default="both", choices=["both", "gbt", "logistic"])
    args = ap.parse_args()

    from sklearn.metrics import roc_auc_score

    with open(os.path.join(args.features, "feature-schema.json")) as fh:
        features = json.load(fh)["features"]
    names = [f["name"] for f in features]
    t = time.perf_counter()
    dtypes = {n: float for n in names + ["weight"]}
    dtypes.update(case_id=str, prefix_time=str, label=int)
    train = pd.read_csv(os.path.join(args.features, "features-training.csv"), nrows=args.max_rows, dtype=dtypes,
                        keep_default_na=False, na_values=[""])
    test = pd.read_csv(os.path.join(args.features, "features-test.csv"), dtype=dtypes, keep_default_na=False,
                       na_values=[""])
    out = {"trainingRows": len(train), "testRows": len(test), "features": len(names),
           "categoricalFeatures": sum(f["kind"] == "categorical" for f in features),
           "loadSeconds": time.perf_counter() - t}
    y, w = train["label"].to_numpy(), train["weight"].to_numpy(dtype=float)
    yt, wt = test["label"].to_numpy(), test["weight"].to_numpy(dtype=float)
    wb = None
    if args.waybill_json:
        with open(args.waybill_json) as fh:
            wb = json.load(fh)

    def areas(p):
        return {"testAUCWeighted": float(roc_auc_score(yt, p, sample_weight=wt)),
                "testAUCUnweighted": float(roc_auc_score(yt, p))}

    if args.algorithm in ("both", "gbt"):
        import lightgbm as lgb
        X = train[names].to_numpy(dtype=float)
        Xt = test[names].to_numpy(dtype=float)
        cats = [j for j, f in enumerate(features) if f["kind"] == "categorical"]
        params = dict(objective="binary", num_leaves=args.leaves, learning_rate=args.learning_rate,
                      min_data_in_leaf=args.min_data_in_leaf, lambda_l2=args.lambda_l2, max_bin=255,
                      feature_fraction=1.0, bagging_fraction=1.0, bagging_freq=0, num_threads=args.threads,
                      verbose=-1, seed=42, deterministic=True, force_col_wise=True)
        t0, c0 = time.perf_counter(), time.process_time()
        ds = lgb.Dataset(X, y, weight=w, categorical_feature=cats, params=params, free_raw_data=False)
        booster = lgb.train(params, ds, num_boost_round=args.rounds)
        fit, cpu = time.perf_counter() - t0, time.process_time() - c0
        out["lightgbm"] = dict(version=lgb.__version__, fitSeconds=fit, fitCPUSeconds=cpu, iterations=booster.current_iteration(),
                               **areas(booster.predict(Xt, num_threads=args.threads)))
        if wb and wb.get("trees"):
            out["lightgbm"]["aucDifferenceWeighted"] = wb["trees"]["testAUCWeighted"] - out["lightgbm"]["testAUCWeighted"]
            out["lightgbm"]["aucDifferenceUnweighted"] = (wb["trees"]["testAUCUnweighted"]
                                                          - out["lightgbm"]["testAUCUnweighted"])

    if args.algorithm in ("both", "logistic"):
        import sklearn
        from sklearn.linear_model import LogisticRegression
        t0 = time.perf_counter()
        D, design, fitted = encode(train, features, w)
        encode_s = time.perf_counter() - t0
        model = LogisticRegression(C=args.C, solver="newton-cholesky", tol=args.tol, max_iter=100)
        t0, c0 = time.perf_counter(), time.process_time()
        model.fit(D, y, sample_weight=w)
        fit, cpu = time.perf_counter() - t0, time.process_time() - c0
        p = model.predict_proba(apply(test, features, fitted))[:, 1]
        out["sklearn"] = dict(version=sklearn.__version__, fitSeconds=fit, fitCPUSeconds=cpu, encodeSeconds=encode_s,
                              iterations=int(model.n_iter_[0]), designColumns=len(design), **areas(p))
        if wb and wb.get("logistic"):
            wl = wb["logistic"]
            same = [c["name"] for c in wl["coefficients"]] == design
            out["sklearn"]["sameDesignColumns"] = same
            if same:
                a = np.array([c["value"] for c in wl["coefficients"]] + [wl["intercept"]])
                b = np.append(model.coef_[0], model.intercept_[0])
                out["sklearn"]["maxCoefficientDifference"] = float(np.max(np.abs(a - b)))
                out["sklearn"]["maxCoefficient"] = float(np.max(np.abs(b)))
            out["sklearn"]["aucDifferenceWeighted"] = wl["testAUCWeighted"] - out["sklearn"]["testAUCWeighted"]
    out["loadAverage"] = os.getloadavg()[0]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
