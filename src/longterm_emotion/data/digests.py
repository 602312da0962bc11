"""Content digests of corpus files, so that a file whose content changed reruns what reads it even when its
modification time was kept (`cp -p`, `rsync -a`), and so that one file cannot enter two partitions.

Hashing a whole corpus at every workflow start would cost seconds, so digests are cached by each file's
(size, modification time, status-change time, inode): copying content over a file always moves its
status-change time (ctime), which no copy tool can set back, so a cached digest is never stale.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from .sources import RecordingSource


def _key(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def file_digests(paths, cache_file=None) -> dict[str, str]:
    """{resolved path: sha256 of its content} of existing files (others are left out); `cache_file` keeps
    the digests of unchanged files between calls."""
    cache: dict = {}
    if cache_file is not None and Path(cache_file).is_file():
        with contextlib.suppress(OSError, ValueError):
            cache = json.loads(Path(cache_file).read_text())
    digests, changed = {}, False
    for path in dict.fromkeys(str(Path(p).resolve()) for p in paths):
        try:
            stat = os.stat(path)
        except OSError:
            continue
        if not os.path.isfile(path):
            continue
        entry = cache.get(path)
        if entry is None or entry[0] != _key(stat):
            with open(path, "rb") as handle:
                entry = [_key(stat), hashlib.file_digest(handle, "sha256").hexdigest()]
            cache[path], changed = entry, True
        digests[path] = entry[1]
    if cache_file is not None and changed:
        with contextlib.suppress(OSError):
            Path(cache_file).parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(cache_file).with_name(Path(cache_file).name + f".tmp{os.getpid()}")
            tmp.write_text(json.dumps(cache))
            os.replace(tmp, cache_file)
    return digests


def recording_digest(source: RecordingSource, digests: dict[str, str]) -> str:
    """One digest of a recording's files (audio, then its label files by dimension)."""
    parts = [digests.get(str(Path(source.audio).resolve()), "missing")]
    parts += [f"{d}:{digests.get(str(Path(p).resolve()), 'missing')}" for d, p in sorted((source.labels or {}).items())]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def shared_audio(sources: list[RecordingSource], digests: dict[str, str]) -> list[str]:
    """One line per recording whose audio (by resolved path or by content) already backs another recording,
    naming both: the same audio under two recording ids puts one recording in two partitions (or twice in one),
    so a model can be scored on what it was trained on."""
    by_path: dict[str, RecordingSource] = {}
    by_content: dict[str, RecordingSource] = {}
    found = []
    for source in sources:
        path = str(Path(source.audio).resolve())
        where = f"{source.partition} recording {source.name}"
        if path in by_path:
            other = by_path[path]
            found.append(f"{path}: the same audio file is {where} and {other.partition} recording {other.name}")
            continue
        by_path[path] = source
        content = digests.get(path)
        if content is None:
            continue
        if content in by_content:
            other = by_content[content]
            found.append(f"{path}: same content as {other.audio} ({where} and {other.partition} recording "
                         f"{other.name}): one recording in two places")
            continue
        by_content[content] = source
    return found
