"""Corpora in any layout: a CSV manifest naming each recording's audio and label files.

Columns (header names in any case, in any order; other columns are ignored):

    partition,recording,audio,arousal,valence
    train,spk01_a,audio/spk01_a.flac,labels/spk01_a_arousal.csv,labels/spk01_a_valence.csv
    test,spk09_c,/data/spk09_c.wav,,

partition is train, dev or test; recording a unique id (letters, digits, '.', '_', '-');
audio any file soundfile reads (WAV, FLAC, OGG, ...); one label column per dimension of the
config, each an AVEC ARFF gold standard or a CSV `time,value`, at any uniform rate (resampled
to the pipeline's label rate with the label study's cubic spline, and logged). Paths are
absolute or relative to the manifest's folder. Label cells may be empty only in the test
partition, and then for every dimension of the row. Any problem stops with one line naming
the manifest, the line and the problem.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

from ..constants import PARTITIONS
from ..errors import InputDataError
from .labels import LABEL_SUFFIXES
from .sources import RecordingSource, check_partition, labels_required

REQUIRED_COLUMNS = ("partition", "recording", "audio")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _rows(manifest: Path) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """(header line, lower-case column names, [(line, cells)]) of the manifest's non-blank rows."""
    try:
        text = manifest.read_text(encoding="utf-8-sig", errors="strict")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputDataError(manifest, f"cannot read manifest ({exc})") from None
    reader = csv.reader(io.StringIO(text))
    rows = []
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, [cell.strip() for cell in cells]))
    except csv.Error as exc:
        raise InputDataError(manifest, f"line {reader.line_num}: not valid CSV ({exc})") from None
    if not rows:
        raise InputDataError(manifest, "manifest is empty: expected a header partition,recording,audio,<dimensions>")
    header_line, header = rows[0]
    return header_line, [name.lower() for name in header], rows[1:]


def _resolve(manifest: Path, cell: str) -> Path:
    path = Path(cell).expanduser()
    return Path(os.path.abspath(path if path.is_absolute() else manifest.parent / path))


def read_manifest(manifest_path, dimensions) -> list[RecordingSource]:
    """Every recording of a manifest, in file order, after checking the whole manifest.

    Raises InputDataError(manifest, "line N (recording): problem") for a missing column, an
    unknown partition, a duplicate or malformed recording id, a missing audio or label file,
    a label file of unknown type, an unlabelled train or dev recording, or a recording
    labelled in some dimensions but not others.
    """
    manifest = Path(manifest_path)
    dimensions = list(dimensions)
    header_line, columns, rows = _rows(manifest)
    for name in sorted(set(columns)):
        if name and columns.count(name) > 1:
            raise InputDataError(manifest, f"line {header_line}: column '{name}' appears {columns.count(name)} times")
    for name in (*REQUIRED_COLUMNS, *dimensions):
        if name.lower() not in columns:
            raise InputDataError(manifest, f"line {header_line}: no column '{name}' (columns: {', '.join(columns)}); "
                                           f"a manifest needs {', '.join((*REQUIRED_COLUMNS, *dimensions))}")
    index = {name: columns.index(name.lower()) for name in (*REQUIRED_COLUMNS, *dimensions)}
    if not rows:
        raise InputDataError(manifest, "manifest lists no recordings")
    seen: dict[str, int] = {}
    sources = []
    for line, cells in rows:
        if len(cells) != len(columns):
            raise InputDataError(manifest, f"line {line}: {len(cells)} fields, header has {len(columns)}")
        partition, name, audio = (cells[index[c]] for c in REQUIRED_COLUMNS)
        where = f"line {line} ({name or 'no recording id'})"
        if not name:
            raise InputDataError(manifest, f"line {line}: empty recording id")
        if not _NAME.match(name):
            raise InputDataError(manifest, f"{where}: recording id {name!r} may hold only letters, digits, '.', '_' "
                                           "and '-', starting with a letter or digit")
        if partition not in PARTITIONS:
            raise InputDataError(manifest, f"{where}: unknown partition {partition!r} (valid: {', '.join(PARTITIONS)})")
        if name in seen:
            raise InputDataError(manifest, f"{where}: recording {name} is already on line {seen[name]}")
        seen[name] = line
        if not audio:
            raise InputDataError(manifest, f"{where}: no audio file")
        audio_path = _resolve(manifest, audio)
        if audio_path.is_dir():
            raise InputDataError(manifest, f"{where}: audio {audio_path} is a folder, not an audio file")
        if not audio_path.is_file():
            raise InputDataError(manifest, f"{where}: audio file not found: {audio_path}")
        cells_by_dimension = {d: cells[index[d]] for d in dimensions}
        given = [d for d in dimensions if cells_by_dimension[d]]
        labels = None
        if given or labels_required(partition):
            missing = [d for d in dimensions if d not in given]
            if missing and not given:
                raise InputDataError(manifest, f"{where}: {partition} recording without label files "
                                               f"({', '.join(missing)}); train and dev must be labelled")
            if missing:
                raise InputDataError(manifest, f"{where}: no label file for {', '.join(missing)} but one for "
                                               f"{', '.join(given)}; label every dimension or none (test only)")
            labels = {}
            for dimension in dimensions:
                label_path = _resolve(manifest, cells_by_dimension[dimension])
                if label_path.suffix.lower() not in LABEL_SUFFIXES:
                    raise InputDataError(manifest, f"{where}: {dimension} label file {label_path} is neither "
                                                   ".arff (AVEC) nor .csv (time,value)")
                if label_path.is_dir():
                    raise InputDataError(manifest, f"{where}: {dimension} label file {label_path} is a folder")
                if not label_path.is_file():
                    raise InputDataError(manifest, f"{where}: {dimension} label file not found: {label_path}")
                labels[dimension] = label_path
        sources.append(RecordingSource(partition, name, audio_path, labels, resample_labels=True))
    return sources


def index_partition(manifest_path, partition: str, dimensions) -> list[RecordingSource]:
    """The recordings of one partition, in manifest order (the whole manifest is checked)."""
    check_partition(partition)
    sources = [s for s in read_manifest(manifest_path, dimensions) if s.partition == partition]
    if not sources:
        raise InputDataError(manifest_path, f"partition '{partition}' has no recordings in the manifest")
    return sources


def manifest_partitions(manifest_path) -> set[str]:
    """The partition names a manifest's rows give (lenient: an unreadable manifest gives none; its jobs report it)."""
    try:
        _, columns, rows = _rows(Path(manifest_path))
    except InputDataError:
        return set()
    if "partition" not in columns:
        return set()
    column = columns.index("partition")
    return {cells[column] for _, cells in rows if len(cells) == len(columns)}


def manifest_files(manifest_path, partition: str, dimensions) -> list[Path]:
    """The manifest and every existing file the features of a partition read.

    Lenient on purpose (for the workflow's input lists): a manifest that does not parse, or
    files that do not exist, are left out, so that the features job itself reports them.
    """
    check_partition(partition)
    manifest = Path(manifest_path)
    if not manifest.is_file():
        return []
    files = [manifest]
    try:
        _, columns, rows = _rows(manifest)
    except InputDataError:
        return files
    wanted = [c for c in ("audio", *dimensions) if c.lower() in columns]
    if "partition" not in columns:
        return files
    for _, cells in rows:
        if len(cells) != len(columns) or cells[columns.index("partition")] != partition:
            continue
        for column in wanted:
            cell = cells[columns.index(column.lower())]
            if cell and _resolve(manifest, cell).is_file():
                files.append(_resolve(manifest, cell))
    return files


def write_manifest(manifest_path, sources: list[RecordingSource], dimensions) -> None:
    """Write sources as a manifest; paths inside the manifest's folder tree are written relative to it."""
    manifest = Path(manifest_path)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    base = Path(os.path.abspath(manifest.parent))

    def cell(path: Path) -> str:
        path = Path(os.path.abspath(path))
        return path.relative_to(base).as_posix() if path.is_relative_to(base) else str(path)

    with open(manifest, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*REQUIRED_COLUMNS, *dimensions])
        for s in sources:
            labels = [cell(s.labels[d]) if s.labels else "" for d in dimensions]
            writer.writerow([s.partition, s.name, cell(s.audio), *labels])
