"""One robustness condition: degrade a partition's recordings, compute their features once, predict with every
network's bundle.

The features come from ``serving.predict.samples_features`` and the predictions from
``serving.predict.ensemble_predictions``, the code path of ``longterm-emotion predict``; the recordings
are read by ``data.audio.load_audio`` as the pipeline's feature extraction reads them, and the rows are
the gold standard's (the partition's labels.csv), as there. The clean condition therefore gives the
pipeline's own predictions of that partition (tests/test_robustness.py checks its CCC).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from ..data.audio import load_audio
from ..errors import InputDataError
from ..serving.bundles import open_bundle
from ..serving.predict import _features_key, ensemble_predictions, samples_features
from . import degradations as deg
from .conditions import Condition, apply, gold_column, needs_talkers, prediction_column

log = logging.getLogger(__name__)

FULL_SCALE = 32768.0  # load_audio's 16-bit integer scale


def run_condition(*, condition, recordings: dict, pool: dict, labels_csv, bundle_paths, dimensions, seed: int,
                  out_csv) -> pd.DataFrame:
    """Rule robustness_condition: predictions of every bundle for every recording of `recordings` ({name: audio})
    under `condition`; `pool` ({name: audio}) holds the recordings babble may mix (never the recording itself).
    Writes out_csv: recording, frame, gold_<dimension>..., <network>_<dimension>... (ensemble means)."""
    condition = Condition.of(condition)
    dimensions = list(dimensions)
    bundles = [open_bundle(p) for p in bundle_paths]
    bundles = [b for b in bundles if b.dimension in dimensions]
    if not bundles:
        raise InputDataError(Path(bundle_paths[0]).parent, f"no bundle for {', '.join(dimensions)}")
    configs = {_features_key(b.info["features"]): b.info["features"] for b in bundles}
    rates = {int(cfg["sample_rate"]) for cfg in configs.values()}
    if len(rates) > 1:
        raise InputDataError(Path(bundle_paths[0]).parent, f"the bundles read audio at different rates {sorted(rates)}")
    rate = rates.pop()
    label_rate = bundles[0].info["label_rate"]
    labels = pd.read_csv(labels_csv)
    parts, cache = [], {}
    for name, rows in labels.groupby("recording", sort=False):
        if name not in recordings:
            continue
        rng = deg.rng_for(seed, condition.id, name)
        x = load_audio(recordings[name], rate) / FULL_SCALE
        talkers = None
        if needs_talkers(condition):
            picked = deg.babble_pool(name, pool, condition.settings["talkers"], rng)
            for t in picked:  # each other recording read once per job (float32 halves the cache)
                if t not in cache:
                    cache[t] = (load_audio(pool[t], rate) / FULL_SCALE).astype("float32")
            talkers = [cache[t] for t in picked]
            log.info("%s: babble of %s", name, ", ".join(picked))
        y = apply(condition, x, rate, rng, talkers)
        if condition.kind == "noise":
            log.info("%s: SNR %.2f dB (asked %.2f dB)", name, deg.snr_db(x, y - x), condition.settings["snr_db"])
        samples = y * FULL_SCALE
        stacked = {key: samples_features(samples, cfg, label_rate, rows=len(rows), source=recordings[name])
                   for key, cfg in configs.items()}  # once per feature setting, for every network
        table = pd.DataFrame({"recording": name, "frame": rows["frame"].to_numpy()})
        for dimension in dimensions:
            table[gold_column(dimension)] = rows[dimension].to_numpy()
        for bundle in bundles:
            predictions = ensemble_predictions(bundle, stacked[_features_key(bundle.info["features"])])
            table[prediction_column(bundle.network, bundle.dimension)] = predictions.mean(axis=0)
        parts.append(table)
        log.info("%s: %s, %d rows", name, condition.label, len(rows))
    missing = sorted(set(recordings) - set(labels["recording"]))
    if missing:
        raise InputDataError(labels_csv, f"no label rows for {', '.join(missing)}")
    frames = pd.concat(parts, ignore_index=True)
    Path(out_csv).parent.mkdir(parents=True, exist_ok=True)
    frames.to_csv(out_csv, index=False, float_format="%.6f")
    return frames
