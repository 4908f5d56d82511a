"""Produce the pymcdm reference numbers stored in tests/test_indices_weights.py.

Run (not part of the test suite; needs pymcdm 1.4.0 and tabulate, e.g. installed with
``pip install --target /tmp/pymcdm_ref pymcdm==1.4.0 tabulate``):

    PYTHONPATH=/tmp/pymcdm_ref python tests/data/indices/pymcdm_reference.py

pymcdm is an independent implementation: its own min-max normalisation (with cost types), its own
entropy, CRITIC and TOPSIS. Negative ("cost") indicators are passed as cost types.
"""

import numpy as np
from pymcdm import normalizations as norms
from pymcdm import weights as pw
from pymcdm.methods import TOPSIS

# 4 regions x 3 years (rows year-major: 2020 a b c d, 2021 a b c d, 2022 a b c d); columns
# x1 (+), x2 (-), x3 (+); the same numbers as PANEL in tests/test_indices_weights.py
X = np.array(
    [
        [1.0, 9.0, 30.0],
        [2.0, 7.0, 20.0],
        [4.0, 8.0, 25.0],
        [3.0, 5.0, 40.0],
        [2.0, 8.0, 35.0],
        [3.0, 6.0, 22.0],
        [5.0, 7.5, 24.0],
        [3.5, 4.0, 45.0],
        [2.5, 6.5, 38.0],
        [4.5, 5.5, 27.0],
        [6.0, 7.0, 26.0],
        [5.0, 3.0, 50.0],
    ]
)
types = np.array([1, -1, 1])


def z_of(block):
    return np.column_stack(
        [norms.minmax_normalization(block[:, j], cost=types[j] < 0) for j in range(block.shape[1])]
    )


np.set_printoptions(precision=15, floatmode="unique")
Z = z_of(X)
print("panel entropy shift 1e-4", repr(pw.entropy_weights(Z + 1e-4)))
for k, year in enumerate((2020, 2021, 2022)):
    block = X[4 * k : 4 * k + 4]
    print(f"year {year} entropy shift 1e-4", repr(pw.entropy_weights(z_of(block) + 1e-4)))
print("panel CRITIC", repr(pw.critic_weights(Z)))
w = pw.entropy_weights(Z + 1e-4)
print("panel TOPSIS minmax", repr(TOPSIS()(X, w, types)))
print("panel TOPSIS vector", repr(TOPSIS(norms.vector_normalization)(X, w, types)))
