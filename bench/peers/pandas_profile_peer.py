"""pandas contestant of the `profile` task of `npm run bench`.

Usage: python3 pandas_profile_peer.py --input CSV   (a .gz file is read compressed, as pandas does)

Times, with time.perf_counter:
  read:    pd.read_csv(path), defaults (compression inferred from the name)
  profile: df.describe(include='all'), df.isna().sum(), df.nunique(), df.duplicated().sum(),
           df.select_dtypes('number').corr() and .corr(method='spearman')
and prints one JSON line: seconds (read + profile), read_seconds, profile_seconds, rows, cols,
duplicate_rows, missing_cells, numeric_columns, versions. {"unavailable": reason} when pandas
cannot be imported.
"""

import argparse
import json
import platform
import sys
import time


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True)
    a = p.parse_args()

    try:
        import numpy as np
        import pandas as pd
    except ImportError as err:
        print(json.dumps({"unavailable": f"python cannot import {err.name}"}))
        return

    t0 = time.perf_counter()
    df = pd.read_csv(a.input)
    t1 = time.perf_counter()
    describe = df.describe(include="all")
    missing = df.isna().sum()
    distinct = df.nunique()
    duplicates = df.duplicated().sum()
    numeric = df.select_dtypes("number")
    pearson = numeric.corr()
    spearman = numeric.corr(method="spearman")
    t2 = time.perf_counter()

    print(json.dumps({
        "seconds": t2 - t0,
        "read_seconds": t1 - t0,
        "profile_seconds": t2 - t1,
        "rows": int(df.shape[0]),
        "cols": int(df.shape[1]),
        "duplicate_rows": int(duplicates),
        "missing_cells": int(missing.sum()),
        "numeric_columns": int(numeric.shape[1]),
        "distinct_total": int(distinct.sum()),
        "describe_shape": list(describe.shape),
        "correlation_shape": [list(pearson.shape), list(spearman.shape)],
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }))


if __name__ == "__main__":
    try:
        main()
    except Exception as err:  # one readable line for the harness, not a traceback
        print(f"pandas_profile_peer: {type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(1)
