"""The RECOLA AVEC 2016 release layout: one reader for the real release and the synthetic corpus.

Layout (see README): recordings_audio/{partition}_{n}.wav,
ratings_gold_standard/{dimension}/{recording}.arff,
ratings_individual[_centred]/{dimension}/{recording}.csv.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..constants import PARTITIONS
from ..errors import InputDataError

RATERS = ("FM1", "FM2", "FM3", "FF1", "FF2", "FF3")
AUDIO_DIR = "recordings_audio"
GOLD_DIR = "ratings_gold_standard"
RATINGS_DIR = "ratings_individual"
CENTRED_DIR = "ratings_individual_centred"

_RECORDING = re.compile(r"^(train|dev|test)_(\d+)$")

# The name figures and tables give the built-in corpus.
SYNTHETIC_NAME = "synthetic RECOLA-layout corpus"


def display_name(data_dir: str | Path | None, corpus_name: str | None = None) -> str:
    """The corpus's name on figures and tables: ``corpus_name`` when given, otherwise what is known.

    The synthetic corpus (``data_dir`` None) is named as such; a corpus read from
    ``data_dir`` is named by its folder only, e.g. "AVEC 2016-layout corpus 'AVEC2016'"
    (the layout is all the reader checks, so it is not called RECOLA, and no path of
    the user's machine is printed).
    """
    if corpus_name:
        return corpus_name
    if data_dir is None:
        return SYNTHETIC_NAME
    path = Path(data_dir)
    folder = path.name if path.name not in ("", "..") else path.resolve().name  # ".", "..", "a/.."
    return f"AVEC 2016-layout corpus '{folder}'" if folder else "AVEC 2016-layout corpus"


def list_recordings(corpus_dir, partition: str) -> list[str]:
    """Recording ids of a partition (e.g. train_1 ... train_9), in numeric order."""
    if partition not in PARTITIONS:
        raise ValueError(f"unknown partition {partition!r}; valid: {', '.join(PARTITIONS)}")
    audio_dir = Path(corpus_dir) / AUDIO_DIR
    if not audio_dir.is_dir():
        raise InputDataError(audio_dir, "audio folder not found; is data_dir a RECOLA AVEC 2016 release?")
    ids = []
    for wav in audio_dir.glob(f"{partition}_*.wav"):
        match = _RECORDING.match(wav.stem)
        if match:
            ids.append((int(match.group(2)), wav.stem))
    if not ids:
        raise InputDataError(audio_dir, f"partition '{partition}' has no recordings ({partition}_N.wav)")
    return [name for _, name in sorted(ids)]


def audio_path(corpus_dir, recording: str) -> Path:
    return Path(corpus_dir) / AUDIO_DIR / f"{recording}.wav"


def gold_standard_path(corpus_dir, dimension: str, recording: str) -> Path:
    return Path(corpus_dir) / GOLD_DIR / dimension / f"{recording}.arff"


def ratings_path(corpus_dir, dimension: str, recording: str, centred: bool = False) -> Path:
    folder = CENTRED_DIR if centred else RATINGS_DIR
    return Path(corpus_dir) / folder / dimension / f"{recording}.csv"


def labels_required(partition: str) -> bool:
    """Train and dev must be labelled; test labels are optional (the public release has none)."""
    return partition != "test"


def read_gold_standard(path) -> tuple[np.ndarray, np.ndarray]:
    """Parse an AVEC ARFF gold standard into (frame_times_s, values).

    The header is read by its @attribute lines; data starts after @data. Instance
    names may be quoted or not. Times must increase strictly; every value must be
    a finite number.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="strict")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputDataError(path, f"cannot read gold standard ({exc})") from None
    lines = text.splitlines()
    attributes, data_start = [], None
    for number, line in enumerate(lines):
        stripped = line.strip()
        lower = stripped.lower()
        if lower.startswith("@attribute"):
            parts = stripped.split()
            if len(parts) < 3:
                raise InputDataError(path, f"line {number + 1}: malformed @attribute line")
            attributes.append(parts[1].strip("'\"").lower())
        elif lower.startswith("@data"):
            data_start = number + 1
            break
    if data_start is None:
        raise InputDataError(path, "no @data line: not an ARFF gold standard")
    try:
        time_col = attributes.index("frametime")
        value_col = next(i for i, a in enumerate(attributes) if a not in ("instance_name", "frametime"))
    except (ValueError, StopIteration):
        raise InputDataError(path, f"expected attributes frameTime and a value column, found {attributes}") from None
    rows = [(n + data_start + 1, ln) for n, ln in enumerate(lines[data_start:]) if ln.strip() and not ln.lstrip().startswith("%")]
    if not rows:
        raise InputDataError(path, "gold standard has no data rows")
    times = np.empty(len(rows))
    values = np.empty(len(rows))
    for i, (line_number, line) in enumerate(rows):
        fields = next(csv.reader(io.StringIO(line), quotechar="'", skipinitialspace=True))
        if len(fields) != len(attributes):
            raise InputDataError(path, f"line {line_number}: {len(fields)} fields, header declares {len(attributes)}")
        times[i] = _number(path, line_number, fields[time_col], "frameTime")
        values[i] = _number(path, line_number, fields[value_col], attributes[value_col])
    _check_times(path, times, [line_number for line_number, _ in rows])
    return times, values


def _number(path, line_number: int, field: str, column: str) -> float:
    try:
        value = float(field)
    except ValueError:
        raise InputDataError(path, f"line {line_number}: {column} is not a number: {field!r}") from None
    if not np.isfinite(value):
        raise InputDataError(path, f"line {line_number}: {column} is {field}")
    return value


def _check_times(path, times: np.ndarray, line_numbers: list[int]) -> None:
    steps = np.diff(times)
    if np.any(steps <= 0):
        bad = int(np.argmax(steps <= 0))
        raise InputDataError(
            path,
            f"line {line_numbers[bad + 1]}: frame times are not increasing: "
            f"{times[bad + 1]:.3f} s after {times[bad]:.3f} s",
        )


def read_ratings(path) -> pd.DataFrame:
    """Individual ratings CSV (';' or ',' delimited) as a DataFrame with stripped column names."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as handle:
            header = handle.readline()
        frame = pd.read_csv(path, sep=";" if header.count(";") >= header.count(",") else ",")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputDataError(path, f"cannot read ratings ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    raters = [c for c in frame.columns if c in RATERS]
    if not raters:
        raise InputDataError(path, f"no rater columns ({', '.join(RATERS)}) in header {list(frame.columns)}")
    for column in raters:
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.isna().any():
            row = int(values.isna().to_numpy().argmax())
            raise InputDataError(path, f"row {row + 2}: rater {column} is not a number: {frame[column].iloc[row]!r}")
    return frame


def read_labels(corpus_dir, partition: str, recording: str, dimensions) -> dict[str, np.ndarray] | None:
    """Gold standard of each dimension for a recording, or None for an unlabelled test recording.

    A train or dev recording without labels, a dimension folder that is missing,
    or a test recording labelled for some dimensions but not others is an error.
    """
    paths = {d: gold_standard_path(corpus_dir, d, recording) for d in dimensions}
    present = {d: p.is_file() for d, p in paths.items()}
    if not any(present.values()) and not labels_required(partition):
        return None
    for dimension, path in paths.items():
        if not path.parent.is_dir():
            raise InputDataError(path.parent, f"dimension '{dimension}' has no gold-standard folder")
        if not present[dimension]:
            raise InputDataError(path, f"gold standard for {recording} ({dimension}) is missing")
    return {d: read_gold_standard(p)[1] for d, p in paths.items()}


def write_gold_standard(path, recording: str, dimension: str, times, values) -> None:
    """Write an AVEC 2016 ARFF gold standard."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{recording},{t:.2f},{v:.6f}\n" for t, v in zip(times, values, strict=True))
    header = (
        f"@relation GOLDSTANDARD_{dimension}\n\n"
        "@attribute Instance_name string\n@attribute frameTime numeric\n@attribute GoldStandard numeric\n\n"
        "@data\n\n"
    )
    path.write_text(header + body, encoding="utf-8")


def write_ratings(path, times, ratings: np.ndarray) -> None:
    """Write individual ratings as `time;FM1;...;FF3`, ratings shape (frames, 6)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["time;" + ";".join(RATERS)]
    lines += [f"{t:.2f};" + ";".join(f"{r:.6f}" for r in row) for t, row in zip(times, ratings, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
