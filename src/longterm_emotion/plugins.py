"""Modules of the user's that register networks or front ends (the config's `plugins` list).

Each item is a Python file (a path, relative to the working directory) or an importable
module name. The Snakefile loads them at start-up, and every job that builds a network
or a front end loads them again (its param `plugins`), as does `longterm-emotion predict`
for a bundle that records them.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from pathlib import Path

from .errors import InputDataError


def load(items) -> list[str]:
    """Import every plugin of `items` once per process; returns their module names."""
    names = []
    for item in items or ():
        item = str(item)
        if item.endswith(".py") or "/" in item or "\\" in item:
            path = Path(item).resolve()
            if not path.is_file():
                raise InputDataError(path, "plugin module does not exist (config key plugins)")
            name = "longterm_emotion_plugin_" + hashlib.sha256(str(path).encode()).hexdigest()[:12]
            if name not in sys.modules:
                spec = importlib.util.spec_from_file_location(name, path)
                module = importlib.util.module_from_spec(spec)
                sys.modules[name] = module
                try:
                    spec.loader.exec_module(module)
                except Exception:
                    del sys.modules[name]
                    raise
        else:
            name = item
            try:
                importlib.import_module(item)
            except ModuleNotFoundError as exc:
                raise InputDataError(item, f"plugin module cannot be imported ({exc}; config key plugins)") from None
        names.append(name)
    return names


def resolved(items, cwd=None) -> list[str]:
    """`items` with file paths made absolute (from `cwd`, default the working directory), as jobs and bundles
    need them wherever they run."""
    base = Path.cwd() if cwd is None else Path(cwd)
    out = []
    for item in items or ():
        item = str(item)
        is_file = item.endswith(".py") or "/" in item or "\\" in item
        out.append(str((base / item).resolve()) if is_file else item)
    return out
