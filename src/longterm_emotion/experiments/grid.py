"""The dev search space of a network and its grid points.

Torch-free, so that the workflow can list the points (one job each) when it parses the
config. A space is shaped like a network's settings, ``{net: {key: [values]}, optim:
{key: [values]}}``; its combinations are the Cartesian product of the lists. Every
network gets the same number of points (``grid.points``): the whole product when it has
exactly that many combinations, else that many combinations drawn at random without
replacement (seeded; random search, Bergstra and Bengio 2012).
"""

from __future__ import annotations

import itertools
import math
import random

GROUPS = ("net", "optim")


def grid_axes(space: dict) -> list[tuple[str, str, list]]:
    """(group, setting, values) of every searched setting, in a fixed (sorted) order."""
    return [(group, key, list(space[group][key])) for group in sorted(space) for key in sorted(space[group])]


def grid_size(space: dict) -> int:
    """Number of combinations of the space (1 for an empty space: the base settings)."""
    return math.prod(len(values) for _, _, values in grid_axes(space))


def grid_points(base: dict, space: dict, points: int | None = None, seed: int = 0) -> list[dict]:
    """The searched settings ({net, optim} dicts: `base` with the space's values applied).

    `points` None: every combination. Otherwise exactly `points` of them, in product order:
    all when the space has that many, else a seeded random draw; fewer is an error.
    """
    axes = grid_axes(space)
    combinations = list(itertools.product(*(values for _, _, values in axes)))
    if points is not None:
        if len(combinations) < points:
            raise ValueError(f"the space has {len(combinations)} combinations, fewer than grid.points ({points})")
        if len(combinations) > points:
            chosen = sorted(random.Random(seed).sample(range(len(combinations)), points))
            combinations = [combinations[i] for i in chosen]
    settings = []
    for values in combinations:
        point = {group: dict(base.get(group, {})) for group in GROUPS}
        for (group, key, _), value in zip(axes, values, strict=True):
            point[group][key] = value
        settings.append(point)
    return settings


def searched_values(space: dict, point: dict) -> dict:
    """{'<group>.<key>': value} of the searched settings of one point (the grid table's columns)."""
    return {f"{group}.{key}": point[group][key] for group, key, _ in grid_axes(space)}
