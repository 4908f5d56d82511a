"""Make the SYNTHETIC city-level dataset of the bundled example ``china-cities-synthetic``.

Writes ``src/spatialpanel/data/datasets/china_cities_synthetic.csv`` (296 prefecture-level cities
and municipalities x 2014-2023, the 30 variables of the provincial demo panel, long format: one
row per city and year, the city's 6-digit GB/T 2260 code first) and
``china_cities_synthetic.meta.json`` (``"mark": "synthetic"``, the statistics the numbers are
not, generator version, seed, the weights of the generator, true parameters, units, SHA-256 of
the CSV) with :func:`spatialpanel.data.demo_cities.write_city_example`. The example's study file,
``src/spatialpanel/study/cities_study.toml``, and its entry in ``datasets/examples.toml`` are
written by hand. The data are not the China City Statistical Yearbook.

Run from the repository root with the project's environment::

    python scripts/make_city_example.py              # or: ... make_city_example.py OUT_DIR

The run is deterministic: ``tests/test_cities.py`` regenerates the files and checks that they
equal the shipped ones exactly.
"""

from __future__ import annotations

import sys
from pathlib import Path

from spatialpanel.data.demo_cities import write_city_example

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "src" / "spatialpanel" / "data" / "datasets"


def main(argv: list[str]) -> int:
    """Write the two files; ``argv`` = [OUT_DIR]."""
    out = Path(argv[0]) if argv else DEFAULT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for path in write_city_example(out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
