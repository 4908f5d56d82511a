"""Write dense_reference.npz: the numbers of the dense implementation (commit be47b68).

Run from the repository root: ``/work/venv/bin/python tests/data/scale/make_dense_reference.py``.
Re-running it after the sparse rewrite must reproduce the file to 1e-8 (that is what
tests/test_scale_reference.py checks); regenerate only on purpose.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.cigar import cigar_data, cigar_weights
from tests.test_scale_reference import medium_panel

import spatialpanel as sp
from spatialpanel.inference.hausman import hausman
from spatialpanel.inference.lm import bsk_tests, lm_tests, residual_moran

OUT = Path(__file__).with_name("dense_reference.npz")


def panels() -> dict[str, tuple]:
    med, wm = medium_panel()
    return {
        "cigar": (cigar_data(), cigar_weights(), "logc", "logc", ["logp", "logy"]),
        "medium": (med, wm, "y_lag", "y_err", ["x1", "x2"]),
    }


def main() -> None:
    out: dict[str, np.ndarray] = {}
    for name, (data, w, ylag, yerr, x) in panels().items():
        fits = {}
        for kind in ("sar", "sdm", "slx", "sem", "sdem"):
            yv = yerr if kind in ("sem", "sdem") else ylag
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = sp.SpatialPanelModel(data, y=yv, x=x, w=w, model=kind, effects="random").fit()
            fits[kind] = res
            key = f"{name}/re_{kind}"
            out[f"{key}/params"] = res.params.to_numpy()
            out[f"{key}/se"] = res.std_errors.to_numpy()
            out[f"{key}/scalars"] = np.array(
                [res.sigma2, res.loglik, res.phi, np.nan if res.theta is None else res.theta]
            )
            out[f"{key}/information"] = res.information.to_numpy()
            out[f"{key}/resid"] = res.resid.to_numpy()
            out[f"{key}/fitted"] = res.fitted.to_numpy()
        for eff in ("pooled", "entity", "time", "twoway"):
            lm = lm_tests(data, y=ylag, x=x, w=w, effects=eff)
            out[f"{name}/lm_{eff}"] = lm[["statistic", "pvalue"]].to_numpy()
            rm = residual_moran(data, y=ylag, x=x, w=w, effects=eff)
            out[f"{name}/moran_{eff}"] = np.array(
                [rm.statistic, rm.expected, rm.variance, rm.z, rm.pvalue, rm.pvalue_two_sided]
            )
        out[f"{name}/bsk"] = bsk_tests(data, y=ylag, x=x, w=w)[["statistic", "pvalue"]].to_numpy()
        for kind, yv in (("sdm", ylag), ("sar", ylag), ("sem", yerr)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fe = sp.SpatialPanelModel(data, y=yv, x=x, w=w, model=kind, effects="entity").fit()
                re = fits[kind] if yv == (yerr if kind == "sem" else ylag) else None
            assert re is not None
            h = hausman(fe, re, data=data)
            vals = [
                h.classic.statistic,
                h.classic.pvalue,
                float(h.classic.valid),
                *(
                    [h.generalized.statistic, h.generalized.df]
                    if h.generalized is not None
                    else [np.nan, np.nan]
                ),
            ]
            out[f"{name}/hausman_{kind}"] = np.array(vals, dtype=float)
            from spatialpanel.inference.hausman import mundlak_test

            mk = mundlak_test(fe, data)
            out[f"{name}/mundlak_{kind}"] = np.array([mk.statistic, mk.df, mk.pvalue])
    np.savez_compressed(OUT, **out)
    print(f"wrote {OUT} ({len(out)} arrays)")


if __name__ == "__main__":
    main()
