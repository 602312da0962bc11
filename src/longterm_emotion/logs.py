"""Send a pipeline step's progress messages to its Snakemake log file."""

from __future__ import annotations

import contextlib
import logging
import sys
import traceback
from pathlib import Path


@contextlib.contextmanager
def logged(path):
    """Log to `path` (and keep errors visible on stderr): messages, prints and tracebacks."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handler = logging.StreamHandler(handle)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        try:
            with contextlib.redirect_stdout(handle):
                yield
        except Exception as exc:
            traceback.print_exc(file=handle)
            print(f"ERROR: {exc}", file=sys.stderr)
            raise
        finally:
            root.removeHandler(handler)
