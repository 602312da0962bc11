"""Model selection on dev: the grid of each network and dimension (test labels are never read)."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..constants import GRID_SEED_OFFSET
from .common import fit, load_sets

log = logging.getLogger(__name__)


def grid_points(base: dict, space: dict) -> list[dict]:
    """Every combination of the grid's values applied on top of the base settings."""
    unknown = sorted(set(space) - set(base))
    if unknown:
        raise ValueError(f"grid: settings {unknown} are not settings of this model ({sorted(base)})")
    keys = sorted(space)
    return [{**base, **dict(zip(keys, values))} for values in itertools.product(*(space[k] for k in keys))]


def tune(model_name: str, base: dict, space: dict, runs: int, sets, train_cfg: dict) -> tuple[dict, pd.DataFrame]:
    """Train every grid point with `runs` seeds; return the point with the best mean dev CCC and the grid table."""
    rows = []
    seeds = [int(train_cfg["seeds"][0]) + GRID_SEED_OFFSET + r for r in range(runs)]  # kept apart from the final runs' seeds
    for index, settings in enumerate(grid_points(base, space)):
        result = fit(model_name, settings, seeds, sets, train_cfg)
        rows.append({"point": index, **{k: settings[k] for k in sorted(space)},
                     "dev_ccc_mean": float(np.mean(result.best_dev_ccc)), "dev_ccc_std": float(np.std(result.best_dev_ccc)),
                     "epochs": result.epochs_run, "settings": yaml.safe_dump(settings, default_flow_style=True).strip()})
        log.info("grid point %d %s: dev CCC %.3f", index, {k: settings[k] for k in space}, rows[-1]["dev_ccc_mean"])
    table = pd.DataFrame(rows)
    best = int(table["dev_ccc_mean"].idxmax())
    return grid_points(base, space)[best], table


def run_tune(features_root, model_name, dimension, base, space, runs, train_cfg, device, out_settings, out_table):
    """Rule tune: search the grid on dev, write the chosen settings (YAML) and the grid table."""
    sets = load_sets(features_root, dimension, device, ("train", "dev"))
    chosen, table = tune(model_name, base, space, runs, sets, train_cfg)
    table.to_csv(out_table, index=False)
    Path(out_settings).write_text(yaml.safe_dump({"model": model_name, "dimension": dimension, "settings": chosen}))
