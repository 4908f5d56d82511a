"""The README's Python snippet runs as written (issue 14: it used undefined names)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_python_snippet_runs_as_written(capsys) -> None:  # type: ignore[no-untyped-def]
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README shows no Python snippet"
    for block in blocks:
        namespace: dict[str, object] = {}
        exec(compile(block, str(README), "exec"), namespace)
    assert "SDM panel" in capsys.readouterr().out  # the summary of the SDM was printed
