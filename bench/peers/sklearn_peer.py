"""scikit-learn contestant of `npm run bench`.

Usage: python3 sklearn_peer.py TASK [--input CSV] [options]
  version                                   versions of python, numpy, scikit-learn
  kmeans     --input X --k 4 --n-init 10 --seed 0 [--labels-out F]
  ward       --input X --k 5 [--labels-out F]
  silhouette --input X --labels L           (L: CSV with one column, header "label")
  dbscan     --input X --eps E --min-samples M [--labels-out F]
  segmentations --input RAW --k 4 --components 3 --n-init 10 --seed 0
             --selection-rows 5000 --silhouette-rows 2000 [--labels-out F] [--core-only]
             (RAW: unscaled numbers; what findAlternative does, step by step: see segmentations())

Reads every column of X as float64 (the bench writes already scaled numbers, but for
`segmentations`, which transforms and scales as part of the timed work), times only the
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
    p.add_argument("task", choices=["version", "kmeans", "ward", "silhouette", "dbscan", "segmentations"])
    p.add_argument("--input")
    p.add_argument("--labels")
    p.add_argument("--labels-out")
    p.add_argument("--k", type=int)
    p.add_argument("--n-init", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--eps", type=float)
    p.add_argument("--min-samples", type=int)
    p.add_argument("--components", type=int, default=3)
    p.add_argument("--selection-rows", type=int, default=5000)
    p.add_argument("--silhouette-rows", type=int, default=2000)
    p.add_argument("--core-only", action="store_true")
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
    elif a.task == "segmentations":
        labels = segmentations(x, a, out)

    if labels is not None and a.labels_out:
        pd.DataFrame({"label": labels}).to_csv(a.labels_out, index=False)
        out["labels_out"] = a.labels_out
    print(json.dumps(out))


def segmentations(x, a, out):
    """
    What ours `findAlternative` does for { space: 'pca', components, algorithm: 'kmeans', k } with
    kMin = kMax = k (packages/analytics/src/pipeline/alternativeSegmentation.ts and
    segmentStep.ts), step by step, each timed; `seconds` is their sum. The samples are numpy's
    (seeded), the same sizes as ours, not the same rows.
    """
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
    from sklearn.preprocessing import StandardScaler

    parts = {}
    t = time.perf_counter()

    def lap(name):
        nonlocal t
        now = time.perf_counter()
        parts[name] = now - t
        t = now

    # prepareFeatures: constant columns out, sign(x) log1p(|x|), standard scaling (ddof 0).
    kept = x[:, np.ptp(x, axis=0) > 0]
    scaled = StandardScaler().fit_transform(np.sign(kept) * np.log1p(np.abs(kept)))
    lap("prepare")
    # PCA on every row; 'full' (LAPACK SVD) is exact like ours. The default 'auto' would pick
    # 'randomized' here (n_components < 0.8 p), an approximation.
    pca = PCA(n_components=a.components, svd_solver="full").fit(scaled)
    space = pca.transform(scaled)
    lap("pca")
    if a.core_only:
        # The O(n) core alone, as ours --core-only: k-means on every row, no sample steps.
        full = KMeans(n_clusters=a.k, n_init=a.n_init, random_state=a.seed).fit(space)
        lap("kmeans")
        out["seconds"] = sum(parts.values())
        out["parts"] = parts
        out["inertia"] = float(full.inertia_)
        return full.labels_
    # chooseAndFit: the selection table on a seeded sample (one row: k-means at k, its silhouette
    # on silhouette-rows of the sample, Calinski-Harabasz, Davies-Bouldin) ...
    n = space.shape[0]
    rows = np.sort(np.random.default_rng(a.seed).choice(n, a.selection_rows, replace=False)) if a.selection_rows < n else np.arange(n)
    sample = space[rows]
    km = KMeans(n_clusters=a.k, n_init=a.n_init, random_state=a.seed).fit(sample)
    sil_kw = {"sample_size": a.silhouette_rows, "random_state": a.seed} if len(rows) > a.silhouette_rows else {}
    selection = {
        "inertia": float(km.inertia_),
        "silhouette": float(silhouette_score(sample, km.labels_, **sil_kw)),
        "calinski_harabasz": float(calinski_harabasz_score(sample, km.labels_)),
        "davies_bouldin": float(davies_bouldin_score(sample, km.labels_)),
    }
    lap("selection")
    # ... the elbow curve, k-means for k = 1 .. k - 1 on the sample (k from the table) ...
    curve = [float(KMeans(n_clusters=j, n_init=a.n_init, random_state=a.seed).fit(sample).inertia_) for j in range(1, a.k)]
    curve.append(selection["inertia"])
    lap("elbow")
    # ... then the configured model on every row.
    full = KMeans(n_clusters=a.k, n_init=a.n_init, random_state=a.seed).fit(space)
    labels = full.labels_
    lap("kmeans")
    # The silhouette of every row's labels on the sample, in the PCA space (exact).
    silhouette = float(silhouette_score(sample, labels[rows]))
    lap("silhouette")
    # Segment means in the scaled features, and the silhouette on the scaled features' sample
    # (the same row indices: ours samples by seed and row count).
    centroids = np.vstack([scaled[labels == s].mean(axis=0) for s in range(a.k)])
    silhouette_features = float(silhouette_score(scaled[rows], labels[rows]))
    lap("centroids_and_silhouette_on_features")

    out["seconds"] = sum(parts.values())
    out["parts"] = parts
    out["pca_solver"] = "full"
    out["explained_variance_ratio"] = [float(v) for v in pca.explained_variance_ratio_]
    # Inertia in the PCA space about the means of the final labels (ours computes it the same way).
    out["inertia"] = float(sum(((space[labels == s] - space[labels == s].mean(axis=0)) ** 2).sum() for s in range(a.k)))
    out["n_iter"] = int(full.n_iter_)
    out["selection"] = selection
    out["elbow_curve"] = curve
    out["silhouette"] = silhouette
    out["silhouette_on_features"] = silhouette_features
    out["sizes"] = np.bincount(labels, minlength=a.k).tolist()
    out["centroids_rows"] = int(centroids.shape[0])
    return labels


if __name__ == "__main__":
    try:
        main()
    except Exception as err:  # one readable line for the harness, not a traceback
        print(f"sklearn_peer: {type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(1)
