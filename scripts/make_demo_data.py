"""Make the SYNTHETIC demo panel shipped in ``src/spatialpanel/data/datasets``.

Writes ``demo_panel.csv`` (31 provinces x 2014-2023, long format, fixed decimals per variable,
empty fields for the ~2 % missing cells) and ``demo_panel.meta.json`` (``"synthetic": true``,
generator version, seed, true parameters, SHA-256 of the CSV), both with
:func:`spatialpanel.data.demo.write_demo`. The generator and every parameter are documented in
``docs/demo-data.md``; the data are not the China Statistical Yearbook.

Run from the repository root with the project's environment::

    python scripts/make_demo_data.py                 # or: ... make_demo_data.py OUT_DIR [SEED]

The run is deterministic: ``tests/test_demo_data.py`` regenerates the files and checks that they
equal the shipped ones exactly.
"""

from __future__ import annotations

import sys
from pathlib import Path

from spatialpanel.data.demo import DEMO_SEED, write_demo

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "src" / "spatialpanel" / "data" / "datasets"


def main(argv: list[str]) -> int:
    """Write the two files; ``argv`` = [OUT_DIR [SEED]]."""
    out = Path(argv[0]) if argv else DEFAULT_DIR
    seed = int(argv[1]) if len(argv) > 1 else DEMO_SEED
    out.mkdir(parents=True, exist_ok=True)
    for path in write_demo(out, seed=seed):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
