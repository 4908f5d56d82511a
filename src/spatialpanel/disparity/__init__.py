"""disparity."""
