"""Package surface: every public name resolves; the CLI imports no numerics at start-up."""

from __future__ import annotations

import subprocess
import sys

import spatialpanel as sp


def test_every_export_resolves() -> None:
    for name in sp.__all__:
        assert getattr(sp, name) is not None, name


def test_cli_help_does_not_import_numerics() -> None:
    code = (
        "import sys, spatialpanel.cli; "
        "print(sorted(m for m in ('numpy', 'pandas', 'scipy', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_attribute_is_an_attribute_error() -> None:
    try:
        sp.no_such_name  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")
