"""autocorr."""
