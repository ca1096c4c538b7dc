"""scikit-learn contestant of `npm run bench`.

Usage: python3 sklearn_peer.py TASK [--input CSV] [options]
  version                                   versions of python, numpy, scikit-learn
  kmeans     --input X --k 4 --n-init 10 --seed 0 [--labels-out F]
  ward       --input X --k 5 [--labels-out F]
  silhouette --input X --labels L           (L: CSV with one column, header "label")
  dbscan     --input X --eps E --min-samples M [--labels-out F]

Reads every column of X as float64 (the bench writes already scaled numbers), times only the
fit / score with time.perf_counter, and prints one JSON line on stdout. The environment is used
as it is (threads, OPENBLAS_CORETYPE): the bench measures the library as installed.
"""

import argparse
import json
import platform
import sys
import time


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("task", choices=["version", "kmeans", "ward", "silhouette", "dbscan"])
    p.add_argument("--input")
    p.add_argument("--labels")
    p.add_argument("--labels-out")
    p.add_argument("--k", type=int)
    p.add_argument("--n-init", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--eps", type=float)
    p.add_argument("--min-samples", type=int)
    a = p.parse_args()

    try:
        import numpy as np
        import pandas as pd
        import sklearn
    except ImportError as err:
        print(json.dumps({"unavailable": f"python cannot import {err.name}"}))
        return

    if a.task == "version":
        print(json.dumps({
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "sklearn": sklearn.__version__,
        }))
        return

    x = pd.read_csv(a.input).to_numpy(dtype=np.float64)
    out = {"rows": int(x.shape[0]), "cols": int(x.shape[1])}
    labels = None

    if a.task == "kmeans":
        from sklearn.cluster import KMeans

        t0 = time.perf_counter()
        m = KMeans(n_clusters=a.k, n_init=a.n_init, random_state=a.seed).fit(x)
        out["seconds"] = time.perf_counter() - t0
        out["inertia"] = float(m.inertia_)
        out["n_iter"] = int(m.n_iter_)
        labels = m.labels_
    elif a.task == "ward":
        from sklearn.cluster import AgglomerativeClustering

        t0 = time.perf_counter()
        m = AgglomerativeClustering(n_clusters=a.k, linkage="ward").fit(x)
        out["seconds"] = time.perf_counter() - t0
        labels = m.labels_
    elif a.task == "silhouette":
        from sklearn.metrics import silhouette_score

        given = pd.read_csv(a.labels)["label"].to_numpy()
        t0 = time.perf_counter()
        s = silhouette_score(x, given)
        out["seconds"] = time.perf_counter() - t0
        out["silhouette"] = float(s)
    elif a.task == "dbscan":
        from sklearn.cluster import DBSCAN

        t0 = time.perf_counter()
        m = DBSCAN(eps=a.eps, min_samples=a.min_samples).fit(x)
        out["seconds"] = time.perf_counter() - t0
        labels = m.labels_
        out["n_clusters"] = int(len(set(labels.tolist()) - {-1}))
        out["n_noise"] = int((labels == -1).sum())

    if labels is not None and a.labels_out:
        pd.DataFrame({"label": labels}).to_csv(a.labels_out, index=False)
        out["labels_out"] = a.labels_out
    print(json.dumps(out))


if __name__ == "__main__":
    try:
        main()
    except Exception as err:  # one readable line for the harness, not a traceback
        print(f"sklearn_peer: {type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(1)
