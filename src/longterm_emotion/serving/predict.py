"""Arousal and valence for any audio file with the pipeline's trained model bundles.

Features come from ``data.features.features_for_audio`` (the function the pipeline's
feature extraction uses) and predictions from ``nets.training.predict`` (the function
the pipeline's final runs use), so a corpus recording gets the pipeline's own numbers.
Outputs per audio file ``<stem>``, in the output folder:

- ``<stem>.csv``: ``time`` (s, label rate of the bundles, rows by the corpus alignment
  rule), one column per dimension (mean over the ensemble members) and one
  ``<dimension>_std`` column (population standard deviation over the members);
- ``<dimension>/<stem>.arff``: the ensemble means in the AVEC 2016 gold standard format;
- ``<stem>.png``: both curves over time with the members' spread as a band.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from ..constants import DIMENSIONS
from ..data import corpus
from ..data.audio import audio_blocks
from ..data.features import features_for_audio
from ..errors import InputDataError
from ..nets import training
from .bundles import Bundle, choose, find_bundles

log = logging.getLogger(__name__)

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")


def ensemble_predictions(bundle: Bundle, stacked: np.ndarray) -> np.ndarray:
    """(members, rows) float64 predictions of a bundle's ensemble for stacked features (rows, in_dim).

    The members run one after another (Bundle.members); the numbers equal the vectorised
    ensemble's, which the pipeline used (tested against its predictions.csv).
    """
    if stacked.shape[1] != bundle.info["in_dim"]:
        raise ValueError(f"{bundle.path}: features have {stacked.shape[1]} columns, the network takes {bundle.info['in_dim']}")
    recording = [training.Recording(bundle.path.stem, torch.from_numpy(np.ascontiguousarray(stacked.T)).unsqueeze(0), None)]
    # member by member (bounded activations), each through the pipeline's own predict function
    return np.concatenate([training.predict(member, recording)[0] for member in bundle.members])


def _features_key(cfg: dict) -> str:
    return json.dumps(cfg, sort_keys=True)


def predict_audio(path, bundles: dict[str, Bundle]) -> pd.DataFrame:
    """Table time, <dimension>..., <dimension>_std... of one audio file (one bundle per dimension)."""
    path = Path(path)
    stacked_by_cfg: dict[str, np.ndarray] = {}
    columns: dict[str, np.ndarray] = {}
    rates = {b.info["label_rate"] for b in bundles.values()}
    if len(rates) > 1:
        raise InputDataError(path, f"the chosen bundles have different label rates {sorted(rates)}")
    for dimension, bundle in bundles.items():
        cfg = bundle.info["features"]
        key = _features_key(cfg)
        if key not in stacked_by_cfg:
            samples = audio_blocks(path, int(cfg["sample_rate"]))  # read block by block when no resampling is needed
            stacked_by_cfg[key] = features_for_audio(samples, cfg, source=path)[1]
        predictions = ensemble_predictions(bundle, stacked_by_cfg[key])
        columns[dimension] = predictions.mean(axis=0)
        columns[f"{dimension}_std"] = predictions.std(axis=0)
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise InputDataError(path, f"the chosen bundles' feature settings give different row counts {sorted(lengths)}")
    rows = lengths.pop()
    table = pd.DataFrame({"time": np.arange(rows) / rates.pop()})
    for dimension in bundles:
        table[dimension] = columns[dimension]
    for dimension in bundles:
        table[f"{dimension}_std"] = columns[f"{dimension}_std"]
    return table


def write_prediction(table: pd.DataFrame, out_dir, stem: str, bundles: dict[str, Bundle], audio_name: str) -> dict:
    """CSV, per-dimension ARFFs and PNG of one file's predictions; returns {kind: path}."""
    from ..reporting.plots import plot_emotion_curves  # matplotlib only where figures are drawn

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {"csv": out_dir / f"{stem}.csv", "png": out_dir / f"{stem}.png"}
    table.to_csv(written["csv"], index=False, float_format="%.6f")
    instance = re.sub(r"[\s,'\"%{}]", "_", stem)  # ARFF instance names are unquoted: no separators in them
    for dimension in bundles:
        written[dimension] = out_dir / dimension / f"{stem}.arff"
        corpus.write_gold_standard(written[dimension], instance, dimension, table["time"].to_numpy(),
                                   table[dimension].to_numpy())
    plot_emotion_curves(table, list(bundles), written["png"], title=describe(bundles, audio_name))
    return written


def describe(bundles: dict[str, Bundle], audio_name: str) -> str:
    """Figure title: the file, and per dimension the network, its ensemble size and its training corpus."""
    corpora = sorted({b.info["corpus_name"] for b in bundles.values()})
    nets = ", ".join(f"{d}: {b.network} ({len(b.info['seeds'])} members)" for d, b in bundles.items())
    return f"{audio_name}\n{nets}; trained on {' / '.join(corpora)}"


def audio_files(items) -> list[Path]:
    """The audio files named by `items`: files as given, folders by their *.wav/*.flac/*.ogg (sorted)."""
    files = []
    for item in map(Path, items):
        if item.is_dir():
            found = sorted(p for p in item.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
            if not found:
                raise InputDataError(item, f"folder holds no audio files ({', '.join(AUDIO_SUFFIXES)})")
            files += found
        elif item.is_file():
            files.append(item)
        else:
            raise InputDataError(item, "audio file does not exist")
    stems: dict[str, Path] = {}
    for path in files:
        if path.stem in stems:
            raise InputDataError(path, f"same name as {stems[path.stem]}: outputs {path.stem}.csv would collide")
        stems[path.stem] = path
    return files


def predict_files(audio, models, out_dir, network: str | None = None, dimensions=DIMENSIONS) -> list[dict]:
    """`longterm-emotion predict`: outputs for every audio file; `models` a results folder or a folder of bundles
    (or a list of bundle files). Returns the written paths per file."""
    files = audio_files(audio)
    paths = [Path(p) for p in models] if isinstance(models, (list, tuple)) else find_bundles(models)
    bundles = choose(paths, dimensions, network)
    for dimension, bundle in bundles.items():
        log.info("%s: %s (dev CCC %.3f, %d members, trained on %s, config %s) from %s", dimension, bundle.network,
                 bundle.info["dev_ccc"], len(bundle.info["seeds"]), bundle.info["corpus_name"],
                 bundle.info["config_hash"][:12], bundle.path)
    written = []
    for path in files:
        table = predict_audio(path, bundles)
        written.append(write_prediction(table, out_dir, path.stem, bundles, path.name))
        log.info("%s: %d rows (%.1f s) -> %s", path, len(table), len(table) / bundles[dimensions[0]].info["label_rate"],
                 written[-1]["csv"])
    return written
