"""Sphinx configuration of the documentation site (built by tests/test_docs.py, strict mode).

    sphinx-build -W --keep-going -n -b html docs docs/_build/html

Markdown pages (MyST), the API reference generated from the numpy docstrings (autosummary +
numpydoc), and the examples in docs/examples, MyST notebooks executed at every build (myst-nb).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
# the examples' kernels document this source tree too, whatever is installed
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
)

import spatialpanel  # noqa: E402

project = "spatialpanel"
author = "spatialpanel developers"
copyright = "spatialpanel developers"
version = release = spatialpanel.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "jupyter_execute", "generated/*.md"]

# Markdown (MyST): $...$ math, heading anchors for links such as conventions.md#section
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 4

# examples: executed at every build; an error in a cell fails the build
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 900
nb_execution_show_tb = True
nb_merge_streams = True

# API reference: one page per public module (written below), its members from __all__
autodoc_typehints = "none"  # the numpy docstrings state the types
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# missing references fail the build (-n) for our own names; external types (pandas, numpy,
# scipy, ...) are not linked, since the build has no network for their inventories
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(pd|pandas|np|numpy|scipy|sps|matplotlib|plt|mpl|gpd|geopandas|libpysal|"
     r"shapely|pyarrow|typing|collections|pathlib|datetime|os|io|re)(\..*)?"),
    (r"py:.*", r"(NDArray|ArrayLike|DataFrame|Series|Index|MultiIndex|Figure|Axes|Path|"
     r"Literal|Callable|Sequence|Mapping|Iterable|Hashable|Any|optional|callable|iterable)"),
]

html_theme = "pydata_sphinx_theme"
html_title = f"spatialpanel {release}"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
html_static_path: list[str] = []


# the command line is documented in the user guide; the report writers and the study stages are
# the machinery behind `spatialpanel run` (their docstrings are being rewritten, issue 19 notes)
SKIP = {"spatialpanel.cli"}
SKIP_TREES = ("spatialpanel.report", "spatialpanel.study.stages")


def public_modules() -> list[tuple[str, bool]]:
    """(dotted name, is a package) of every public module: no part starting with ``_``."""
    found = []
    for path in sorted((ROOT / "src" / "spatialpanel").rglob("*.py")):
        parts = list(path.relative_to(ROOT / "src").with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts = parts[:-1]
        name = ".".join(parts)
        if any(p.startswith("_") for p in parts) or name in SKIP or name == "spatialpanel":
            continue
        if name.startswith(SKIP_TREES):
            continue
        found.append((name, package))
    return found


def _write(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _write_reference() -> None:
    """docs/generated: one page per public module (a package's page lists its modules), the
    module index, and the table of ``spatialpanel.__all__`` (included by api.md)."""
    out = ROOT / "docs" / "generated"
    out.mkdir(exist_ok=True)
    modules = public_modules()
    for stale in out.glob("*.rst"):
        if stale.stem not in {m for m, _ in modules}:
            stale.unlink()
    for name, package in modules:
        title = f"``{name}``"
        lines = [title, "=" * len(title), "", f".. automodule:: {name}"]
        if package:
            children = [m for m, _ in modules if m.rpartition(".")[0] == name]
            lines += ["", ".. toctree::", "   :maxdepth: 1", ""] + [f"   {m}" for m in children]
        else:
            lines += ["   :members:", "   :show-inheritance:"]
        _write(out / f"{name}.rst", "\n".join(lines) + "\n")
    top = [m for m, _ in modules if m.count(".") == 1]
    _write(
        out / "modules.md",
        "```{toctree}\n:maxdepth: 1\n\n" + "\n".join(f"generated/{m}" for m in top) + "\n```\n",
    )
    exports = dict(spatialpanel._EXPORTS)
    rows = ["| name | documented in |", "|---|---|"]
    for name in sorted(exports):
        module = exports[name]
        rows.append(f"| {{py:obj}}`sp.{name} <{module}.{name}>` | {{py:mod}}`{module}` |")
    rows.append(f"| `sp.__version__` | `spatialpanel` ({release}) |")
    _write(out / "exports.md", "\n".join(rows) + "\n")


_write_reference()


def _public_bases(app: object, name: str, obj: object, options: object, bases: list) -> None:
    """Private mixins (spatialpanel._display.FrameDisplay) are not shown as base classes."""
    bases[:] = [b for b in bases if not getattr(b, "__module__", "").startswith("spatialpanel._")]


def setup(app: object) -> None:
    app.connect("autodoc-process-bases", _public_bases)  # type: ignore[attr-defined]
