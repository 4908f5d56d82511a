"""Composite indices and the index-side tools of the genre (nothing spatial here).

- ``spec``: indicator systems (column -> dimension, direction) and input checks;
- ``weighting``: min-max standardisation; entropy, CRITIC, coefficient-of-variation and equal
  weights, pooled over the panel or per year;
- ``composite``: :func:`~spatialpanel.indices.composite.composite_index` and its
  :class:`~spatialpanel.indices.composite.IndexResult` (weights, dimension
  weights, score and dimension sub-indices);
- ``topsis``: TOPSIS closeness (entropy-TOPSIS; min-max or vector normalisation);
- ``coupling``: coupling coordination degree (classic and Wang et al. 2021) with its levels;
- ``obstacle``: obstacle degree per indicator and dimension, top obstacles per region;
- ``growth``: growth summary (first, last, change, average annual growth) and group means.

Formulas and conventions: ``docs/methods.md``.
"""
