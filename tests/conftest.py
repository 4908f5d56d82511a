"""Settings for the whole test suite."""

from spatialpanel.linalg import factor

# An installation without the optional [cholmod] extra factorises with SciPy's SuperLU: every
# test runs that default path whatever is installed, and the tests of the CHOLMOD backend ask
# for it explicitly (tests/test_perf_search.py, skipped where cvxopt is absent).
factor.BACKEND = "superlu"
