"""Arousal and valence for any audio file with the pipeline's trained model bundles.

Features come from the bundle's front end through ``frontends.pipeline.stacked_samples``
(the same extraction, normalisation and stacking as the pipeline's) and predictions from ``nets.training.predict`` (the function
the pipeline's final runs use), so a corpus recording gets the pipeline's own numbers.
Outputs per audio file ``<stem>``, in the output folder:

- ``<stem>.csv``: ``time`` (s, label rate of the bundles, rows by the corpus alignment
  rule), one column per dimension (mean over the ensemble members) and one
  ``<dimension>_std`` column (population standard deviation over the members);
- ``<dimension>/<stem>.arff``: the ensemble means in the AVEC 2016 gold standard format;
- ``<stem>.png``: both curves over time with the members' spread as a band;
- ``<stem>.warnings.txt``, only when the audio is one the models cannot judge: shorter than the
  context the networks were trained to use, or without speech energy (also printed on stderr).

The features of a file are normalised with the file's own statistics, as each training recording
was (one speaker per file is assumed).
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
from ..data.audio import audio_blocks, by_stem, folder_audio_files, load_audio
from .. import frontends
from ..frontends import pipeline
from ..errors import InputDataError
from ..files import atomic_paths, check_writable_folder
from ..nets import training
from .bundles import Bundle, choose, find_bundles

log = logging.getLogger(__name__)



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


def stacked_features(path, cfg: dict, label_rate: float) -> np.ndarray:
    """The stacked features a bundle's network reads, computed for one audio file exactly as the pipeline computes
    them for its front end (`cfg` is the bundle's `features` section)."""
    front = _front_end(cfg, path)
    rate = int(cfg["sample_rate"])
    samples = audio_blocks(path, rate) if front.streams else load_audio(path, rate)  # blocks: bounded memory
    return samples_features(samples, cfg, label_rate, source=path)


def _front_end(cfg: dict, source):
    name = cfg.get("frontend", "fbank")
    if name not in frontends.FRONTENDS:
        raise InputDataError(source or "<audio>", f"the bundle's front end {name!r} is not registered here "
                                                  f"({', '.join(sorted(frontends.FRONTENDS))}); a front end of a "
                                                  "plugin needs the bundle's plugin modules")
    return frontends.FRONTENDS[name]


def samples_features(samples, cfg: dict, label_rate: float, rows: int | None = None, source=None) -> np.ndarray:
    """stacked_features of audio already in memory: mono samples at cfg's sample rate on the 16-bit scale (what
    data.audio.load_audio gives; a streaming front end also takes consecutive blocks). `rows` defaults to the
    alignment rule's count; the robustness report passes the gold standard's, as the pipeline's extraction does."""
    _front_end(cfg, source)
    return pipeline.stacked_samples(samples, {"frontend": "fbank", **cfg}, label_rate, rows, source=source)


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
            stacked_by_cfg[key] = stacked_features(path, cfg, bundle.info["label_rate"])
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


def output_paths(out_dir, stem: str, dimensions) -> dict[str, Path]:
    """{kind: path} of one file's outputs: csv, png and one ARFF per dimension."""
    out_dir = Path(out_dir)
    return {"csv": out_dir / f"{stem}.csv", "png": out_dir / f"{stem}.png",
            **{dimension: out_dir / dimension / f"{stem}.arff" for dimension in dimensions}}


def warnings_path(out_dir, stem: str) -> Path:
    return Path(out_dir) / f"{stem}.warnings.txt"


def check_output_folder(out_dir, dimensions) -> None:
    """Before any computing: the output folder and its dimension folders exist or can be made, and are writable."""
    check_writable_folder(out_dir)
    for dimension in dimensions:
        check_writable_folder(Path(out_dir) / dimension)


# Audio with no speech energy: fewer than this share of its 25 ms frames reach SPEECH_LEVEL_DB (dB full scale).
SPEECH_LEVEL_DB = -40.0
SPEECH_SHARE = 0.01


def speech_share(path, rate: int) -> float:
    """Share of the file's 25 ms frames whose RMS level reaches SPEECH_LEVEL_DB (full scale 0 dB), read block by block."""
    frame = int(0.025 * rate)
    loud = total = 0
    for block in audio_blocks(path, rate):
        frames = np.asarray(block[: len(block) // frame * frame], dtype=np.float64).reshape(-1, frame) / 32768.0
        if not len(frames):
            continue
        level = 10 * np.log10(np.maximum(np.mean(frames**2, axis=1), 1e-20))
        loud += int(np.count_nonzero(level >= SPEECH_LEVEL_DB))
        total += len(frames)
    return loud / total if total else 0.0


def audio_warnings(path, rows: int, bundles: dict[str, Bundle]) -> list[str]:
    """Why the models cannot judge this file, if they cannot: shorter than a network's context, or no speech."""
    found = []
    rate = next(iter(bundles.values())).info["label_rate"]
    for dimension, bundle in bundles.items():
        context = int(bundle.info["context_rows"])
        if rows < context:
            found.append(f"{path}: {rows / rate:.1f} s is shorter than the {context / rate:.1f} s of context the "
                         f"{dimension} network ({bundle.network}) uses (the span holding 90 % of an output's input "
                         "gradient): much of what its predictions see is padding")
    sample_rate = int(next(iter(bundles.values())).info["features"]["sample_rate"])
    share = speech_share(path, sample_rate)
    if share < SPEECH_SHARE:
        found.append(f"{path}: no speech energy ({share:.1%} of 25 ms frames reach {SPEECH_LEVEL_DB:g} dB full "
                     "scale); the predictions describe no speech")
    return found


def write_prediction(table: pd.DataFrame, out_dir, stem: str, bundles: dict[str, Bundle], audio_name: str,
                     warnings: list[str] = ()) -> dict:
    """CSV, per-dimension ARFFs and PNG of one file's predictions, written together (none is left half-written),
    and the warnings note when there are warnings. Outputs of another run with other dimensions are removed,
    so the folder holds one consistent set per file. Returns {kind: path}."""
    from ..reporting.plots import plot_emotion_curves  # matplotlib only where figures are drawn

    written = output_paths(out_dir, stem, bundles)
    note = warnings_path(out_dir, stem)
    targets = [*written.values(), *([note] if warnings else [])]
    instance = re.sub(r"[\s,'\"%{}]", "_", stem)  # ARFF instance names are unquoted: no separators in them
    with atomic_paths(targets) as tmp:
        table.to_csv(tmp[written["csv"]], index=False, float_format="%.6f")
        for dimension in bundles:
            corpus.write_gold_standard(tmp[written[dimension]], instance, dimension, table["time"].to_numpy(),
                                       table[dimension].to_numpy())
        plot_emotion_curves(table, list(bundles), tmp[written["png"]], title=describe(bundles, audio_name))
        if warnings:
            tmp[note].write_text("\n".join(warnings) + "\n", encoding="utf-8")
    stale = [path for kind, path in output_paths(out_dir, stem, DIMENSIONS).items() if kind not in written]
    stale += [] if warnings else [note]
    for path in stale:
        if path.is_file():
            path.unlink()
            log.info("removed %s (left by an earlier run; this run writes %s)", path,
                     "no warnings" if path == note else f"dimensions {', '.join(bundles)} only")
    if warnings:
        written["warnings"] = note
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
            files += folder_audio_files(item)
        elif item.is_file():
            files.append(item)
        else:
            raise InputDataError(item, "audio file does not exist")
    by_stem(files)  # checks that no two files share a name
    return files


def predict_files(audio, models, out_dir, network: str | None = None, dimensions=DIMENSIONS) -> list[dict]:
    """`longterm-emotion predict`: outputs for every audio file; `models` a results folder or a folder of bundles
    (or a list of bundle files). Returns the written paths per file."""
    files = audio_files(audio)
    paths = [Path(p) for p in models] if isinstance(models, (list, tuple)) else find_bundles(models)
    bundles = choose(paths, dimensions, network)
    check_output_folder(out_dir, dimensions)
    for dimension, bundle in bundles.items():
        log.info("%s: %s (dev CCC %.3f, %d members, trained on %s, config %s) from %s", dimension, bundle.network,
                 bundle.info["dev_ccc"], len(bundle.info["seeds"]), bundle.info["corpus_name"],
                 bundle.info["config_hash"][:12], bundle.path)
    written = []
    for path in files:
        table = predict_audio(path, bundles)
        warnings = audio_warnings(path, len(table), bundles)
        for warning in warnings:
            log.warning("warning: %s", warning)
        written.append(write_prediction(table, out_dir, path.stem, bundles, path.name, warnings))
        log.info("%s: %d rows (%.1f s) -> %s", path, len(table), len(table) / bundles[dimensions[0]].info["label_rate"],
                 written[-1]["csv"])
    return written
