"""Specification tests, effects and the model-selection battery.

- :mod:`~spatialpanel.inference.lm`: panel LM tests (``lm_tests``), residual Moran's I, BSK tests;
- :mod:`~spatialpanel.inference.hypotheses`: ``TestResult``, Wald and LR tests;
- :mod:`~spatialpanel.inference.hausman`: Hausman FE vs RE and the robust Mundlak test;
- :mod:`~spatialpanel.inference.effects`: direct/indirect/total effects (``impacts``);
- :mod:`~spatialpanel.inference.selection`: the battery (``select_model``).
"""
