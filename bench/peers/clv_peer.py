"""Python contestant of the `clv` task of `npm run bench`: what lifetimes does, in pandas + numpy + scipy.

Usage: python3 clv_peer.py --input CSV --customer COL --date COL --amount COL
                           --date-format FMT --calibration-end YYYY-MM-DD [--horizon-months 12]

lifetimes itself cannot be installed here, so this is its pipeline written out (the likelihoods are
our own transcription of the papers' formulas, vectorised in numpy):

1. read: `pd.read_csv(path)`.
2. summary: dates parsed with `pd.to_datetime(format=FMT)`; rows merged per customer and day (spend
   summed; a day counts when its largest row spend is >= 0, as `clientele clv` does); the
   calibration summary of the days up to and including the calibration end (CDNOW conventions,
   /work/shared/data/cdnow/README.md): x = purchase days - 1, t_x = days first to last purchase
   day / 7, T = days first purchase day to the calibration end / 7 (no extra day), mean spend of the
   repeat purchase days (first day left out; 0 when x = 0). Customers with T = 0 are left out.
3. fit_bgnbd: BG/NBD (Fader, Hardie & Lee 2005, eq. 6) by maximum likelihood,
   `scipy.optimize.minimize(method='BFGS')` on the log-parameters with the analytic gradient
   (lifetimes gets its gradient from autograd), from log-parameters 0.1 as lifetimes starts.
4. fit_gamma_gamma: Gamma-Gamma (Fader & Hardie 2013) on the repeat buyers (x > 0), the same way.
5. predict: the summary at the last day of the data (every customer, T > 0) and the conditional
   expected purchases over the horizon (eq. 10, `scipy.special.hyp2f1`), a month being
   365.25 / 12 days, as `clientele clv`.

Each step is timed with time.perf_counter; `seconds` is their sum (module imports not included).
Prints one JSON line; {"unavailable": reason} when numpy, pandas or scipy cannot be imported.
"""

import argparse
import json
import platform
import sys
import time

DAYS_PER_MONTH = 365.25 / 12


def summarise(days, end, pd, np):
    """x, t_x, T (weeks), mean repeat spend per customer from purchase days up to `end` (inclusive)."""
    d = days[days["day"] <= end]
    g = d.groupby("c", sort=False)
    s = g.agg(
        n=("day", "size"),
        first=("day", "min"),
        last=("day", "max"),
        total=("s", "sum"),
        first_s=("s", "first"),
    )
    x = s["n"].to_numpy(dtype=np.float64) - 1.0
    t_x = (s["last"] - s["first"]).dt.days.to_numpy(dtype=np.float64) / 7.0
    T = (end - s["first"]).dt.days.to_numpy(dtype=np.float64) / 7.0
    total = s["total"].to_numpy(dtype=np.float64)
    first_s = s["first_s"].to_numpy(dtype=np.float64)
    m = np.where(x > 0, (total - first_s) / np.maximum(x, 1.0), 0.0)
    keep = T > 0
    return x[keep], t_x[keep], T[keep], m[keep]


def bgnbd_nll(log_params, x, t_x, T, np, gammaln, digamma):
    """Mean negative log-likelihood of BG/NBD and its gradient in log-parameters."""
    r, alpha, a, b = np.exp(log_params)
    rx = r + x
    rep = x > 0
    a1 = gammaln(rx) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    l_T = np.log(alpha + T)
    l_tx = np.log(alpha + t_x)
    a3 = -rx * l_T
    bx1 = np.where(rep, b + x - 1.0, 1.0)
    a4 = np.where(rep, np.log(a) - np.log(bx1) - rx * l_tx, -np.inf)
    top = np.maximum(a3, a4)
    e3 = np.exp(a3 - top)
    e4 = np.exp(a4 - top)
    ll = a1 + a2 + top + np.log(e3 + e4)
    w3 = e3 / (e3 + e4)
    w4 = 1.0 - w3
    n = x.shape[0]
    d_r = digamma(rx) - digamma(r) + np.log(alpha) - w3 * l_T - w4 * l_tx
    d_alpha = r / alpha - w3 * rx / (alpha + T) - w4 * rx / (alpha + t_x)
    psi_ab = digamma(a + b)
    psi_abx = digamma(a + b + x)
    d_a = psi_ab - psi_abx + w4 / a
    d_b = psi_ab + digamma(b + x) - digamma(b) - psi_abx - w4 / bx1
    grad = np.array([r * d_r.sum(), alpha * d_alpha.sum(), a * d_a.sum(), b * d_b.sum()])
    return -ll.sum() / n, -grad / n


def gg_nll(log_params, x, m, np, gammaln, digamma):
    """Mean negative log-likelihood of Gamma-Gamma (repeat buyers) and its gradient in log-parameters."""
    p, q, v = np.exp(log_params)
    px = p * x
    l_m = np.log(m)
    l_x = np.log(x)
    l_xmv = np.log(x * m + v)
    ll = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1.0) * l_m
        + px * l_x
        - (px + q) * l_xmv
    )
    psi_pxq = digamma(px + q)
    d_p = x * (psi_pxq - digamma(px) + l_m + l_x - l_xmv)
    d_q = psi_pxq - digamma(q) + np.log(v) - l_xmv
    d_v = q / v - (px + q) / (x * m + v)
    n = x.shape[0]
    grad = np.array([p * d_p.sum(), q * d_q.sum(), v * d_v.sum()])
    return -ll.sum() / n, -grad / n


def fit(fun, size, args, minimize, np):
    res = minimize(
        fun,
        x0=0.1 * np.ones(size),
        args=args,
        jac=True,
        method="BFGS",
        options={"gtol": 1e-9, "maxiter": 1000},
    )
    return res


def conditional_expected(t, r, alpha, a, b, x, t_x, T, np, hyp2f1):
    """E[X(t) | x, t_x, T] of BG/NBD (Fader, Hardie & Lee 2005, eq. 10)."""
    rx = r + x
    z = t / (alpha + T + t)
    f = hyp2f1(rx, b + x, a + b + x - 1.0, z)
    num = (a + b + x - 1.0) / (a - 1.0) * (1.0 - ((alpha + T) / (alpha + T + t)) ** rx * f)
    bx1 = np.where(x > 0, b + x - 1.0, 1.0)
    den = 1.0 + np.where(x > 0, a / bx1 * ((alpha + T) / (alpha + t_x)) ** rx, 0.0)
    return num / den


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True)
    p.add_argument("--customer", required=True)
    p.add_argument("--date", required=True)
    p.add_argument("--amount", required=True)
    p.add_argument("--date-format", required=True)
    p.add_argument("--calibration-end", required=True)
    p.add_argument("--horizon-months", type=int, default=12)
    a = p.parse_args()

    try:
        import numpy as np
        import pandas as pd
        import scipy
        from scipy.optimize import minimize
        from scipy.special import digamma, gammaln, hyp2f1
    except ImportError as err:
        print(json.dumps({"unavailable": f"python cannot import {err.name}"}))
        return

    t0 = time.perf_counter()
    df = pd.read_csv(a.input)
    t1 = time.perf_counter()

    d = pd.DataFrame(
        {
            "c": df[a.customer],
            "day": pd.to_datetime(df[a.date].astype(str), format=a.date_format),
            "s": df[a.amount].astype(np.float64),
        }
    )
    d = d.dropna()
    days = d.groupby(["c", "day"], sort=True)["s"].agg(["sum", "max"]).reset_index()
    days = days[days["max"] >= 0].rename(columns={"sum": "s"})[["c", "day", "s"]]
    cal_end = pd.Timestamp(a.calibration_end)
    x, t_x, T, m = summarise(days, cal_end, pd, np)
    t2 = time.perf_counter()

    bg = fit(bgnbd_nll, 4, (x, t_x, T, np, gammaln, digamma), minimize, np)
    r, alpha, aa, bb = (float(v) for v in np.exp(bg.x))
    t3 = time.perf_counter()

    rep = x > 0
    gg = fit(gg_nll, 3, (x[rep], m[rep], np, gammaln, digamma), minimize, np)
    pp, qq, vv = (float(v) for v in np.exp(gg.x))
    t4 = time.perf_counter()

    end = days["day"].max()
    xn, t_xn, Tn, _ = summarise(days, end, pd, np)
    horizon = a.horizon_months * DAYS_PER_MONTH / 7.0
    expected = conditional_expected(horizon, r, alpha, aa, bb, xn, t_xn, Tn, np, hyp2f1)
    t5 = time.perf_counter()

    print(
        json.dumps(
            {
                "seconds": t5 - t0,
                "read_seconds": t1 - t0,
                "summary_seconds": t2 - t1,
                "fit_bgnbd_seconds": t3 - t2,
                "fit_gamma_gamma_seconds": t4 - t3,
                "predict_seconds": t5 - t4,
                "rows": int(df.shape[0]),
                "purchase_days": int(days.shape[0]),
                "n_customers": int(x.shape[0]),
                "n_repeat_buyers": int(rep.sum()),
                "bgnbd": {
                    "r": r,
                    "alpha": alpha,
                    "a": aa,
                    "b": bb,
                    "loglik": -float(bg.fun) * x.shape[0],
                    "converged": bool(bg.success),
                    "iterations": int(bg.nit),
                    "evaluations": int(bg.nfev),
                    "message": str(bg.message),
                },
                "gamma_gamma": {
                    "p": pp,
                    "q": qq,
                    "v": vv,
                    "loglik": -float(gg.fun) * int(rep.sum()),
                    "converged": bool(gg.success),
                    "iterations": int(gg.nit),
                    "evaluations": int(gg.nfev),
                    "message": str(gg.message),
                },
                "n_customers_end": int(xn.shape[0]),
                "expected_purchases_total": float(expected.sum()),
                "expected_purchases_nan": int(np.isnan(expected).sum()),
                "horizon_weeks": horizon,
                "python": platform.python_version(),
                "pandas": pd.__version__,
                "numpy": np.__version__,
                "scipy": scipy.__version__,
            }
        )
    )


if __name__ == "__main__":
    try:
        main()
    except Exception as err:  # one readable line for the bench's failure note
        print(f"clv_peer: {type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(1)
