"""Self-describing model bundles: everything needed to predict with one trained network and dimension.

A bundle is one ``torch.save`` file of plain Python types and tensors (so it loads
with ``weights_only=True``: no code is unpickled), written from the pipeline's
train outputs (``results/train/<network>/<dimension>/{model.pt,scores.csv}``) to
``results/models/<network>_<dimension>.pt``. Keys:

- ``format`` (always ``BUNDLE_FORMAT``), ``format_version``, ``package_version``;
- ``network``, ``dimension``, ``settings`` (constructor arguments), ``optimiser``
  (lr, l2: informative), ``in_dim``, ``seeds`` (one per ensemble member),
  ``state_dict`` (every member's best-dev-epoch weights), ``best_epoch``;
- ``features`` (the config's ``features`` section: fbank options, ``std_floor``,
  ``stack``), ``label_rate``, ``corpus_name``;
- ``config`` (the config sections the model depends on), ``config_hash`` (sha256
  of their canonical JSON), ``dev_ccc`` (ensemble) and ``dev_ccc_mean`` (mean of
  the members), from scores.csv;
- ``torch_version`` (informative).

Compatibility: a bundle loads when its format version equals ``FORMAT_VERSION``
and its package version has this package's major.minor (0.1.x reads 0.1.y).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import torch

from .. import __version__
from ..errors import InputDataError
from ..nets import EnsembleModel, build_model

BUNDLE_FORMAT = "longterm-emotion model bundle"
FORMAT_VERSION = 1
SUFFIX = ".pt"


class BundleVersionError(InputDataError):
    """A bundle written by an incompatible format or package version."""


def config_hash(sections: dict) -> str:
    """sha256 of the canonical JSON (sorted keys, no spaces) of `sections`."""
    text = json.dumps(sections, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def dev_scores(scores_csv) -> tuple[float, float]:
    """(ensemble dev CCC, mean member dev CCC) of a train output's scores.csv."""
    scores = pd.read_csv(scores_csv)
    dev = scores[scores["partition"] == "dev"].set_index("run")["ccc"]
    if "ensemble" not in dev.index or "mean" not in dev.index:
        raise InputDataError(scores_csv, "no dev ensemble/mean CCC rows")
    return float(dev["ensemble"]), float(dev["mean"])


def make_bundle(model_pt, scores_csv, dimension: str, features_cfg: dict, label_rate: float,
                corpus_name: str, config: dict) -> dict:
    """The bundle of one train output (model.pt as written by experiments.outputs.save_model)."""
    saved = torch.load(model_pt, map_location="cpu", weights_only=False)
    settings, optimiser = saved["settings"]["net"], saved["settings"]["optim"]
    ensemble_ccc, mean_ccc = dev_scores(scores_csv)
    return {
        "format": BUNDLE_FORMAT,
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "torch_version": str(torch.__version__),
        "network": str(saved["model"]),
        "dimension": dimension,
        "settings": _plain(settings),
        "optimiser": _plain(optimiser),
        "in_dim": int(features_cfg["num_mel_bins"]) * int(features_cfg["stack"]),
        "seeds": [int(s) for s in saved["seeds"]],
        "state_dict": {k: v.detach().cpu().contiguous() for k, v in saved["state_dict"].items()},
        "best_epoch": [int(e) for e in saved["best_epoch"]],
        "features": _plain(features_cfg),
        "label_rate": float(label_rate),
        "corpus_name": str(corpus_name),
        "config": _plain(config),
        "config_hash": config_hash(config),
        "dev_ccc": ensemble_ccc,
        "dev_ccc_mean": mean_ccc,
    }


def write_bundle(*, model_pt, scores_csv, dimension, features_cfg, label_rate, corpus_name, config, out_path) -> Path:
    """Rule model_bundle: write the bundle of one train output to `out_path`."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    bundle = make_bundle(model_pt, scores_csv, dimension, features_cfg, label_rate, corpus_name, config)
    tmp = out_path.with_suffix(out_path.suffix + ".tmp")
    torch.save(bundle, tmp)
    tmp.replace(out_path)
    return out_path


def _plain(value):
    """Plain Python types only (Snakemake passes its own dict/list subclasses)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    for kind in (bool, int, float, str):  # also turns subclasses (e.g. torch's TorchVersion) into the plain type
        if isinstance(value, kind):
            return kind(value)
    if value is None:
        return None
    return str(value)


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(str(version).split(".")[:2])


def check_compatible(bundle: dict, path) -> None:
    """Refuse a bundle of another format version or package major.minor, naming the file and both versions."""
    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
        raise InputDataError(path, f"not a {BUNDLE_FORMAT}")
    theirs, ours = bundle.get("format_version"), FORMAT_VERSION
    if theirs != ours:
        raise BundleVersionError(
            path, f"bundle format version {theirs} (package {bundle.get('package_version')}) cannot be read by "
                  f"longterm-emotion {__version__}, which reads format version {ours}; rerun `snakemake models`")
    if _major_minor(bundle.get("package_version", "")) != _major_minor(__version__):
        raise BundleVersionError(
            path, f"bundle written by longterm-emotion {bundle.get('package_version')}, incompatible with the "
                  f"installed longterm-emotion {__version__} (major.minor must match); rerun `snakemake models`")


def load_bundle(path) -> dict:
    """Read and check a bundle (weights_only: nothing but plain types and tensors is unpickled)."""
    path = Path(path)
    if not path.is_file():
        raise InputDataError(path, "model bundle does not exist")
    try:
        bundle = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file becomes one line naming it
        raise InputDataError(path, f"not a readable model bundle ({type(exc).__name__}: {str(exc).splitlines()[0]})") from None
    check_compatible(bundle, path)
    return bundle


def build_network(bundle: dict) -> EnsembleModel:
    """The bundle's ensemble with its weights, in eval mode on the CPU."""
    model = build_model(bundle["network"], bundle["in_dim"], bundle["seeds"], **bundle["settings"])
    model.load_state_dict(bundle["state_dict"], strict=True)
    return model.eval()


def split_members(model: EnsembleModel, bundle: dict) -> list[EnsembleModel]:
    """One single-member network per ensemble member, with that member's weights (eval mode).

    The vectorised ensemble keeps every member's activations at once (5 members of width
    128 over an hour of audio: about 0.8 GB); one member at a time needs a fifth of that
    and computes the same numbers (members never mix).
    """
    members = []
    for m, seed in enumerate(bundle["seeds"]):
        member = build_model(bundle["network"], bundle["in_dim"], [seed], **bundle["settings"])
        member.load_member_state(0, model.member_state(m))
        members.append(member.eval())
    return members


@dataclass
class Bundle:
    """A loaded bundle: where it came from, its description, the network and its members one by one."""

    path: Path
    info: dict
    model: EnsembleModel
    members: list[EnsembleModel] | None = None

    def __post_init__(self):
        if self.members is None:
            self.members = split_members(self.model, self.info)

    @property
    def network(self) -> str:
        return self.info["network"]

    @property
    def dimension(self) -> str:
        return self.info["dimension"]


def open_bundle(path) -> Bundle:
    bundle = load_bundle(path)
    return Bundle(Path(path), bundle, build_network(bundle))


def find_bundles(folder) -> list[Path]:
    """Bundle files of a results folder (folder/models/*.pt) or of a folder of bundles (folder/*.pt)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputDataError(folder, "models folder does not exist")
    for candidate in (folder / "models", folder):
        found = sorted(candidate.glob(f"*{SUFFIX}"))
        if found:
            return found
    raise InputDataError(folder, f"no model bundles here or in its models/ subfolder (*{SUFFIX}); "
                                 "run `snakemake models` first")


def choose(paths, dimensions, network: str | None = None) -> dict[str, Bundle]:
    """One bundle per dimension: `network`'s, or else the one with the best dev CCC (ensemble)."""
    bundles = [open_bundle(p) for p in paths]
    chosen = {}
    for dimension in dimensions:
        candidates = [b for b in bundles if b.dimension == dimension and (network is None or b.network == network)]
        if not candidates:
            available = sorted({f"{b.network}_{b.dimension}" for b in bundles})
            wanted = f"network {network!r} for {dimension}" if network else dimension
            raise InputDataError(Path(paths[0]).parent, f"no bundle for {wanted}; found: {', '.join(available)}")
        chosen[dimension] = max(candidates, key=lambda b: (b.info["dev_ccc"], b.network))
    return chosen
