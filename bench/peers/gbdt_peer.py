"""scikit-learn and XGBoost contestants of the `gbdt` task of `npm run bench`.

Usage: python3 gbdt_peer.py CONTESTANT --input CSV --meta JSON [--threads N] [--shap-rows N] [--warm N]
  (--threads 0 or absent: the library's default, every core)
  --warm N: after the timed fit, fit N more models the same way in the same process; the least
  CPU of those is `warm_fit_cpu_seconds` (its wall seconds `warm_fit_seconds`): the fit without
  the first call's one-time costs (lazy imports, thread pools), to set beside ours done the same.
  CONTESTANT: version | sklearn | xgboost

Reads the encoded matrix the bench wrote (numbers; empty cell = NaN; the sidecar JSON names the
features, the categorical ones, the target and the 0/1 test-row column), fits on the train rows,
and times with time.perf_counter, one by one: the fit (`seconds`), predict_proba on the test rows,
and for XGBoost `booster.predict(DMatrix(x), pred_contribs=True)` on the first N test rows (TreeSHAP;
building the DMatrix is in the time). `fit_cpu_seconds` is the process's CPU time during the fit
(time.process_time: every thread's). Prints one JSON line; {"unavailable": reason} when the
library cannot be imported.

- sklearn: HistGradientBoostingClassifier(max_iter=100, max_leaf_nodes=31, learning_rate=0.1,
  min_samples_leaf=20, l2_regularization=0, max_bins=255, early_stopping=False,
  categorical_features=<the sidecar's mask>); --threads N caps its OpenMP threads
  (threadpoolctl), else OpenMP's default (every core).
- xgboost: XGBClassifier(tree_method='hist', grow_policy='lossguide', max_leaves=31, max_depth=0,
  n_estimators=100, learning_rate=0.1, max_bin=255, reg_lambda=0 (as ours and sklearn: no L2),
  min_child_weight=1, n_jobs=--threads), categorical columns as plain codes (ordered numbers;
  xgboost 1.7's native categories need pandas category dtypes). min_child_weight is a hessian
  sum, not a row count: XGBoost has no 20-rows-per-leaf rule, so its default 1 is used.
"""

import argparse
import json
import platform
import sys
import time


def load(a, np, pd):
    with open(a.meta) as f:
        meta = json.load(f)
    d = pd.read_csv(a.input)
    x = d[meta["features"]].to_numpy(dtype=np.float64)
    y = d[meta["target"]].to_numpy(dtype=np.int64)
    test = d[meta["testColumn"]].to_numpy() == 1
    return meta, x[~test], y[~test], x[test], y[test]


def least_fit(make, x, y, times):
    """Wall and CPU seconds of the make().fit(x, y) with the least CPU of `times`."""
    best = None
    for _ in range(times):
        clf = make()
        c0 = time.process_time()
        t0 = time.perf_counter()
        clf.fit(x, y)
        run = (time.perf_counter() - t0, time.process_time() - c0)
        if best is None or run[1] < best[1]:
            best = run
    return best


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("contestant", choices=["version", "sklearn", "xgboost"])
    p.add_argument("--input")
    p.add_argument("--meta")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--shap-rows", type=int, default=0)
    p.add_argument("--warm", type=int, default=0)
    a = p.parse_args()

    try:
        import numpy as np
        import pandas as pd
        from sklearn.metrics import roc_auc_score
    except ImportError as err:
        print(json.dumps({"unavailable": f"python cannot import {err.name or err}"}))
        return

    if a.contestant == "version":
        out = {"python": platform.python_version(), "numpy": np.__version__}
        for mod in ("sklearn", "xgboost"):
            try:
                out[mod] = __import__(mod).__version__
            except ImportError:
                out[mod] = None
        print(json.dumps(out))
        return

    if a.contestant == "sklearn":
        try:
            import sklearn
            from sklearn.ensemble import HistGradientBoostingClassifier
        except ImportError as err:
            print(json.dumps({"unavailable": f"python cannot import {err.name or err}"}))
            return
        meta, x_tr, y_tr, x_te, y_te = load(a, np, pd)
        mask = np.zeros(x_tr.shape[1], dtype=bool)
        mask[meta["categorical"]] = True
        def make():
            return HistGradientBoostingClassifier(
                max_iter=100,
                max_leaf_nodes=31,
                learning_rate=0.1,
                min_samples_leaf=20,
                l2_regularization=0.0,
                max_bins=255,
                early_stopping=False,
                categorical_features=mask,
                random_state=0,
            )

        clf = make()
        limit = None
        if a.threads > 0:
            from threadpoolctl import threadpool_limits

            limit = threadpool_limits(limits=a.threads)
        c0 = time.process_time()
        t0 = time.perf_counter()
        clf.fit(x_tr, y_tr)
        t1 = time.perf_counter()
        c1 = time.process_time()
        proba = clf.predict_proba(x_te)[:, 1]
        t2 = time.perf_counter()
        warm = least_fit(make, x_tr, y_tr, a.warm) if a.warm > 0 else None
        if limit is not None:
            limit.unregister()
        out = {"version": sklearn.__version__, "threads": a.threads if a.threads > 0 else "OpenMP default"}
    else:
        try:
            import xgboost as xgb
        except ImportError as err:
            print(json.dumps({"unavailable": f"python cannot import {err.name or err}"}))
            return
        meta, x_tr, y_tr, x_te, y_te = load(a, np, pd)
        threads = a.threads if a.threads > 0 else None

        def make():
            return xgb.XGBClassifier(
                tree_method="hist",
                grow_policy="lossguide",
                max_leaves=31,
                max_depth=0,
                n_estimators=100,
                learning_rate=0.1,
                max_bin=255,
                reg_lambda=0.0,
                min_child_weight=1.0,
                enable_categorical=False,
                n_jobs=threads,
                random_state=0,
            )

        clf = make()
        c0 = time.process_time()
        t0 = time.perf_counter()
        clf.fit(x_tr, y_tr)
        t1 = time.perf_counter()
        c1 = time.process_time()
        proba = clf.predict_proba(x_te)[:, 1]
        t2 = time.perf_counter()
        warm = least_fit(make, x_tr, y_tr, a.warm) if a.warm > 0 else None
        out = {"version": xgb.__version__, "threads": a.threads}
        n = min(a.shap_rows, x_te.shape[0]) if a.shap_rows > 0 else x_te.shape[0]
        x_shap = x_te[:n]
        booster = clf.get_booster()
        t3 = time.perf_counter()
        contribs = booster.predict(xgb.DMatrix(x_shap), pred_contribs=True)
        t4 = time.perf_counter()
        margin = booster.predict(xgb.DMatrix(x_shap), output_margin=True)
        out.update({
            "shap_rows": int(n),
            "shap_seconds": t4 - t3,
            "shap_rows_per_second": n / (t4 - t3),
            "shap_additivity_max_error": float(np.max(np.abs(contribs.sum(axis=1) - margin))),
        })

    out.update({
        "seconds": t1 - t0,
        "fit_seconds": t1 - t0,
        "fit_cpu_seconds": c1 - c0,
        "predict_seconds": t2 - t1,
        "auc": float(roc_auc_score(y_te, proba)),
        "train_rows": int(x_tr.shape[0]),
        "test_rows": int(x_te.shape[0]),
        "cols": int(x_tr.shape[1]),
    })
    if warm is not None:
        out.update({"warm_fits": a.warm, "warm_fit_seconds": warm[0], "warm_fit_cpu_seconds": warm[1]})
    print(json.dumps(out))


if __name__ == "__main__":
    try:
        main()
    except Exception as err:  # one readable line for the harness, not a traceback
        print(f"gbdt_peer: {type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(1)
