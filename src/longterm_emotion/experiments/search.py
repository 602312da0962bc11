"""Model selection on dev: the grid of each network and dimension (test labels are never read)."""

from __future__ import annotations

import inspect
import itertools
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..constants import GRID_SEED_OFFSET
from ..nets import MODELS
from ..nets.training import resolve_device
from ..settings import FinalRuns, NetworkSettings, Optimiser
from .common import fit, load_sets

log = logging.getLogger(__name__)


def grid_axes(network: str, space: dict) -> list[tuple[str, str, list]]:
    """(group, setting, values) of every searched setting, in a fixed order; unknown settings are an error."""
    allowed = {"net": set(inspect.signature(MODELS[network]).parameters) - {"in_dim", "seeds"},
               "optim": set(inspect.signature(Optimiser).parameters)}
    axes = []
    for group in sorted(space):
        for key in sorted(space[group]):
            if key not in allowed.get(group, ()):
                raise ValueError(f"grid.space.{network}.{group}.{key}: not a setting of {network} "
                                 f"(valid: {sorted(allowed.get(group, ()))})")
            axes.append((group, key, list(space[group][key])))
    return axes


def grid_points(network: str, base: dict, space: dict) -> list[dict]:
    """Every combination of the grid's values applied on top of the base settings ({net, optim} dicts)."""
    axes = grid_axes(network, space)
    points = []
    for values in itertools.product(*(values for _, _, values in axes)):
        point = {group: dict(base[group]) for group in ("net", "optim")}
        for (group, key, _), value in zip(axes, values, strict=True):
            point[group][key] = value
        points.append(point)
    return points


def tune(network: str, base: dict, space: dict, runs: int, sets, final: FinalRuns) -> tuple[dict, pd.DataFrame]:
    """Train every grid point with `runs` seeds; return the point with the best mean dev CCC and the grid table."""
    rows = []
    seeds = [final.seeds[0] + GRID_SEED_OFFSET + r for r in range(runs)]  # apart from the final runs' seeds
    axes = grid_axes(network, space)
    points = grid_points(network, base, space)
    for index, point in enumerate(points):
        result = fit(network, NetworkSettings.from_config(point), seeds, sets, final.protocol)
        searched = {f"{group}.{key}": point[group][key] for group, key, _ in axes}
        rows.append({"point": index, **searched,
                     "dev_ccc_mean": float(np.mean(result.best_dev_ccc)), "dev_ccc_std": float(np.std(result.best_dev_ccc)),
                     "epochs": result.epochs_run, "settings": yaml.safe_dump(point, default_flow_style=True).strip()})
        log.info("grid point %d %s: dev CCC %.3f", index, searched, rows[-1]["dev_ccc_mean"])
    table = pd.DataFrame(rows)
    return points[int(table["dev_ccc_mean"].idxmax())], table


def run_tune(*, features_root, network: str, dimension: str, base: dict, space: dict, runs: int, train: dict,
             device: str, settings_file, grid_table) -> None:
    """Rule tune: search the grid on dev (train and dev only), write the chosen settings (YAML) and the grid table."""
    sets = load_sets(features_root, dimension, resolve_device(device), ("train", "dev"))
    chosen, table = tune(network, base, space, runs, sets, FinalRuns.from_config(train))
    table.to_csv(grid_table, index=False)
    Path(settings_file).write_text(yaml.safe_dump({"model": network, "dimension": dimension, "settings": chosen}))
