"""The model search: equal budgets for every network, the grid points, one job per point and
the selection, convergence bookkeeping, and no test label read before the final runs."""

import copy
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from longterm_emotion.config import ConfigError, check, load_files, problems, semantic_problems
from longterm_emotion.constants import DIMENSIONS
from longterm_emotion.experiments import grid, search
from longterm_emotion.nets import build_model
from longterm_emotion.nets.training import TrainResult
from longterm_emotion.settings import NetworkSettings

from snakemake_runner import dry_run_jobs, run_ok

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
NETWORKS = yaml.safe_load((ROOT / "config.yaml").read_text())["networks"]
SMALL_DILATED = {"net": {"width": 8, "depth": 3, "kernel_size": 3, "activation": "tanh", "dropout": 0.0},
                 "optim": {"lr": 0.003, "l2": 0.0}}


def merged_config(*overlays: str) -> dict:
    """config.yaml with overlays applied the way Snakemake merges --configfile files."""
    return load_files(ROOT / "config.yaml", *(ROOT / overlay for overlay in overlays))


def all_points(config: dict) -> dict:
    """{(network, dimension): grid points} as the workflow lists them."""
    g = config["grid"]
    return {(network, dimension): grid.grid_points(config["models"][network][dimension], g["space"][network],
                                                   g["points"], g["sample_seed"])
            for network in NETWORKS for dimension in DIMENSIONS}


# --- grid points ----------------------------------------------------------------------------------


def test_grid_points_are_the_product_over_the_base():
    base = {"net": {"width": 32, "depth": 10}, "optim": {"lr": 0.001, "l2": 0.0}}
    points = grid.grid_points(base, {"optim": {"lr": [0.001, 0.003, 0.01]}, "net": {"width": [16, 64]}})
    assert len(points) == 6
    assert {(p["optim"]["lr"], p["net"]["width"]) for p in points} == {
        (lr, w) for lr in (0.001, 0.003, 0.01) for w in (16, 64)}
    assert all(p["net"]["depth"] == 10 and p["optim"]["l2"] == 0.0 for p in points)
    assert base == {"net": {"width": 32, "depth": 10}, "optim": {"lr": 0.001, "l2": 0.0}}  # not modified
    assert grid.grid_points(base, {}) == [base]


def test_a_larger_space_is_sampled_to_the_budget_reproducibly():
    base = {"net": {"width": 32}, "optim": {"lr": 0.001}}
    space = {"net": {"width": [8, 16, 32, 64]}, "optim": {"lr": [0.001, 0.003, 0.01], "l2": [0.0, 1e-4]}}
    everything = grid.grid_points(base, space)
    assert len(everything) == grid.grid_size(space) == 24
    drawn = grid.grid_points(base, space, points=5, seed=3)
    assert len(drawn) == 5 and len({yaml.safe_dump(p) for p in drawn}) == 5
    assert all(p in everything for p in drawn)
    assert drawn == sorted(drawn, key=everything.index)  # product order
    assert grid.grid_points(base, space, points=5, seed=3) == drawn
    assert grid.grid_points(base, space, points=5, seed=4) != drawn
    assert grid.grid_points(base, space, points=24) == everything
    with pytest.raises(ValueError, match="24 combinations, fewer than grid.points \\(25\\)"):
        grid.grid_points(base, space, points=25)


def test_unknown_searched_settings_are_refused_at_load():
    config = merged_config()
    config["grid"]["space"]["dilated"] = {"net": {"widht": [16]}, "optim": {"lr": [0.01]}}
    assert problems(config, SCHEMA) == [
        "config key grid.space.dilated.net.widht: not a setting of dilated (its settings: width, depth, kernel_size, "
        "dilation_base, activation, dropout)"]
    config = merged_config()
    config["grid"]["space"]["blstm"] = {"optim": {"momentum": [0.9]}}
    assert problems(config, SCHEMA) == ["config key grid.space.blstm.optim: 'momentum' is not one of ['lr', 'l2']"]


# --- equal budgets --------------------------------------------------------------------------------


@pytest.mark.parametrize("overlays, least_points, seeds", [((), 4, [1000]), (("config/paper.yaml",), 24, [1000, 1001, 1002])])
def test_every_network_gets_the_same_budget_and_every_point_builds(overlays, least_points, seeds):
    config = merged_config(*overlays)
    check(copy.deepcopy(config), SCHEMA)
    points = all_points(config)
    assert {len(p) for p in points.values()} == {config["grid"]["points"]}, "unequal number of points"
    assert config["grid"]["points"] >= least_points and config["grid"]["seeds"] == seeds
    for (network, dimension), settings in points.items():
        assert len({yaml.safe_dump(p) for p in settings}) == len(settings), (network, dimension)
        for point in settings:
            model = build_model(network, 8, [0], **NetworkSettings.from_config(point).net)
            assert model(torch.zeros(1, 8, 40)).shape == (1, 1, 40), (network, dimension, point)


def test_paper_scale_space_searches_what_the_paper_tuned():
    space = merged_config("config/paper.yaml")["grid"]["space"]
    assert {"depth", "width", "kernel_size"} <= set(space["dilated"]["net"])
    assert {"factor", "n_down", "width", "kernel_size"} <= set(space["downup"]["net"])
    assert sorted(space["downup"]["net"]["factor"]) == [2, 3, 4]
    assert sorted(space["blstm"]["net"]["layers"]) == [1, 2]
    assert min(space["blstm"]["net"]["hidden"]) == 32 and max(space["blstm"]["net"]["hidden"]) == 128
    for network in NETWORKS:
        assert {"lr", "l2"} <= set(space[network]["optim"]), network
        assert len(space[network]["optim"]["l2"]) > 1, network


def test_a_network_with_fewer_combinations_than_the_budget_is_refused(tmp_path):
    config = merged_config()
    config["grid"]["space"]["blstm"] = {"optim": {"lr": [0.003, 0.01]}}
    assert semantic_problems(config, tmp_path) == [
        "config key grid.space.blstm: 2 combinations, fewer than grid.points (4); "
        "every network is searched with the same number of points"]


def test_an_unknown_searched_setting_fails_at_load():
    config = merged_config()
    config["grid"]["space"]["downup"]["net"]["widht"] = [32]
    with pytest.raises(ConfigError, match="grid.space.downup.net"):
        check(config, SCHEMA)


# --- convergence bookkeeping ----------------------------------------------------------------------


def test_hit_cap_means_the_cap_ended_training_before_patience_ran_out():
    def result(best_epoch, epochs_run, max_epochs=30, patience=5):
        return TrainResult(None, best_epoch, [0.0] * len(best_epoch), epochs_run=epochs_run,
                           max_epochs=max_epochs, patience=patience)

    assert result([10, 26], 30).hit_cap == [False, True]  # ran to the cap; member 2 improved 4 epochs before
    assert result([10, 25], 30).hit_cap == [False, False]  # 5 epochs without improving: patience ran out
    assert result([10, 14], 19).hit_cap == [False, False]  # stopped by patience before the cap
    assert result([30], 30, patience=1).hit_cap == [True]
    assert result([29], 30, patience=1).hit_cap == [False]


# --- one grid point, the selection, no test labels --------------------------------------------------


def test_a_grid_point_and_the_selection_never_need_the_test_partition(small_corpus, tmp_path, deterministic_single_thread):
    features = tmp_path / "features"
    for partition in ("train", "dev"):  # no test folder at all: a job that read test would fail
        shutil.copytree(small_corpus["features"] / partition, features / partition)
    space = {"optim": {"lr": [0.0, 0.003]}}
    points = grid.grid_points(SMALL_DILATED, space, points=2)
    protocol = {"max_epochs": 3, "patience": 2, "shuffle_seed": 0}
    csvs = []
    for index, point in enumerate(points):
        csvs.append(tmp_path / f"point_{index}.csv")
        search.run_tune_point(features_root=features, network="dilated", dimension="valence", point=index,
                              settings=point, space=space, seeds=[1000, 1001], protocol=protocol, device="cpu",
                              out_csv=csvs[-1])
    rows = pd.concat([pd.read_csv(p) for p in csvs], ignore_index=True)
    assert list(rows["optim.lr"]) == [0.0, 0.003]
    assert set(rows.columns) >= {"median_best_epoch", "share_at_cap", "epochs", "runs", "seconds"}
    assert (rows["runs"] == 2).all()
    settings, table = tmp_path / "chosen.yaml", tmp_path / "grid.csv"
    search.run_select(point_csvs=csvs[::-1], network="dilated", dimension="valence", corpus_name="small corpus",
                      settings_file=settings, grid_table=table)
    grid_table = pd.read_csv(table)
    assert list(grid_table["point"]) == [0, 1] and grid_table["chosen"].sum() == 1
    best = int(np.argmax(grid_table["dev_ccc_mean"]))
    assert grid_table.loc[best, "chosen"]
    chosen = yaml.safe_load(settings.read_text())
    assert chosen["point"] == best and chosen["settings"] == points[best]


def test_the_search_is_one_job_per_point_and_the_final_runs_read_only_the_selection(tmp_path):
    result = run_ok("train", results_dir=tmp_path / "results", configfiles=(ROOT / "config.yaml",),
                    options=["-n", "--cores", "2"])
    jobs = dry_run_jobs(result.output)
    points = [(w["network"], w["dimension"], int(w["point"])) for rule, w in jobs if rule == "tune_point"]
    assert sorted(points) == [(n, d, p) for n in sorted(NETWORKS) for d in DIMENSIONS for p in range(4)]
    assert sum(rule == "tune" for rule, _ in jobs) == len(NETWORKS) * len(DIMENSIONS)
    blocks = result.output.split("\n\n")
    for block in blocks:
        if "rule tune_point:" in block or "rule tune:" in block:
            inputs = next(line for line in block.splitlines() if line.strip().startswith("input:"))
            assert "/test/" not in inputs, inputs
        if "rule train_model:" in block:
            inputs = next(line for line in block.splitlines() if line.strip().startswith("input:"))
            assert "/point_" not in inputs and "/tune/" in inputs, inputs


def test_the_paper_scale_search_dry_runs_as_the_readme_shows(tmp_path):
    """`snakemake -n --configfile config.yaml config/paper.yaml`: 24 grid-point jobs per network and dimension."""
    result = run_ok(results_dir=tmp_path / "results", configfiles=(ROOT / "config.yaml", ROOT / "config" / "paper.yaml"),
                    options=["-n"])
    jobs = dry_run_jobs(result.output)
    points = sorted((w["network"], w["dimension"], int(w["point"])) for rule, w in jobs if rule == "tune_point")
    assert points == [(n, d, p) for n in sorted(NETWORKS) for d in DIMENSIONS for p in range(24)]
    assert re.search(r"^total\s+267$", result.output, re.M), result.tail()  # 246 + the robustness report's 21


def test_search_table_flags_choices_on_the_edge_of_their_range():
    from longterm_emotion.reporting.results_tables import on_edge

    space = {"net": {"hidden": [32, 64, 96], "layers": [1, 2]}, "optim": {"lr": [0.001, 0.003, 0.01]}}
    chosen = {"net.hidden": 64, "net.layers": 2, "optim.lr": 0.001}
    assert on_edge(chosen, space) == "layers=2 (largest of 1, 2), lr=0.001 (smallest of 0.001, 0.003, 0.01)"
    assert on_edge({"net.hidden": 64}, {"net": {"hidden": [32, 64, 96]}}) == ""
