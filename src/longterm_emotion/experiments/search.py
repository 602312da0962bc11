"""Model selection on dev as a scatter/gather: one job per grid point, then a selection job.

Training (evaluate_point, run_tune_point) needs torch; the selection (run_select) needs only
pandas and yaml, so the plotting environment can run it.

Points come from ``grid.grid_points`` (the same number for every network); each is
trained with the grid's seeds on train and scored on dev. Test labels are never read:
the jobs load the train and dev partitions only.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..analysis.convergence import convergence_summary
from ..settings import NetworkSettings, Protocol
from . import grid

log = logging.getLogger(__name__)


def evaluate_point(network: str, point: dict, seeds, sets, protocol: Protocol, checkpoint=None) -> dict:
    """Train one grid point (a run per seed, vectorised) on sets['train']; its dev CCC and convergence.
    With `checkpoint`, an interrupted job resumes there (see nets.training.train)."""
    from .common import fit

    started = time.perf_counter()
    result = fit(network, NetworkSettings.from_config(point), seeds, sets, protocol, checkpoint)
    scores = np.asarray(result.best_dev_ccc)
    return {"dev_ccc_mean": float(scores.mean()), "dev_ccc_std": float(scores.std()),
            "dev_ccc_runs": " ".join(f"{s:.4f}" for s in scores), "runs": len(seeds),
            **convergence_summary(result.best_epoch, result.hit_cap), "epochs": result.epochs_run,
            "seconds": time.perf_counter() - started,
            "settings": yaml.safe_dump(point, default_flow_style=True, width=10_000).strip()}


def run_tune_point(*, features_root, network: str, dimension: str, point: int, settings: dict, space: dict,
                   seeds, protocol: dict, device: str, out_csv) -> None:
    """Rule tune_point: one grid point on dev (train and dev partitions only); a one-row table."""
    from ..nets.training import resolve_device
    from .common import load_sets

    sets = load_sets(features_root, dimension, resolve_device(device), ("train", "dev"))
    checkpoint = Path(out_csv).with_name(f".{Path(out_csv).stem}.checkpoint.pt")
    row = {"network": network, "dimension": dimension, "point": int(point), **grid.searched_values(space, settings),
           **evaluate_point(network, settings, [int(s) for s in seeds], sets, Protocol.from_config(protocol),
                            checkpoint)}
    log.info("grid point %d of %s/%s: dev CCC %.3f", point, network, dimension, row["dev_ccc_mean"])
    pd.DataFrame([row]).to_csv(out_csv, index=False)


def select(table: pd.DataFrame) -> int:
    """Row of the best mean dev CCC (the first of equals: the lowest point number)."""
    return int(table["dev_ccc_mean"].to_numpy().argmax())


def run_select(*, point_csvs, network: str, dimension: str, corpus_name: str, settings_file, grid_table) -> None:
    """Rule tune: gather the points, write the grid table and the chosen settings (YAML) the final runs read."""
    table = pd.concat([pd.read_csv(path) for path in point_csvs], ignore_index=True).sort_values("point")
    table = table.reset_index(drop=True)
    best = select(table)
    table["chosen"] = table.index == best
    table.assign(corpus=corpus_name).to_csv(grid_table, index=False)
    chosen = yaml.safe_load(table.loc[best, "settings"])
    log.info("%s/%s: point %d chosen, dev CCC %.3f", network, dimension, table.loc[best, "point"],
             table.loc[best, "dev_ccc_mean"])
    Path(settings_file).write_text(yaml.safe_dump({"model": network, "dimension": dimension,
                                                   "point": int(table.loc[best, "point"]), "settings": chosen}))
