"""Data layer: readers, validation at the boundary, missing-value filling, bundled datasets."""
