"""``python -m spatialpanel``: the same command line as ``spatialpanel``."""

from spatialpanel.cli import app

app(prog_name="spatialpanel")
