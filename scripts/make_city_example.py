"""Make the SYNTHETIC city-level example shipped in ``src/spatialpanel/examples/china_cities``.

Writes ``city_panel.csv`` (296 prefecture-level cities and municipalities x 2014-2023, the 30
variables of the provincial demo panel, long format) and ``city_panel.meta.json`` (``"synthetic":
true``, generator version, seed, the weights of the generator, true parameters, SHA-256 of the
CSV) with :func:`spatialpanel.data.demo_cities.write_city_example`. The study file ``study.toml``
beside them is written by hand. The data are not the China City Statistical Yearbook.

Run from the repository root with the project's environment::

    python scripts/make_city_example.py              # or: ... make_city_example.py OUT_DIR

The run is deterministic: ``tests/test_cities.py`` regenerates the files and checks that they
equal the shipped ones exactly.
"""

from __future__ import annotations

import sys
from pathlib import Path

from spatialpanel.data.demo_cities import write_city_example

DEFAULT_DIR = (
    Path(__file__).resolve().parents[1] / "src" / "spatialpanel" / "examples" / "china_cities"
)


def main(argv: list[str]) -> int:
    """Write the two files; ``argv`` = [OUT_DIR]."""
    out = Path(argv[0]) if argv else DEFAULT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for path in write_city_example(out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
