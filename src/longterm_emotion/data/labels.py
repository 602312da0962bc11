"""Label files of a recording: reading (AVEC ARFF or CSV `time,value`), time checks, rate, alignment.

Label times are checked, never trusted: the first time must be 0 within half a step, every
step must be the label step within 1 % (plus the precision the times are printed with), and
no time may drift half a step or more off its grid point. AVEC-layout labels must be at the
pipeline's label rate; manifest labels may be at any uniform rate and are then resampled to
it with the cubic spline of the label study (analysis.downsampling.resample_trajectory).
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import numpy as np

from ..analysis.downsampling import resample_trajectory
from ..errors import InputDataError
from .corpus import check_increasing, number_field, read_gold_standard_rows
from .sources import RecordingSource

log = logging.getLogger(__name__)

LABEL_SUFFIXES = (".arff", ".csv")


def read_label_file(path) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """(times_s, values, file line of each row) of an AVEC ARFF gold standard or a `time,value` CSV."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".arff":
        return read_gold_standard_rows(path)
    if suffix == ".csv":
        return read_label_csv(path)
    raise InputDataError(path, f"label file type '{path.suffix}' unknown: expected .arff (AVEC) or .csv (time,value)")


def read_label_csv(path) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """A CSV label file: a header naming columns `time` and `value` (any case, ',' or ';'), one row per frame."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig", errors="strict")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputDataError(path, f"cannot read label file ({exc})") from None
    lines = [(n + 1, line) for n, line in enumerate(text.splitlines()) if line.strip()]
    if not lines:
        raise InputDataError(path, "label file is empty: expected a header `time,value` and one row per frame")
    header_line, header = lines[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    columns = [c.strip().strip("'\"").lower() for c in next(csv.reader([header], delimiter=delimiter))]
    for name in ("time", "value"):
        if columns.count(name) != 1:
            raise InputDataError(path, f"line {header_line}: header must name one column '{name}' "
                                       f"(found {', '.join(columns)}); expected `time,value`")
    time_col, value_col = columns.index("time"), columns.index("value")
    rows = lines[1:]
    if not rows:
        raise InputDataError(path, "label file has no data rows (header only)")
    times, values = np.empty(len(rows)), np.empty(len(rows))
    for i, (line_number, line) in enumerate(rows):
        fields = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
        if len(fields) != len(columns):
            raise InputDataError(path, f"line {line_number}: {len(fields)} fields, header has {len(columns)}")
        times[i] = number_field(path, line_number, fields[time_col].strip(), "time")
        values[i] = number_field(path, line_number, fields[value_col].strip(), "value")
    line_numbers = [n for n, _ in rows]
    check_increasing(path, times, line_numbers)
    return times, values, line_numbers


def _print_precision(times: np.ndarray) -> float:
    """The resolution the times are printed with (0.01 for 0.00, 0.04, ...); 0 if finer than 1e-9."""
    for decimals in range(10):
        scaled = times * 10.0**decimals
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-6):
            return 10.0**-decimals
    return 0.0


def check_times(path, times: np.ndarray, line_numbers: list[int], step: float, what: str) -> None:
    """Times must be 0, step, 2 step, ...: first within half a step of 0, each step within 1 %
    (plus the print precision), and none half a step or more off its grid point. `what` names
    the rate in messages (e.g. 'the label rate 25 Hz')."""
    slack = 1e-9
    if abs(times[0]) > step / 2 + slack:
        raise InputDataError(path, f"line {line_numbers[0]}: first frame time is {times[0]:g} s; "
                                   f"it must be 0 (within half a step, {step / 2:g} s, at {what})")
    steps = np.diff(times)
    tolerance = 0.01 * step + _print_precision(times) + slack
    bad = np.flatnonzero(np.abs(steps - step) > tolerance)
    if bad.size:
        i = int(bad[0])
        raise InputDataError(path, f"line {line_numbers[i + 1]}: frame step {steps[i]:g} s "
                                   f"(from {times[i]:g} s to {times[i + 1]:g} s); {what} needs {step:g} s (within 1 %)")
    drift = np.flatnonzero(np.abs(times - np.arange(times.size) * step) > step / 2 + slack)
    if drift.size:
        i = int(drift[0])
        raise InputDataError(path, f"line {line_numbers[i]}: frame time {times[i]:g} s should be {i * step:g} s "
                                   f"(row {i} at {what}): off by half a step or more")


def own_step(path, times: np.ndarray, line_numbers: list[int]) -> float:
    """The uniform time step of a label file at an unknown rate, after checking its times are uniform."""
    if times.size < 2:
        raise InputDataError(path, "only one label row: the label rate cannot be known")
    step = float(times[-1] - times[0]) / (times.size - 1)
    check_times(path, times, line_numbers, step, f"its own rate {1 / step:.6g} Hz")
    return step


def _at_rate(path, times, line_numbers, rate: float) -> bool:
    try:
        check_times(path, times, line_numbers, 1.0 / rate, f"the label rate {rate:g} Hz")
    except InputDataError:
        return False
    return True


def _resampled(source: RecordingSource, dimension: str, path: Path, times, values, step: float,
               rate: float, audio_rows: int) -> np.ndarray:
    """Labels at another rate, rebuilt at `rate` over the audio's rows with the label study's cubic spline."""
    audio_end = (audio_rows - 1) / rate
    if abs(times[-1] - audio_end) > step + 1e-9:
        raise InputDataError(path, f"{source.name}: labels end at {times[-1]:g} s but the audio's last label frame "
                                   f"is at {audio_end:g} s (more than one label step, {step:g} s, apart)")
    if times.size < 4:
        raise InputDataError(path, f"{times.size} label rows: resampling with a cubic spline needs at least 4")
    log.info("%s %s: labels at %.6g Hz in %s resampled to %g Hz with a cubic spline "
             "(analysis.downsampling.resample_trajectory, as the label study)",
             source.name, dimension, 1.0 / step, path, rate)
    return resample_trajectory(times, values, rate, audio_rows, "cubic")


def recording_labels(source: RecordingSource, rate: float, audio_rows: int) -> tuple[int, dict[str, np.ndarray] | None]:
    """(rows, labels) of a recording whose audio gives `audio_rows` rows at `rate` Hz.

    Unlabelled: (audio_rows, None). Otherwise every label file is read and its times checked;
    labels at the pipeline's rate are used as they are and must be within one row of the audio
    (their count then sets the rows, the alignment rule of features.py); manifest labels at
    another rate are resampled to the audio's rows. All dimensions must have the same length.
    """
    if source.labels is None:
        return audio_rows, None
    labels, paths = {}, {}
    for dimension, path in source.labels.items():
        path = Path(path)
        times, values, line_numbers = read_label_file(path)
        if not source.resample_labels:
            check_times(path, times, line_numbers, 1.0 / rate, f"the label rate {rate:g} Hz")
        elif not _at_rate(path, times, line_numbers, rate):
            step = own_step(path, times, line_numbers)
            values = _resampled(source, dimension, path, times, values, step, rate, audio_rows)
        if abs(len(values) - audio_rows) > 1:
            raise InputDataError(
                path,
                f"{len(values)} label rows but the audio gives {audio_rows} rows at the label rate "
                f"(labels and audio differ by more than one frame; audio {source.audio})",
            )
        labels[dimension], paths[dimension] = values, path
    lengths = {d: len(v) for d, v in labels.items()}
    first = next(iter(lengths))
    for dimension, length in lengths.items():
        if length != lengths[first]:
            raise InputDataError(paths[dimension], f"recording {source.name}: {length} label rows here but "
                                                   f"{lengths[first]} in {paths[first]} (dimensions differ in length)")
    return lengths[first], labels
