#!/usr/bin/env python3
"""Goldens for the Learning module's logistic regression, calibration and metrics.

Run from the repository root:  python3 Tests/Goldens/learning/make_learning_goldens.py
Seeded NumPy; writes (next to this script):

  logistic_problem.csv   the raw training rows: label, weight, then the features (numeric cells may
                         be empty = missing; categorical cells are level names, empty = missing)
  logistic.json          the encoder's parameters and scikit-learn's coefficients for C = 1.0 and 0.1
  metrics_scores.csv     scores (with ties, exact 0 and 1), labels, weights, segment keys
  metrics.json           sklearn's ROC-AUC, average precision, Brier, log loss, and a NumPy reference
                         for precision/recall at top k % and lift by decile, overall and by segment
  calibration.json       Platt scaling (sklearn's _sigmoid_calibration and the exact optimum of the
                         same objective), isotonic regression (IsotonicRegression(out_of_bounds='clip')),
                         reliability tables (calibration_curve, 'uniform' and 'quantile')

The design matrix is built here exactly as Learning's LogisticEncoder builds it, so that the
coefficients are compared apples to apples (the Swift test feeds logistic_problem.csv through the
encoder, then fits):
  * a numeric feature: weighted mean mu and weighted population standard deviation sd (ddof 0,
    weights = the sample weights) over the rows where it is present; when every present value is
    the same (a constant column), mu = that value and sd = 1 (a weighted mean of equal values can
    miss them by an ulp, and its sd would be 1e-15 instead of 0).
    The column is (x - mu) / sd, and 0 (the mean) where x is missing. When any training value is
    missing, an extra column "<name>_missing" follows: 1.0 where missing, else 0.0 (not scaled).
  * a categorical feature: levels sorted (byte order) as the CSV loader sorts them; one 0/1 column
    per level named "<name>=<level>" (no level dropped); a missing or unseen level is all zeros.
  * columns in feature order; the intercept is fitted separately (not penalised), as sklearn does.
"""
import csv
import json
import math
import os

import numpy as np
import scipy
import sklearn
from scipy.optimize import minimize
from sklearn.calibration import _sigmoid_calibration, calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261126)


def fmt(v):
    return repr(float(v))


# ---------------------------------------------------------------------------------------------
# Logistic regression
# ---------------------------------------------------------------------------------------------

def logistic_problem(n=5000):
    hours = rng.normal(24.0, 10.0, n)
    items = rng.poisson(3.0, n).astype(float)
    distance = rng.lognormal(4.0, 0.8, n)
    distance[rng.random(n) < 0.03] = np.nan
    weight_kg = rng.gamma(2.0, 1.5, n)
    weight_kg[rng.random(n) < 0.02] = np.nan
    constant = np.full(n, 7.0)  # a constant column: sd = 0 -> 1
    carriers = np.array(["DHL", "UPS", "GLS", "Hermes"])
    carrier = carriers[rng.choice(4, n, p=[0.4, 0.3, 0.2, 0.1])]
    channels = np.array(["web", "app", "store"])
    channel = channels[rng.choice(3, n, p=[0.5, 0.35, 0.15])].astype(object)
    channel[rng.random(n) < 0.01] = ""  # missing
    eff = {"DHL": 0.0, "UPS": 0.4, "GLS": -0.3, "Hermes": 0.8}
    ceff = {"web": 0.0, "app": -0.2, "store": 0.5, "": 0.0}
    d = np.where(np.isnan(distance), 60.0, distance)
    eta = (-1.2 - 0.08 * (hours - 24) + 0.15 * items + 0.004 * d
           + np.array([eff[c] for c in carrier]) + np.array([ceff[c] for c in channel]))
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    case_size = rng.integers(1, 6, n)
    w = 1.0 / case_size
    numeric = {"hours_to_promise": hours, "items": items, "distance_km": distance,
               "weight_kg": weight_kg, "constant": constant}
    categorical = {"carrier": carrier, "channel": channel}
    order = ["hours_to_promise", "carrier", "items", "distance_km", "channel", "weight_kg", "constant"]
    return order, numeric, categorical, y, w


def encode(order, numeric, categorical, w):
    cols, names, encoder = [], [], []
    for name in order:
        if name in numeric:
            x = numeric[name]
            present = ~np.isnan(x)
            wp = w[present]
            if np.all(x[present] == x[present][0]):
                mu, sd = float(x[present][0]), 1.0
            else:
                mu = np.sum(wp * x[present]) / np.sum(wp)
                sd = math.sqrt(np.sum(wp * (x[present] - mu) ** 2) / np.sum(wp))
            z = np.where(present, (np.where(present, x, mu) - mu) / sd, 0.0)
            cols.append(z)
            names.append(name)
            has_missing = bool((~present).any())
            if has_missing:
                cols.append((~present).astype(float))
                names.append(name + "_missing")
            encoder.append({"name": name, "kind": "numeric", "mean": mu, "scale": sd,
                            "missingIndicator": has_missing})
        else:
            v = categorical[name]
            levels = sorted({s for s in v if s != ""}, key=lambda s: s.encode())
            for level in levels:
                cols.append((v == level).astype(float))
                names.append(f"{name}={level}")
            encoder.append({"name": name, "kind": "categorical", "levels": levels})
    return np.column_stack(cols), names, encoder


def write_logistic():
    order, numeric, categorical, y, w = logistic_problem()
    n = len(y)
    with open(os.path.join(HERE, "logistic_problem.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["label", "weight"] + order)
        for i in range(n):
            row = [str(int(y[i])), fmt(w[i])]
            for name in order:
                if name in numeric:
                    x = numeric[name][i]
                    row.append("" if np.isnan(x) else fmt(x))
                else:
                    row.append(categorical[name][i])
            out.writerow(row)
    X, names, encoder = encode(order, numeric, categorical, w)
    fits = []
    for C in (1.0, 0.1):
        m = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000)
        m.fit(X, y, sample_weight=w)
        # A second opinion: the exact optimum by L-BFGS at a tiny tolerance must agree.
        def objective(beta):
            z = X @ beta[:-1] + beta[-1]
            loss = np.sum(w * (np.logaddexp(0, z) - y * z)) + 0.5 / C * np.sum(beta[:-1] ** 2)
            p = 1 / (1 + np.exp(-z))
            g = np.append(X.T @ (w * (p - y)) + beta[:-1] / C, np.sum(w * (p - y)))
            return loss, g
        check = minimize(objective, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B",
                         options={"gtol": 1e-10, "ftol": 1e-16, "maxiter": 10000})
        sk = np.append(m.coef_[0], m.intercept_[0])
        assert np.max(np.abs(check.x - sk)) < 1e-5, np.max(np.abs(check.x - sk))
        p = m.predict_proba(X)[:, 1]
        fits.append({"C": C, "coefficients": list(map(float, m.coef_[0])),
                     "intercept": float(m.intercept_[0]), "iterations": int(m.n_iter_[0]),
                     "firstProbabilities": list(map(float, p[:20]))})
    doc = {"generator": "make_learning_goldens.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
           "rows": n, "columnNames": names, "encoder": encoder, "fits": fits}
    with open(os.path.join(HERE, "logistic.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)


# ---------------------------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------------------------

def top_fraction(scores, labels, weights, percent):
    n = len(scores)
    order = np.lexsort((np.arange(n), -scores))  # score descending, then row index
    m = max(1, math.ceil(percent * n / 100))
    top = order[:m]
    pos = np.sum(weights[top] * labels[top])
    return {"percent": percent, "rows": m, "precision": pos / np.sum(weights[top]),
            "recall": pos / np.sum(weights * labels)}


def deciles(scores, labels, weights):
    n = len(scores)
    order = np.lexsort((np.arange(n), -scores))
    overall = np.sum(weights * labels) / np.sum(weights)
    out = []
    cum_w = cum_p = 0.0
    for d in range(10):
        idx = order[(d * n) // 10:((d + 1) * n) // 10]
        wsum = np.sum(weights[idx])
        psum = np.sum(weights[idx] * labels[idx])
        cum_w += wsum
        cum_p += psum
        out.append({"decile": d + 1, "rows": len(idx), "meanScore": np.sum(weights[idx] * scores[idx]) / wsum,
                    "positiveRate": psum / wsum, "lift": psum / wsum / overall,
                    "cumulativeLift": cum_p / cum_w / overall})
    return out


def all_metrics(scores, labels, weights, sample_weight):
    return {
        "rocAUC": roc_auc_score(labels, scores, sample_weight=sample_weight),
        "averagePrecision": average_precision_score(labels, scores, sample_weight=sample_weight),
        "brier": brier_score_loss(labels, scores, sample_weight=sample_weight),
        "logLoss": log_loss(labels, scores, sample_weight=sample_weight),
        "top": [top_fraction(scores, labels, weights, k) for k in (1, 2.5, 5, 10, 20)],
        "deciles": deciles(scores, labels, weights),
    }


def write_metrics(n=2003):
    scores = np.round(rng.beta(2, 5, n), 2)  # many ties
    scores[:5] = [0.0, 1.0, 0.0, 1.0, 0.5]
    labels = (rng.random(n) < np.clip(scores * 1.3, 0, 1)).astype(int)
    labels[:4] = [1, 0, 0, 1]  # confident mistakes: the log-loss clipping matters
    weights = np.round(rng.uniform(0.2, 2.0, n), 3)
    segments = np.array(["web", "app", "store", "marketplace"])[rng.choice(4, n, p=[0.5, 0.3, 0.17, 0.03])]
    with open(os.path.join(HERE, "metrics_scores.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["score", "label", "weight", "segment"])
        for i in range(n):
            out.writerow([fmt(scores[i]), int(labels[i]), fmt(weights[i]), segments[i]])
    ones = np.ones(n)
    doc = {"unweighted": all_metrics(scores, labels, ones, None),
           "weighted": all_metrics(scores, labels, weights, weights), "segments": {}}
    for s in sorted(set(segments)):
        mask = segments == s
        doc["segments"][s] = all_metrics(scores[mask], labels[mask], weights[mask], weights[mask])
    with open(os.path.join(HERE, "metrics.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)


# ---------------------------------------------------------------------------------------------
# Calibration
# ---------------------------------------------------------------------------------------------

def write_calibration(n=3000):
    true_p = rng.beta(2, 6, n)
    y = (rng.random(n) < true_p).astype(int)
    # An over-confident model: its logit is 1.8x the truth's, shifted.
    z = 1.8 * np.log(true_p / (1 - true_p)) + 0.3
    p = np.round(1 / (1 + np.exp(-z)), 3)  # rounded: ties for isotonic and the reliability bins
    p = np.clip(p, 0.001, 0.999)
    w = np.round(rng.uniform(0.3, 1.7, n), 2)
    F = np.log(p / (1 - p))
    a_sk, b_sk = _sigmoid_calibration(F, y, sample_weight=w)

    # The exact optimum of the same objective (Platt's smoothed targets), by Newton in NumPy.
    prior0, prior1 = np.sum(w[y <= 0]), np.sum(w[y > 0])
    T = np.where(y > 0, (prior1 + 1) / (prior1 + 2), 1 / (prior0 + 2))
    ab = np.array([0.0, math.log((prior0 + 1) / (prior1 + 1))])
    for _ in range(100):
        q = 1 / (1 + np.exp(ab[0] * F + ab[1]))  # P(y = 1) = 1 / (1 + exp(A F + B))
        g = np.array([np.sum(w * (T - q) * F), np.sum(w * (T - q))])
        h = w * q * (1 - q)
        H = np.array([[np.sum(h * F * F), np.sum(h * F)], [np.sum(h * F), np.sum(h)]])
        step = np.linalg.solve(H, g)
        ab = ab - step
        if np.max(np.abs(g)) < 1e-12:
            break
    grid = np.array([0.0005, 0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999])
    Fg = np.log(grid / (1 - grid))
    platt = {"sklearnA": a_sk, "sklearnB": b_sk, "A": ab[0], "B": ab[1], "grid": list(grid),
             "sklearnProbabilities": list(1 / (1 + np.exp(a_sk * Fg + b_sk))),
             "probabilities": list(1 / (1 + np.exp(ab[0] * Fg + ab[1])))}

    iso = IsotonicRegression(out_of_bounds="clip").fit(p, y, sample_weight=w)
    test = np.concatenate([[0.0, 0.0005, 1.0], np.round(rng.uniform(0, 1, 200), 4), p[:50]])
    isotonic = {"xThresholds": list(iso.X_thresholds_), "yThresholds": list(iso.y_thresholds_),
                "test": list(test), "predictions": list(iso.predict(test))}

    reliability = {}
    for strategy in ("uniform", "quantile"):
        prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy=strategy)
        if strategy == "quantile":
            bins = np.percentile(p, np.linspace(0, 1, 11) * 100)
        else:
            bins = np.linspace(0.0, 1.0, 11)
        counts = np.bincount(np.searchsorted(bins[1:-1], p), minlength=10)
        reliability[strategy] = {"edges": list(bins), "counts": [int(c) for c in counts],
                                 "observed": list(prob_true), "predicted": list(prob_pred)}

    with open(os.path.join(HERE, "calibration_scores.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["score", "label", "weight"])
        for i in range(n):
            out.writerow([fmt(p[i]), int(y[i]), fmt(w[i])])
    doc = {"platt": platt, "isotonic": isotonic, "reliability": reliability, "scipy": scipy.__version__}
    with open(os.path.join(HERE, "calibration.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True, default=float)


if __name__ == "__main__":
    write_logistic()
    write_metrics()
    write_calibration()
