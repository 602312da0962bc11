"""Final runs of the paper's networks and of the single best filter: predictions and scores."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from .. import layout
from ..constants import PARTITIONS
from ..nets import training
from ..nets.training import resolve_device
from ..settings import NetworkSettings, Protocol, SweepSettings, FinalRuns
from .common import fit, load_sets
from .outputs import convergence_table, frame_table, save_model, score_frames, write_outputs


def train_final(network: str, settings: NetworkSettings, sets, seeds, protocol: Protocol, rate: float,
                checkpoint=None):
    """Final runs (one per seed, vectorised), each at its best dev epoch; returns (result, frames, scores)."""
    result = fit(network, settings, seeds, sets, protocol, checkpoint)
    predictions = {p: training.predict(result.model, recs) for p, recs in sets.items()}
    frames = frame_table(sets, predictions, seeds, rate)
    return result, frames, score_frames(frames)


def run_final(*, features_root, network: str, dimension: str, settings_file, train: dict, device: str,
              label_rate: float, out_dir, partitions=PARTITIONS) -> None:
    """Rule train_model: final runs with the chosen settings; model, history, predictions, scores, per-recording ARFFs."""
    out_dir = Path(out_dir)
    chosen = yaml.safe_load(Path(settings_file).read_text())["settings"]
    final = FinalRuns.from_config(train)
    sets = load_sets(features_root, dimension, resolve_device(device), partitions)
    result, frames, scores = train_final(network, NetworkSettings.from_config(chosen), sets, list(final.seeds),
                                         final.protocol, label_rate,
                                         checkpoint=out_dir.parent / f".{out_dir.name}.checkpoint.pt")
    write_outputs(out_dir, frames, scores, pd.DataFrame(result.history), dimension, convergence_table(result))
    save_model(result, network, chosen, out_dir / layout.MODEL, sets["train"][0].x.shape[1])


def best_length(sweep_table, dimension: str) -> int:
    """The filter length with the best mean dev CCC of the sweep for this dimension."""
    table = pd.read_csv(sweep_table)
    rows = table[table["dimension"] == dimension]
    return int(rows.loc[rows["dev_ccc_mean"].idxmax(), "filter_length"])


def run_best_filter(*, features_root, dimension: str, sweep_table, sweep: dict, train: dict, device: str,
                    label_rate: float, out_dir, partitions=PARTITIONS) -> None:
    """Rule best_filter: the sweep's best length, trained with the sweep's optimiser and protocol and the final seeds."""
    sweep_settings = SweepSettings.from_config(sweep)
    settings = NetworkSettings(net=sweep_settings.net(best_length(sweep_table, dimension)), optim=sweep_settings.optim)
    sets = load_sets(features_root, dimension, resolve_device(device), partitions)
    result, frames, scores = train_final("single_filter", settings, sets, list(FinalRuns.from_config(train).seeds),
                                         sweep_settings.protocol, label_rate)
    write_outputs(out_dir, frames, scores, pd.DataFrame(result.history), dimension, convergence_table(result))
    save_model(result, "single_filter", settings.to_config(), Path(out_dir) / layout.MODEL, sets["train"][0].x.shape[1])
