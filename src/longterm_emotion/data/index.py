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


def partition_files(partition: str, dimensions, *, data_dir=None, manifest=None) -> list[Path]:
    """corpus.corpus_files(data_dir, ...) or manifest.manifest_files(manifest, ...): a job's input files."""
    _one_of(data_dir, manifest)
    if manifest is not None:
        return manifest_reader.manifest_files(manifest, partition, dimensions)
    return corpus.corpus_files(data_dir, partition, dimensions)
