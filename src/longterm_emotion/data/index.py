"""One entry point for the recordings of a partition, whichever way the corpus is described."""

from __future__ import annotations

from pathlib import Path

from . import corpus
from . import manifest as manifest_reader
from .sources import RecordingSource


def _one_of(data_dir, manifest) -> None:
    if (data_dir is None) == (manifest is None):
        raise ValueError("give exactly one of data_dir (AVEC 2016 layout folder) and manifest (CSV)")


def index_partition(partition: str, dimensions, *, data_dir=None, manifest=None) -> list[RecordingSource]:
    """corpus.index_partition(data_dir, ...) or manifest.index_partition(manifest, ...)."""
    _one_of(data_dir, manifest)
    if manifest is not None:
        return manifest_reader.index_partition(manifest, partition, dimensions)
    return corpus.index_partition(data_dir, partition, dimensions)


def partitions(*, data_dir=None, manifest=None) -> list[str]:
    """The partitions a run uses: train and dev always (a corpus without them fails naming the problem in its
    feature jobs), test when the corpus has test recordings (a corpus may have no test partition)."""
    _one_of(data_dir, manifest)
    if manifest is not None:
        has_test = bool(manifest_reader.manifest_partitions(manifest) & {"test"})
    else:
        has_test = bool(corpus.audio_files_of(data_dir, "test"))
    return ["train", "dev", *(["test"] if has_test else [])]


def partition_files(partition: str, dimensions, *, data_dir=None, manifest=None) -> list[Path]:
    """corpus.corpus_files(data_dir, ...) or manifest.manifest_files(manifest, ...): a job's input files."""
    _one_of(data_dir, manifest)
    if manifest is not None:
        return manifest_reader.manifest_files(manifest, partition, dimensions)
    return corpus.corpus_files(data_dir, partition, dimensions)
