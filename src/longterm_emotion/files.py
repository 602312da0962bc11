"""Writing files so that a failure never leaves a half-written one: a temporary file beside the
target, flushed to disk, then renamed over it; on any error the temporary file is removed and the
error names the target file and the cause (a full disk's messages often name neither)."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path


class WriteError(OSError):
    """A file could not be written; the message names it and the cause."""

    def __init__(self, path, cause: str):
        self.path = str(path)
        super().__init__(errno.EIO, f"{path}: cannot write ({cause})")

    def __str__(self) -> str:
        return self.strerror


def _cause(exc: BaseException, folder: Path, written: int = 0) -> str:
    """A short cause for a failed write: the OS error, or what is found afterwards (a full disk, the process's
    file-size limit reached by the `written` bytes), rather than a library's internal message."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "no space left on the device"
    too_large = "file too large for the file system or the process's file-size limit (ulimit -f)"
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return too_large
    with contextlib.suppress(OSError):
        if os.statvfs(folder).f_bavail == 0:
            return "no space left on the device"
    with contextlib.suppress(ImportError, OSError, ValueError):
        import resource

        limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
        if limit != resource.RLIM_INFINITY and written >= limit:
            return too_large
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"the write failed: {first}"


def check_writable_folder(folder) -> Path:
    """The folder, created if needed; WriteError naming it when it is a file or cannot be written to."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise WriteError(folder, "it is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(folder, _cause(exc, folder.parent)) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(folder, "the folder is not writable")
    return folder


def _temporary(path: Path) -> Path:
    """A hidden temporary name beside `path` with the same suffix (writers that choose a format by suffix work)."""
    return path.with_name(f".{path.stem}.tmp{os.getpid()}{path.suffix}")


@contextlib.contextmanager
def atomic_paths(paths):
    """Yield {path: temporary path} for several files written together; when the block ends without
    error every temporary file is flushed to disk and renamed to its path, so a failure leaves none
    of them half-written. On any error the temporary files are removed and WriteError names the file."""
    paths = [Path(p) for p in paths]
    for folder in dict.fromkeys(p.parent for p in paths):
        check_writable_folder(folder)
    temporary = {path: _temporary(path) for path in paths}
    current = paths[0] if paths else None
    try:
        yield temporary
        for path, tmp in temporary.items():
            current = path
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
        for path, tmp in temporary.items():
            current = path
            os.replace(tmp, path)
    except BaseException as exc:
        found = {}  # path: (mtime, size) of the temporary files written so far
        for path, tmp in temporary.items():
            with contextlib.suppress(OSError):
                stat = tmp.stat()
                found[path] = (stat.st_mtime_ns, stat.st_size)
                tmp.unlink()
        if isinstance(exc, (OSError, RuntimeError)) and not isinstance(exc, WriteError):
            where = Path(exc.filename) if isinstance(exc, OSError) and exc.filename else None
            named = next((p for p, t in temporary.items() if where in (p, t)), None)
            if named is None:  # the file being written when it failed: the newest temporary one
                named = max(found, key=lambda p: found[p][0]) if found else current
            written = found.get(named, (0, 0))[1]
            raise WriteError(named, _cause(exc, named.parent, written)) from None
        raise


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside `path`, renamed to `path` when the block ends without error (atomic_paths)."""
    with atomic_paths([path]) as temporary:
        yield temporary[Path(path)]


def write_text(path, text: str) -> Path:
    """Write `text` (UTF-8) to `path` atomically."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return Path(path)


def save_torch(obj, path) -> Path:
    """torch.save `obj` to `path` atomically."""
    import torch

    with atomic_path(path) as tmp:
        torch.save(obj, tmp)
    return Path(path)
