"""Ablations (target ablations, issue #21): what the paper says its networks do not need, and its speed claim.

Studies (settings: the config's ``ablations`` section, one sub-section per study):

- label_delay (Sec. 2): the networks learn y(t + d), their outputs are moved back by d, d chosen on dev
  from ``label_delay.delay_s`` (0 included: the reference run);
- postprocessing (Sec. 2, [9]'s chain): median filter, centring, scaling, time shift applied to the final
  runs' ensemble predictions, each step and its parameter chosen on dev, a step kept only if it raises
  dev CCC (as AVEC 2018 did); no training;
- segments (Sec. 2, 6.1): training on fixed-length segments instead of whole recordings;
- frontend (Sec. 2): the networks on another front end (eGeMAPS) instead of the configured one (fbank);
- speed (Sec. 6.2): one epoch of each conv net and of a BLSTM with about as many parameters.

Every trained variant uses the settings the dev search chose for the network and dimension
(``tune/<network>_<dimension>.yaml``), the ablation's seeds and protocol, and the code path of the final
runs (``common.fit`` -> ``nets.training.train``); variants differ only in the data the training loop is
given: shifted targets (``delayed``) or batches of segments (``segmented``). The reference run (d = 0,
whole recordings, the configured front end) is trained with the same seeds and protocol, so every
comparison has one budget.

Test labels: training jobs load the test partition's features without its labels (``load_unlabelled``),
and every choice (d, the post-processing chain) sees train and dev only; the test gold standard is read
by the tables rule, after all predictions are written.

Imports: numpy and pandas at module level only; torch, scipy and the AVEC baseline's module (sklearn) are
imported by the functions that need them, so each rule's environment imports this module.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..constants import PARTITIONS
from ..metrics import ccc
from ..settings import AblationTraining, Ablations, PostprocessingGrid, Segments, SpeedTiming

log = logging.getLogger(__name__)

STUDIES = ("label_delay", "postprocessing", "segments", "frontend", "speed")
REFERENCE = "reference"
CHAIN_STEPS = ("median", "centre", "scale", "shift")


# ---- variants --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One trained variant: the reference, a label delay, segments or another front end."""

    name: str
    study: str  # "reference", "label_delay", "segments" or "frontend"
    delay_s: float = 0.0
    segment_s: float | None = None
    frontend: str | None = None  # None: the configured front end

    def as_dict(self) -> dict:
        return asdict(self)


def rows_of(seconds: float, rate: float) -> int:
    return int(round(float(seconds) * rate))


def variants(section: dict | Ablations, frontend: str) -> dict[str, Variant]:
    """Every trained variant of the ablations section, by name (the reference first); the workflow calls this
    at load."""
    section = Ablations.of(section)
    out = {REFERENCE: Variant(REFERENCE, "reference", frontend=frontend)}
    for d in section.delay_s:
        if d > 0:
            name = f"delay{d:g}s"
            out[name] = Variant(name, "label_delay", delay_s=d, frontend=frontend)
    length = section.training.segments.length_s
    out[f"segments{length:g}s"] = Variant(f"segments{length:g}s", "segments", segment_s=length, frontend=frontend)
    alternative = section.frontend
    if alternative != frontend:
        out[f"frontend_{alternative}"] = Variant(f"frontend_{alternative}", "frontend", frontend=alternative)
    return out


def variant_features(variant: Variant) -> str:
    """Folder (below results_dir) of the variant's stacked features."""
    from ..frontends import entry

    return entry(variant.frontend).folder


# ---- what the training loop is given ---------------------------------------------------------------------


def delayed(recordings, rows: int):
    """Learn y(t + d): features x[0 .. T-d-1] paired with labels y[d .. T-1] (the last d rows have no target)."""
    from ..nets.training import Recording

    d = int(rows)
    if d < 0:
        raise ValueError("delay must be >= 0")
    if d == 0:
        return list(recordings)
    out = []
    for r in recordings:
        T = r.x.shape[-1]
        if T - d < 2:
            raise ValueError(f"{r.name}: a delay of {d} rows leaves fewer than 2 rows of {T}")
        out.append(Recording(r.name, r.x[..., : T - d], None if r.y is None else r.y[..., d:]))
    return out


def segment_starts(T: int, length: int) -> list[int]:
    """Starts of non-overlapping segments of `length` rows covering 0 .. T-1; the last one ends at T (it may
    overlap its neighbour). A recording shorter than `length` gives no segment."""
    if T < length:
        return []
    starts = list(range(0, T - length + 1, length))
    if starts[-1] + length < T:
        starts.append(T - length)
    return starts


def segmented(recordings, rows: int, batch: int, seed: int):
    """Fixed-length segments of the training recordings, shuffled once (seeded) across recordings and grouped
    into batches of `batch` segments: each batch is one training step (B, C, L), its CCC loss over all its
    frames. A recording shorter than a segment is one step of its own."""
    import torch

    from ..nets.training import Recording

    length = int(rows)
    if length < 2:
        raise ValueError("segments need at least 2 rows")
    pieces, whole = [], []
    for r in recordings:
        starts = segment_starts(r.x.shape[-1], length)
        if not starts:
            whole.append(r)
        pieces += [(r, s) for s in starts]
    order = np.random.default_rng(seed).permutation(len(pieces))
    out = []
    for b in range(0, len(order), batch):
        chosen = [pieces[i] for i in order[b : b + batch]]
        x = torch.cat([r.x[..., s : s + length] for r, s in chosen], dim=0)
        y = torch.cat([r.y[..., s : s + length] for r, s in chosen], dim=0)
        out.append(Recording(f"segments_{b // batch}", x, y))
    return out + whole


def shift_rows(p: np.ndarray, rows: int) -> np.ndarray:
    """Move a trajectory by `rows`: out(t) = p(t - rows), the edge repeated. For rows >= 0 this is the AVEC
    baseline's ``shift_forward`` (its delay compensation; tests/test_ablations.py checks they agree)."""
    p = np.asarray(p)
    k = min(abs(int(rows)), len(p))
    if k == 0:
        return p.copy()
    if rows > 0:
        return np.concatenate([np.full(k, p[0]), p[: len(p) - k]])
    return np.concatenate([p[k:], np.full(k, p[-1])])


# ---- loading ---------------------------------------------------------------------------------------------


def load_unlabelled(features_dir, device):
    """A partition's stacked features as Recordings with y=None; of its labels.csv only the recording ids and
    row order are read (the label columns never are), so predictions cannot depend on them."""
    import kaldiio
    import torch

    from ..nets.training import Recording

    features_dir = Path(features_dir)
    stacked = kaldiio.load_scp(str(features_dir / "stacked.scp"))
    ids = pd.read_csv(features_dir / "labels.csv", usecols=["recording"])["recording"]
    out = []
    for recording in pd.unique(ids):
        x = np.asarray(stacked[recording], dtype=np.float32)
        out.append(Recording(recording, torch.from_numpy(x.T.copy()).unsqueeze(0).to(device), None))
    return out


# ---- one trained variant (rule ablation_train) -------------------------------------------------------------


def train_variant(network: str, settings, variant: Variant, sets: dict, seeds, protocol, rate: float,
                  segments: Segments, checkpoint=None):
    """Train one variant on sets['train'] (epochs chosen on sets['dev'], shifted like the training targets) and
    predict every partition of `sets` on whole recordings (outputs moved back by the delay).
    Returns (TrainResult, frame table)."""
    from ..nets import training
    from .outputs import frame_table

    delay = rows_of(variant.delay_s, rate)
    train_set, dev_set = delayed(sets["train"], delay), delayed(sets["dev"], delay)
    if variant.segment_s is not None:
        train_set = segmented(train_set, rows_of(variant.segment_s, rate), segments.batch, segments.seed)
    result = training.train(network, settings.net, list(seeds), train_set, dev_set, settings.optim, protocol,
                            checkpoint)
    predictions = {}
    for partition, recordings in sets.items():
        raw = training.predict(result.model, recordings)
        predictions[partition] = [np.stack([shift_rows(member, delay) for member in p]) for p in raw]
    return result, frame_table(sets, predictions, list(seeds), rate)


def run_variant(*, features_root, network: str, dimension: str, settings_file, variant: dict,
                ablations: dict | AblationTraining,
                device: str, label_rate: float, out_dir, partitions=PARTITIONS) -> None:
    """Rule ablation_train: one variant of one network and dimension; predictions.csv (no test gold),
    history.csv, convergence.csv, chosen.yaml (what was trained)."""
    from ..nets.training import resolve_device
    from ..settings import NetworkSettings
    from .common import load_sets
    from .outputs import convergence_table

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    variant = Variant(**variant)
    chosen = yaml.safe_load(Path(settings_file).read_text())["settings"]
    dev_ = resolve_device(device)
    sets = load_sets(features_root, dimension, dev_, [p for p in partitions if p in ("train", "dev")])
    if "test" in partitions:
        sets["test"] = load_unlabelled(Path(features_root) / "test", dev_)
    shared = AblationTraining.of(ablations)
    result, frames = train_variant(network, NetworkSettings.from_config(chosen), variant, sets, shared.seeds,
                                   shared.protocol, label_rate, shared.segments,
                                   checkpoint=out_dir.parent / f".{out_dir.name}.checkpoint.pt")
    frames.to_csv(out_dir / "predictions.csv", index=False, float_format="%.6f")
    history = pd.DataFrame(result.history)
    history.to_csv(out_dir / "history.csv", index=False)
    convergence_table(result).to_csv(out_dir / "convergence.csv", index=False)
    epoch_s = float(history.groupby("epoch")["seconds"].first().median()) if len(history) else float("nan")
    (out_dir / "chosen.yaml").write_text(yaml.safe_dump({
        "network": network, "dimension": dimension, "variant": variant.as_dict(), "settings": chosen,
        "seeds": list(shared.seeds), "protocol": asdict(shared.protocol), "epochs": int(result.epochs_run),
        "median_epoch_seconds": epoch_s, "dev_ccc_members": [float(c) for c in result.best_dev_ccc]}))
    log.info("%s %s/%s: best dev CCC of the members %s, %.2f s per epoch", variant.name, network, dimension,
             np.round(result.best_dev_ccc, 3), epoch_s)


# ---- choices on dev --------------------------------------------------------------------------------------


def dev_ccc(frames: pd.DataFrame, column: str = "ensemble") -> float:
    """CCC of the dev recordings concatenated (the selection score of every choice)."""
    dev = frames[frames["partition"] == "dev"]
    return ccc(dev["gold"].to_numpy(), dev[column].to_numpy())


def choose_delay(frames_by_delay: dict[float, pd.DataFrame]) -> tuple[float, dict[float, float]]:
    """The delay with the best dev CCC of the ensemble (the smallest of equals); dev rows only."""
    scores = {float(d): dev_ccc(f) for d, f in frames_by_delay.items()}
    best = max(sorted(scores), key=lambda d: (scores[d], -d))
    return best, scores


def median_rows(seconds: float, rate: float) -> int:
    """Odd window length of a median filter of about `seconds`."""
    return 2 * int(round(float(seconds) * rate / 2)) + 1


def apply_step(predictions: list[np.ndarray], step: str, param, train_mean: float, train_std: float,
               rate: float) -> list[np.ndarray]:
    """One post-processing step on one partition's recordings: median filter of `param` s per recording,
    centring / scaling on the training gold standard (the AVEC baseline's ``postprocess``: the partition's
    own prediction statistics, no labels of it), or a time shift of `param` s (positive: later)."""
    if step == "median":
        from scipy.ndimage import median_filter

        size = median_rows(param, rate)
        return [median_filter(p, size=size, mode="nearest") for p in predictions]
    if step in ("centre", "scale"):
        from .avec_baseline import postprocess

        return postprocess(predictions, step, train_mean, train_std)
    if step == "shift":
        return [shift_rows(p, rows_of(param, rate)) for p in predictions]
    raise ValueError(f"unknown post-processing step {step!r}; valid: {', '.join(CHAIN_STEPS)}")


def apply_chain(predictions, chain, train_mean, train_std, rate):
    for step, param in chain:
        predictions = apply_step(predictions, step, param, train_mean, train_std, rate)
    return predictions


def step_candidates(section: dict | PostprocessingGrid) -> list[tuple[str, list]]:
    """The chain's steps in [9]'s order with their parameter grids (centring and scaling have none)."""
    grid = PostprocessingGrid.of(section)
    return [("median", list(grid.median_s)), ("centre", [None]), ("scale", [None]), ("shift", list(grid.shift_s))]


def choose_chain(dev: list[tuple[np.ndarray, np.ndarray]], train_gold: np.ndarray, section: dict, rate: float):
    """Greedy on dev CCC: each step in order, its best parameter, kept only if it raises dev CCC.

    dev: (gold, prediction) per dev recording; train_gold: the training gold standard (its mean and std).
    Returns (chain [(step, param)], trace rows)."""
    gold = np.concatenate([g for g, _ in dev])
    current = [p for _, p in dev]
    score = ccc(gold, np.concatenate(current))
    mean, std = float(np.mean(train_gold)), float(np.std(train_gold))
    chain, trace = [], [{"step": "none", "param": None, "dev_ccc": score, "kept": True}]
    for step, grid in step_candidates(section):
        best = None
        for param in grid:
            candidate = apply_step(current, step, param, mean, std, rate)
            s = ccc(gold, np.concatenate(candidate))
            trace.append({"step": step, "param": param, "dev_ccc": s, "kept": False})
            if best is None or s > best[0]:
                best = (s, param, candidate, len(trace) - 1)
        if best is not None and best[0] > score:
            score, current = best[0], best[2]
            chain.append((step, best[1]))
            trace[best[3]]["kept"] = True
    return chain, trace


def chain_text(chain) -> str:
    if not chain:
        return "none (no step raised dev CCC)"
    parts = []
    for step, param in chain:
        if step == "median":
            parts.append(f"median {param:g} s")
        elif step == "shift":
            parts.append(f"shift {param:+g} s")
        else:
            parts.append(step)
    return " → ".join(parts)


def run_postprocessing(*, predictions_csv, section: dict, label_rate: float, out_csv, out_chain) -> None:
    """Rule ablation_postprocess: [9]'s chain on one network's final ensemble predictions, chosen on dev.

    The final runs' predictions.csv holds the test gold standard; it is dropped on reading, so the choice and
    the test predictions cannot depend on it. Writes the raw and processed ensemble per frame (no gold) and
    the chosen chain with its dev trace."""
    frames = pd.read_csv(predictions_csv, usecols=["partition", "recording", "frameTime", "gold", "ensemble"])
    frames.loc[frames["partition"] == "test", "gold"] = np.nan  # never used: see the docstring
    train_gold = frames.loc[frames["partition"] == "train", "gold"].to_numpy()
    by_partition = {p: list(g.groupby("recording", sort=False)) for p, g in frames.groupby("partition", sort=False)}
    dev = [(g["gold"].to_numpy(), g["ensemble"].to_numpy()) for _, g in by_partition["dev"]]
    chain, trace = choose_chain(dev, train_gold, section, label_rate)
    mean, std = float(np.mean(train_gold)), float(np.std(train_gold))
    parts = []
    for partition, groups in by_partition.items():
        processed = apply_chain([g["ensemble"].to_numpy() for _, g in groups], chain, mean, std, label_rate)
        for (_, g), p in zip(groups, processed, strict=True):
            parts.append(pd.DataFrame({"partition": partition, "recording": g["recording"].to_numpy(),
                                       "frameTime": g["frameTime"].to_numpy(), "raw": g["ensemble"].to_numpy(),
                                       "processed": p}))
    pd.concat(parts, ignore_index=True).to_csv(out_csv, index=False, float_format="%.6f")
    Path(out_chain).write_text(json.dumps({"chain": [[s, p] for s, p in chain], "text": chain_text(chain),
                                           "trace": trace}, indent=1))
    log.info("post-processing chosen on dev: %s", chain_text(chain))


# ---- speed (rule ablation_timing) ------------------------------------------------------------------------


def blstm_parameters(in_dim: int, hidden: int, layers: int) -> int:
    """Parameters of one BLSTM member (nets.blstm.model: torch's LSTM, both directions, two bias vectors per gate set,
    then a linear output layer); tests/test_ablations.py checks it against the built network."""
    count, width = 0, in_dim
    for _ in range(layers):
        count += 2 * (4 * hidden * (width + hidden) + 8 * hidden)
        width = 2 * hidden
    return count + 2 * hidden + 1


def matched_hidden(in_dim: int, target: int, layers: int, dropout: float = 0.0) -> int:
    """BLSTM units per direction whose parameter count is closest to `target` (the conv net's; dropout adds none)."""
    low, high = 1, 1
    while blstm_parameters(in_dim, high, layers) < target:
        low, high = high, 2 * high
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if blstm_parameters(in_dim, mid, layers) <= target else (low, mid)
    return min((low, high), key=lambda h: (abs(blstm_parameters(in_dim, h, layers) - target), h))


def run_timing(*, features_root, network: str, dimension: str, settings_file, blstm: dict, section: dict,
               device: str, out_csv) -> None:
    """Rule ablation_timing: `section['epochs']` repeats, each one epoch of the conv net and one of a BLSTM of
    about its size (interleaved, so load on the machine hits both alike), each after `warmup` untimed epochs of
    a fresh model (experiments.timing.time_epochs). One row per repeat and model."""
    from ..nets.training import resolve_device
    from ..settings import NetworkSettings
    from .common import load_sets
    from .timing import time_epochs

    sets = load_sets(features_root, dimension, resolve_device(device), ("train",))
    conv = NetworkSettings.from_config(yaml.safe_load(Path(settings_file).read_text())["settings"])
    blstm_settings = NetworkSettings.from_config(blstm)
    in_dim = sets["train"][0].x.shape[1]
    from ..nets import build_model

    conv_params = build_model(network, in_dim, [0], **conv.net).n_parameters_per_member()
    speed = SpeedTiming.from_config(section)
    hidden = speed.blstm_hidden or matched_hidden(in_dim, conv_params, int(blstm_settings.net["layers"]),
                                                            float(blstm_settings.net["dropout"]))
    matched = replace(blstm_settings, net={**blstm_settings.net, "hidden": int(hidden)})
    rows = []
    for repeat in range(speed.epochs):
        for name, settings in ((network, conv), ("blstm", matched)):
            row = time_epochs(name, settings, sets, 1, speed.warmup)
            rows.append({"network": network, "model": name, "repeat": repeat, "hidden": hidden if name == "blstm" else "",
                         **{k: row[k] for k in ("parameters", "device", "threads", "seconds_per_epoch",
                                                "train_recordings", "train_frames")}})
    pd.DataFrame(rows).to_csv(out_csv, index=False)
    table = pd.DataFrame(rows)
    med = table.groupby("model")["seconds_per_epoch"].median()
    log.info("%s %.3f s vs matched BLSTM (%d units) %.3f s per epoch: ratio %.2f", network, med[network], hidden,
             med["blstm"], med["blstm"] / med[network])


def speed_ratio(table: pd.DataFrame, network: str, resamples: int, seed: int, confidence: float):
    """Median BLSTM epoch / median conv-net epoch and its percentile bootstrap interval over the repeats (the
    interleaved pairs resampled together)."""
    conv = table[table["model"] == network].sort_values("repeat")["seconds_per_epoch"].to_numpy()
    slow = table[table["model"] == "blstm"].sort_values("repeat")["seconds_per_epoch"].to_numpy()
    estimate = float(np.median(slow) / np.median(conv))
    if len(conv) < 2:
        return estimate, math.nan, math.nan
    pick = np.random.default_rng(seed).integers(0, len(conv), size=(resamples, len(conv)))
    ratios = np.median(slow[pick], axis=1) / np.median(conv[pick], axis=1)
    alpha = (1 - confidence) / 2
    return estimate, float(np.quantile(ratios, alpha)), float(np.quantile(ratios, 1 - alpha))
