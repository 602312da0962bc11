"""One recording as the feature extractor sees it, whatever the corpus layout.

The AVEC 2016 folder reader (corpus.index_partition) and the CSV manifest reader
(manifest.index_partition) both produce a list of RecordingSource; features.extract_partition
takes that list, so any layout that can name its files works.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..constants import PARTITIONS


@dataclass(frozen=True)
class RecordingSource:
    """Where one recording's audio and label files are.

    partition: train, dev or test. name: the recording id (Kaldi key, row key of labels.csv).
    audio: the audio file (WAV, FLAC, OGG, ... anything soundfile reads).
    labels: one label file per dimension (AVEC ARFF or CSV `time,value`), or None when the
    recording is unlabelled (allowed in the test partition only).
    resample_labels: False (AVEC layout): label files must already be at the pipeline's label
    rate (first time 0, step 1/rate); True (manifest): any uniform rate, resampled to the
    pipeline's rate with a cubic spline.
    """

    partition: str
    name: str
    audio: Path
    labels: dict[str, Path] | None = None
    resample_labels: bool = False

    def files(self) -> list[Path]:
        """Every file the features of this recording read."""
        return [self.audio, *(self.labels or {}).values()]


def check_partition(partition: str) -> None:
    """A programming error (not bad data) if `partition` is not one of the pipeline's partitions."""
    if partition not in PARTITIONS:
        raise ValueError(f"unknown partition {partition!r}; valid: {', '.join(PARTITIONS)}")


def labels_required(partition: str) -> bool:
    """Train and dev must be labelled; test labels are optional (the public RECOLA release has none)."""
    return partition != "test"
