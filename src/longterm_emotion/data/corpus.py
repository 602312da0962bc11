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

from ..errors import InputDataError
from .sources import RecordingSource, check_partition, labels_required

RATERS = ("FM1", "FM2", "FM3", "FF1", "FF2", "FF3")
AUDIO_DIR = "recordings_audio"
GOLD_DIR = "ratings_gold_standard"
RATINGS_DIR = "ratings_individual"
CENTRED_DIR = "ratings_individual_centred"

_RECORDING = re.compile(r"^(train|dev|test)_(\d+)$")
_ATTRIBUTE = re.compile(r"""^@attribute\s+(?:'([^']*)'|"([^"]*)"|(\S+))\s+\S""", re.IGNORECASE)

# The name figures and tables give the built-in corpus.
SYNTHETIC_NAME = "synthetic RECOLA-layout corpus"


def display_name(data_dir: str | Path | None, corpus_name: str | None = None, manifest: str | Path | None = None) -> str:
    """The corpus's name on figures and tables: ``corpus_name`` when given, otherwise what is known.

    The synthetic corpus (``data_dir`` None) is named as such; a corpus read from
    ``data_dir`` is named by its folder only, e.g. "AVEC 2016-layout corpus 'AVEC2016'"
    (the layout is all the reader checks, so it is not called RECOLA, and no path of
    the user's machine is printed); a corpus listed in a manifest is named by the manifest's file name.
    """
    if corpus_name:
        return corpus_name
    if manifest:
        return f"corpus of manifest '{Path(manifest).name}'"
    if data_dir is None:
        return SYNTHETIC_NAME
    path = Path(data_dir)
    folder = path.name if path.name not in ("", "..") else path.resolve().name  # ".", "..", "a/.."
    return f"AVEC 2016-layout corpus '{folder}'" if folder else "AVEC 2016-layout corpus"


def _matching_files(folder: Path, partition: str, suffix: str) -> list[Path]:
    """Entries `{partition}_N{suffix}` of folder, the extension in any case, in numeric order."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _RECORDING.match(path.stem)
        if match and match.group(1) == partition and path.suffix.lower() == suffix:
            found.append((int(match.group(2)), path.stem, path.name, path))
    return [path for *_, path in sorted(found)]


def _by_recording(paths: list[Path]) -> dict[str, Path]:
    """{recording: path}; two files of one recording whose names differ only in case are an error."""
    by_name: dict[str, Path] = {}
    for path in paths:
        if path.stem in by_name:
            raise InputDataError(path, f"two files for recording {path.stem} differ only in case: "
                                       f"{by_name[path.stem].name} and {path.name}; keep one")
        by_name[path.stem] = path
    return by_name


def audio_files_of(corpus_dir, partition: str) -> list[Path]:
    """The `{partition}_N.wav` files (extension in any case) of an AVEC 2016 layout folder; lenient: [] if none."""
    return _matching_files(Path(corpus_dir) / AUDIO_DIR, partition, ".wav")


def _audio_files(corpus_dir, partition: str) -> dict[str, Path]:
    check_partition(partition)
    audio_dir = Path(corpus_dir) / AUDIO_DIR
    if not audio_dir.is_dir():
        raise InputDataError(audio_dir, "audio folder not found; is data_dir a RECOLA AVEC 2016 release?")
    audio = _by_recording(_matching_files(audio_dir, partition, ".wav"))
    if not audio:
        raise InputDataError(audio_dir, f"partition '{partition}' has no recordings ({partition}_N.wav)")
    return audio


def index_partition(corpus_dir, partition: str, dimensions) -> list[RecordingSource]:
    """The recordings of one partition of an AVEC 2016 layout folder, with their gold standards.

    Audio is recordings_audio/{partition}_N.wav, the extension in any case. In train and dev,
    every recording needs a gold standard per dimension and every gold standard needs its
    audio; the error names both sides. A test recording is either labelled in every
    dimension or in none; a test gold standard without audio is an error too.
    """
    audio = _audio_files(corpus_dir, partition)
    audio_dir = Path(corpus_dir) / AUDIO_DIR
    gold = {}
    for dimension in dimensions:
        folder = Path(corpus_dir) / GOLD_DIR / dimension
        if labels_required(partition) and not folder.is_dir():
            raise InputDataError(folder, f"dimension '{dimension}' has no gold-standard folder")
        gold[dimension] = _by_recording(_matching_files(folder, partition, ".arff"))
        for name, path in gold[dimension].items():
            if name not in audio:
                raise InputDataError(path, f"gold standard without audio: {audio_dir / name}.wav is missing")
    sources = []
    for name, wav in audio.items():
        labels = {d: gold[d][name] for d in dimensions if name in gold[d]}
        if labels or labels_required(partition):
            for dimension in dimensions:
                if dimension not in labels:
                    expected = gold_standard_path(corpus_dir, dimension, name)
                    raise InputDataError(wav, f"audio without {dimension} gold standard: {expected} is missing")
        sources.append(RecordingSource(partition, name, wav, labels or None))
    return sources


def corpus_files(corpus_dir, partition: str, dimensions) -> list[Path]:
    """Every file the features of a partition read: its audio and gold standards, in a fixed order.

    Lenient on purpose (for the workflow's input lists): it never raises on a corpus problem
    and lists whatever matches, orphans and case duplicates included, so that adding,
    removing or editing any of them reruns the partition, whose job then reports the problem.
    """
    check_partition(partition)
    root = Path(corpus_dir)
    files = _matching_files(root / AUDIO_DIR, partition, ".wav")
    for dimension in dimensions:
        files += _matching_files(root / GOLD_DIR / dimension, partition, ".arff")
    return files


def audio_path(corpus_dir, recording: str) -> Path:
    return Path(corpus_dir) / AUDIO_DIR / f"{recording}.wav"


def gold_standard_path(corpus_dir, dimension: str, recording: str) -> Path:
    return Path(corpus_dir) / GOLD_DIR / dimension / f"{recording}.arff"


def ratings_path(corpus_dir, dimension: str, recording: str, centred: bool = False) -> Path:
    folder = CENTRED_DIR if centred else RATINGS_DIR
    return Path(corpus_dir) / folder / dimension / f"{recording}.csv"


def read_gold_standard(path) -> tuple[np.ndarray, np.ndarray]:
    """Parse an AVEC ARFF gold standard into (frame_times_s, values).

    The header is read by its @attribute lines; data starts after @data. The time column
    is the attribute frameTime, the value column the attribute GoldStandard (names in any
    case; none or two of either is an error). Instance names may be quoted or not. Times
    must increase strictly; every value must be a finite number.
    """
    times, values, _ = read_gold_standard_rows(path)
    return times, values


def read_gold_standard_rows(path) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """read_gold_standard plus the file line number of each row (for error messages)."""
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
            match = _ATTRIBUTE.match(stripped)
            if not match:
                raise InputDataError(path, f"line {number + 1}: malformed @attribute line")
            attributes.append(next(g for g in match.groups() if g is not None))
        elif lower.startswith("@data"):
            data_start = number + 1
            break
    if data_start is None:
        raise InputDataError(path, "no @data line: not an ARFF gold standard")
    time_col = _attribute_index(path, attributes, "frameTime")
    value_col = _attribute_index(path, attributes, "GoldStandard")
    rows = [(n + data_start + 1, ln) for n, ln in enumerate(lines[data_start:]) if ln.strip() and not ln.lstrip().startswith("%")]
    if not rows:
        raise InputDataError(path, "gold standard has no data rows")
    times = np.empty(len(rows))
    values = np.empty(len(rows))
    for i, (line_number, line) in enumerate(rows):
        fields = next(csv.reader(io.StringIO(line), quotechar="'", skipinitialspace=True))
        if len(fields) != len(attributes):
            raise InputDataError(path, f"line {line_number}: {len(fields)} fields, header declares {len(attributes)}")
        times[i] = number_field(path, line_number, fields[time_col], attributes[time_col])
        values[i] = number_field(path, line_number, fields[value_col], attributes[value_col])
    line_numbers = [line_number for line_number, _ in rows]
    check_increasing(path, times, line_numbers)
    return times, values, line_numbers


def _attribute_index(path, attributes: list[str], name: str) -> int:
    found = [i for i, a in enumerate(attributes) if a.lower() == name.lower()]
    if len(found) != 1:
        what = "no" if not found else f"{len(found)}"
        raise InputDataError(path, f"{what} {name} attribute{'s' if found else ''} in the header "
                                   f"(attributes: {', '.join(attributes) or 'none'}); expected exactly one")
    return found[0]


def number_field(path, line_number: int, field: str, column: str) -> float:
    """A finite number from a text field, or InputDataError naming file, line and column."""
    try:
        value = float(field)
    except ValueError:
        raise InputDataError(path, f"line {line_number}: {column} is not a number: {field!r}") from None
    if not np.isfinite(value):
        raise InputDataError(path, f"line {line_number}: {column} is {field}")
    return value


def check_increasing(path, times: np.ndarray, line_numbers: list[int]) -> None:
    steps = np.diff(times)
    if np.any(steps <= 0):
        bad = int(np.argmax(steps <= 0))
        raise InputDataError(
            path,
            f"line {line_numbers[bad + 1]}: frame times are not increasing: "
            f"{times[bad + 1]:.3f} s after {times[bad]:.3f} s",
        )


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
