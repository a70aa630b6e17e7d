#!/usr/bin/env python3
"""Goldens for Waybill's gradient-boosted trees: a seeded synthetic data set and LightGBM's scores.

Writes, next to this script:
  gbt_data.csv.gz   20,000 rows: split (train/test), y (binary), y3 (3 classes), x0..x9 (numeric,
                    with NaNs), c0 (6 levels), c1 (40 levels, some rare) as level indices; empty = NaN.
  lightgbm.json     LightGBM's hyperparameters, version, test ROC-AUC (binary) and test
                    multi_logloss (3 classes), trained on exactly the values in the CSV.

The Swift test (Tests/LearningTests/GradientBoostingGoldenTests.swift) trains Waybill's learner with
the same hyperparameters on the same CSV and checks its test AUC is within 0.005 of LightGBM's.

    python3 Tests/Goldens/gbt/make_gbt_goldens.py
"""
import gzip
import io
import json
import os

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import log_loss, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261126
ROWS = 20_000
TRAIN = 15_000

PARAMS = dict(
    num_leaves=31, learning_rate=0.1, min_data_in_leaf=20, lambda_l2=1.0, max_bin=255,
    min_sum_hessian_in_leaf=1e-3, min_gain_to_split=0.0, max_depth=-1, feature_fraction=1.0,
    bagging_fraction=1.0, bagging_freq=0, cat_smooth=10.0, cat_l2=10.0, max_cat_threshold=32,
    min_data_per_group=100, max_cat_to_onehot=4, deterministic=True, num_threads=2, seed=0,
    force_col_wise=True, verbose=-1,
)
ROUNDS = 100


def make_data(rng):
    n = ROWS
    x = np.empty((n, 10))
    x[:, 0] = rng.exponential(24.0, n)                  # hours since creation (skewed)
    x[:, 1] = rng.normal(0.0, 1.0, n)
    x[:, 2] = rng.uniform(0.0, 10.0, n)
    x[:, 3] = rng.poisson(3.0, n).astype(float)         # items (few distinct values)
    x[:, 4] = rng.lognormal(3.0, 1.0, n)                # order value
    x[:, 5] = rng.normal(5.0, 2.0, n)
    x[:, 6] = rng.integers(0, 7, n).astype(float)       # weekday
    x[:, 7] = rng.beta(2.0, 5.0, n)
    x[:, 8] = rng.normal(0.0, 3.0, n)                   # pure noise
    x[:, 9] = rng.uniform(-1.0, 1.0, n)                 # pure noise
    c0 = rng.choice(6, n, p=[0.35, 0.25, 0.15, 0.12, 0.08, 0.05])
    p1 = np.array([1.0 / (k + 1) ** 1.1 for k in range(40)])
    c1 = rng.choice(40, n, p=p1 / p1.sum())
    carrier_effect = np.array([0.0, 0.6, -0.4, 1.0, -0.8, 0.3])
    region_effect = rng.normal(0.0, 0.7, 40)
    # Missingness: x1 missing at random; a missing x5 means a late scan (raises the risk).
    miss1 = rng.random(n) < 0.10
    miss5 = rng.random(n) < 0.08
    miss4 = rng.random(n) < 0.05
    z = (-1.2 + 0.035 * np.minimum(x[:, 0], 60) + 0.5 * x[:, 1] * (x[:, 2] > 5) + 0.25 * (x[:, 3] - 3)
         + 0.3 * np.log(x[:, 4]) - 0.9 + 0.15 * (x[:, 5] - 5) ** 2 / 4 - 0.4 * (x[:, 6] >= 5)
         + 1.5 * (x[:, 7] - 0.28) + carrier_effect[c0] + region_effect[c1] + 1.2 * miss5
         - 0.5 * (x[:, 2] < 2) * (c0 == 1))
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    s = np.stack([np.zeros(n), 0.8 * x[:, 1] + carrier_effect[c0] + 0.02 * x[:, 0],
                  0.3 * x[:, 2] - 1.5 + region_effect[c1] + 0.8 * miss5], axis=1)
    pr = np.exp(s - s.max(axis=1, keepdims=True))
    pr /= pr.sum(axis=1, keepdims=True)
    y3 = (rng.random(n)[:, None] > np.cumsum(pr, axis=1)).sum(axis=1)
    x[miss1, 1] = np.nan
    x[miss5, 5] = np.nan
    x[miss4, 4] = np.nan
    c0 = c0.astype(float)
    c1 = c1.astype(float)
    c0[rng.random(n) < 0.03] = np.nan
    return x, c0, c1, y, y3


def main():
    rng = np.random.default_rng(SEED)
    x, c0, c1, y, y3 = make_data(rng)
    df = pd.DataFrame({"split": np.where(np.arange(ROWS) < TRAIN, "train", "test"), "y": y, "y3": y3})
    for j in range(10):
        df[f"x{j}"] = x[:, j]
    df["c0"] = pd.array(c0, dtype="Float64").astype("Int64")
    df["c1"] = pd.array(c1, dtype="Float64").astype("Int64")
    text = df.to_csv(index=False, float_format="%.6g", lineterminator="\n")
    path = os.path.join(HERE, "gbt_data.csv.gz")
    with open(path, "wb") as raw:
        # mtime=0: the same data gives the same bytes.
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            gz.write(text.encode())

    # Train on exactly what the CSV holds (the rounded values).
    back = pd.read_csv(io.StringIO(text))
    features = [f"x{j}" for j in range(10)] + ["c0", "c1"]
    X = back[features].astype(float)
    train = back["split"] == "train"
    test = ~train
    out = {"lightgbm_version": lgb.__version__, "params": PARAMS, "rounds": ROUNDS, "rows": ROWS,
           "train_rows": int(train.sum()), "features": features, "categorical": ["c0", "c1"]}

    ds = lgb.Dataset(X[train], back["y"][train], categorical_feature=["c0", "c1"], free_raw_data=False)
    model = lgb.train(dict(PARAMS, objective="binary"), ds, num_boost_round=ROUNDS)
    p = model.predict(X[test])
    out["binary_test_auc"] = round(float(roc_auc_score(back["y"][test], p)), 6)
    out["binary_test_logloss"] = round(float(log_loss(back["y"][test], p)), 6)
    out["binary_base_rate"] = round(float(back["y"][train].mean()), 6)
    out["binary_first_split_feature"] = features[model.dump_model()["tree_info"][0]["tree_structure"]["split_feature"]]

    ds3 = lgb.Dataset(X[train], back["y3"][train], categorical_feature=["c0", "c1"], free_raw_data=False)
    model3 = lgb.train(dict(PARAMS, objective="multiclass", num_class=3), ds3, num_boost_round=ROUNDS)
    p3 = model3.predict(X[test])
    out["multiclass_test_logloss"] = round(float(log_loss(back["y3"][test], p3, labels=[0, 1, 2])), 6)
    out["multiclass_test_accuracy"] = round(float((p3.argmax(axis=1) == back["y3"][test]).mean()), 6)

    with open(os.path.join(HERE, "lightgbm.json"), "w") as f:
        json.dump(out, f, indent=2, sort_keys=True)
        f.write("\n")
    print(json.dumps({k: v for k, v in out.items() if k != "params"}, indent=1))


if __name__ == "__main__":
    main()
