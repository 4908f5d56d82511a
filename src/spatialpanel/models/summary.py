"""Regression tables of spatial panel fits: one model (:class:`Summary`) or several (`compare`).

The layout follows the usual spatial Durbin table (the seed paper's Table 7): a *Main* block with
the intercept and the regressors, a *W·x* block with the spatial lags of the regressors, the spatial
parameter, then σ², log-likelihood, R², N, T, the effects, the bias correction and the
log-determinant method (so every printed table says how it was computed). Stars: ``***`` p < 0.01,
``**`` p < 0.05, ``*`` p < 0.1 (two-sided normal p-values).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from spatialpanel.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.models.results import SpatialPanelResults

__all__ = ["Summary", "compare", "stars"]

_MODEL_NAMES = {"sar": "SAR", "sem": "SEM", "sdm": "SDM", "sdem": "SDEM", "slx": "SLX"}
_EFFECT_NAMES = {
    "pooled": "none (pooled)",
    "entity": "entity fixed",
    "time": "time fixed",
    "twoway": "entity and time fixed",
    "random": "entity random",
}
_BC_NAMES = {
    "none": "none (exact ML)",
    "elhorst": "Lee-Yu, Elhorst's direct-approach correction",
    "transformation": "Lee-Yu transformation approach",
}


def stars(p: float) -> str:
    """``***`` for p < 0.01, ``**`` for p < 0.05, ``*`` for p < 0.1, else ``""``."""
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.1 else ""


def _sigma2_rule(res: SpatialPanelResults) -> str:
    """How σ² was computed, for the table."""
    if res.bias_correction == "elhorst":
        return "Lee-Yu corrected"
    if res.bias_correction == "transformation":
        eff = res.spec.effects
        return {"entity": "e'e/N(T-1)", "time": "e'e/(N-1)T"}.get(eff, "e'e/(N-1)(T-1)")
    return "e'e/NT"


def _block(name: str) -> str:
    if name.startswith("W*"):
        return "W·x"
    if name in ("rho", "lambda"):
        return "Spatial"
    return "Main"


def coefficient_table(res: SpatialPanelResults, block: Callable[[str], str]) -> pd.DataFrame:
    """One row per parameter: block (from its name), coef, std_error, z, p, stars."""
    table = pd.DataFrame(
        {
            "block": [block(str(n)) for n in res.params.index],
            "coef": res.params.to_numpy(),
            "std_error": res.std_errors.to_numpy(),
            "z": res.zvalues.to_numpy(),
            "p": res.pvalues.to_numpy(),
        },
        index=res.params.index,
    )
    table["stars"] = [stars(float(p)) for p in table["p"]]
    return table


def _pretty(name: str) -> str:
    return {"rho": "ρ (W·y)", "lambda": "λ (W·u)"}.get(name, name.replace("W*", "W·"))


@dataclass(frozen=True, eq=False)
class Summary:
    """A rendered-on-demand regression table of one fit.

    ``table`` has one row per parameter (columns block, coef, std_error, z, p, stars);
    ``info`` lists the fit statistics and the conventions (label → text).
    """

    title: str
    table: pd.DataFrame
    info: tuple[tuple[str, str], ...]
    digits: int = 4

    @classmethod
    def from_results(cls, res: SpatialPanelResults, *, title: str | None = None) -> Summary:
        """Build the summary of a :class:`~spatialpanel.models.results.SpatialPanelResults`."""
        sp = res.spec
        table = coefficient_table(res, _block)
        info: list[tuple[str, str]] = [
            ("Dependent variable", sp.y),
            ("Effects", _EFFECT_NAMES[sp.effects]),
            ("Bias correction", _BC_NAMES[res.bias_correction]),
            ("Log-determinant", res.logdet_method),
            ("Traces (information matrix)", res.trace_method),
            (f"σ² ({_sigma2_rule(res)})", f"{res.sigma2:.6g}"),
            (
                "Log-likelihood (uncorrected ML)"
                if res.bias_correction == "elhorst"
                else "Log-likelihood",
                f"{res.loglik:.4f}",
            ),
            ("R²", f"{res.r2:.4f}"),
            ("R² within (squared corr.)", f"{res.r2_within:.4f}"),
            ("AIC / BIC", f"{res.aic:.2f} / {res.bic:.2f}"),
            ("N regions / T periods / obs.", f"{res.n_entities} / {res.n_periods} / {res.nobs}"),
        ]
        if res.phi is not None:
            info.append(("φ = σ²_μ/σ²", f"{res.phi:.6g}"))
        if sp.lag_convention != "raw":
            info.append(("Lag convention", "W·(Qy) (splm)"))
        default = (
            f"{_MODEL_NAMES[sp.model]} panel, {_EFFECT_NAMES[sp.effects]} effects, "
            "maximum likelihood"
        )
        return cls(title=title or default, table=table, info=tuple(info))

    # ------------------------------------------------------------------ rendering
    def _rows(self) -> list[tuple[str, list[str]]]:
        d = self.digits
        out: list[tuple[str, list[str]]] = []
        for block in ("Main", "W·x", "Spatial"):
            part = self.table[self.table["block"] == block]
            if part.empty:
                continue
            rows = []
            for name, r in part.iterrows():
                rows.append(
                    [
                        _pretty(str(name)),
                        f"{r['coef']:.{d}f}{r['stars']}",
                        f"{r['std_error']:.{d}f}",
                        f"{r['z']:.2f}",
                        f"{r['p']:.3f}",
                    ]
                )
            out.append((block, [";".join(x) for x in rows]))
        return out

    def _body(self) -> list[tuple[str, list[list[str]]]]:
        return [(b, [r.split(";") for r in rows]) for b, rows in self._rows()]

    def as_text(self) -> str:
        """Plain-text table."""
        header = ["", "coef", "std.err", "z", "P>|z|"]
        body = self._body()
        allrows = [header] + [r for _, rows in body for r in rows]
        widths = [max(len(r[i]) for r in allrows) + 2 for i in range(5)]
        widths[0] = max(widths[0], 16)
        total = sum(widths)
        lines = [self.title, "=" * total]
        lines.append(
            "".join(
                h.rjust(w) if i else h.ljust(w)
                for i, (h, w) in enumerate(zip(header, widths, strict=True))
            )
        )
        for block, rows in body:
            lines.append("-" * total)
            lines.append(block)
            for r in rows:
                lines.append(
                    "".join(
                        c.rjust(w) if i else ("  " + c).ljust(w)
                        for i, (c, w) in enumerate(zip(r, widths, strict=True))
                    )
                )
        lines.append("-" * total)
        lw = max(len(k) for k, _ in self.info) + 2
        lines.extend(f"{k.ljust(lw)}{v}" for k, v in self.info)
        lines.append("=" * total)
        lines.append("*** p<0.01, ** p<0.05, * p<0.1 (two-sided, asymptotic normal)")
        return "\n".join(lines)

    def as_html(self) -> str:
        """HTML ``<table>``."""
        e = html.escape
        out = [f'<table class="spatialpanel-summary"><caption>{e(self.title)}</caption>']
        out.append(
            "<thead><tr><th></th><th>coef</th><th>std.err</th><th>z</th><th>P&gt;|z|</th></tr>"
            "</thead><tbody>"
        )
        for block, rows in self._body():
            out.append(f'<tr><th colspan="5" style="text-align:left">{e(block)}</th></tr>')
            for r in rows:
                out.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>")
        for k, v in self.info:
            out.append(f'<tr><td>{e(k)}</td><td colspan="4">{e(v)}</td></tr>')
        out.append("</tbody></table>")
        return "\n".join(out)

    def as_latex(self) -> str:
        """LaTeX ``tabular`` (booktabs)."""

        def tex(s: str) -> str:
            m = re.search(r"(\*+)$", s)
            tail = rf"$^{{{m.group(1)}}}$" if m else ""
            s = s[: m.start()] if m else s
            s = s.replace("\\", r"\textbackslash{}").replace("_", r"\_").replace("&", r"\&")
            s = s.replace("%", r"\%").replace("#", r"\#")
            for old, new in (
                ("ρ", r"$\rho$"),
                ("λ", r"$\lambda$"),
                ("σ²\\_μ", r"$\sigma^2_\mu$"),
                ("σ²", r"$\sigma^2$"),
                ("φ", r"$\phi$"),
                ("R²", r"$R^2$"),
                ("·", r"$\cdot$"),
            ):
                s = s.replace(old, new)
            return s + tail

        out = [r"\begin{tabular}{lrrrr}", r"\toprule", r" & coef & std.err & $z$ & $P>|z|$ \\"]
        for block, rows in self._body():
            out.append(r"\midrule")
            out.append(rf"\multicolumn{{5}}{{l}}{{\textit{{{tex(block)}}}}} \\")
            for r in rows:
                out.append(" & ".join(tex(c) for c in r) + r" \\")
        out.append(r"\midrule")
        for k, v in self.info:
            out.append(rf"{tex(k)} & \multicolumn{{4}}{{r}}{{{tex(v)}}} \\")
        out.append(r"\bottomrule")
        out.append(r"\end{tabular}")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


def compare(
    *results: SpatialPanelResults, names: list[str] | tuple[str, ...] | None = None, digits: int = 4
) -> pd.DataFrame:
    """Side-by-side table of several fits (e.g. SAR | SEM | SDM).

    Rows are a (parameter, statistic) MultiIndex: for each parameter ``coef`` (with stars) and
    ``se`` (in parentheses), then the fit rows ``sigma2``, ``loglik``, ``r2``, ``aic``, ``bic``,
    ``nobs``, ``effects``, ``bias_correction``. Cells of parameters a model does not have are empty.
    """
    if not results:
        raise ConfigError("compare() needs at least one fitted result; pass res1, res2, ...")
    if names is None:
        names = [_MODEL_NAMES.get(r.spec.model, r.spec.model) for r in results]
    names = list(names)
    if len(names) != len(results):
        raise ConfigError(
            f"names has {len(names)} entries for {len(results)} results; give one name per result."
        )
    order: list[str] = []
    for block in ("Main", "W·x", "Spatial"):
        for r in results:
            for p in r.params.index:
                if _block(str(p)) == block and p not in order:
                    order.append(str(p))
    if "const" in order:
        order.remove("const")
        order.insert(0, "const")
    rows: dict[tuple[str, str], list[str]] = {}
    for p in order:
        rows[(p, "coef")] = []
        rows[(p, "se")] = []
        for r in results:
            if p in r.params.index:
                rows[(p, "coef")].append(f"{r.params[p]:.{digits}f}{stars(float(r.pvalues[p]))}")
                rows[(p, "se")].append(f"({r.std_errors[p]:.{digits}f})")
            else:
                rows[(p, "coef")].append("")
                rows[(p, "se")].append("")
    fit = {
        "sigma2": lambda r: f"{r.sigma2:.6g}",
        "loglik": lambda r: f"{r.loglik:.4f}",
        "r2": lambda r: f"{r.r2:.4f}",
        "aic": lambda r: f"{r.aic:.2f}",
        "bic": lambda r: f"{r.bic:.2f}",
        "nobs": lambda r: str(r.nobs),
        "effects": lambda r: r.spec.effects,
        "bias_correction": lambda r: r.bias_correction,
    }
    for key, fn in fit.items():
        rows[(key, "")] = [fn(r) for r in results]
    index = pd.MultiIndex.from_tuples(list(rows), names=["term", "statistic"])
    return pd.DataFrame(np.array(list(rows.values()), dtype=object), index=index, columns=names)
