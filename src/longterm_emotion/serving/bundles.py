"""Self-describing model bundles: everything needed to predict with one trained network and dimension.

A bundle is one ``torch.save`` file of plain Python types and tensors (so it loads
with ``weights_only=True``: no code is unpickled), written from the pipeline's
train outputs (``results/train/<network>/<dimension>/{model.pt,scores.csv}``) to
``results/models/<network>_<dimension>.pt``. Keys:

- ``format`` (always ``BUNDLE_FORMAT``), ``format_version``, ``package_version``;
- ``network``, ``dimension``, ``settings`` (constructor arguments), ``optimiser``
  (lr, l2: informative), ``in_dim``, ``seeds`` (one per ensemble member),
  ``state_dict`` (every member's best-dev-epoch weights), ``best_epoch``, ``context_rows`` (label rows of
  input that carry 90 % of an output frame's input gradient: nets.ensemble.effective_context);
- ``features`` (the config's ``features`` section: fbank options, ``std_floor``,
  ``stack``), ``label_rate``, ``corpus_name``;
- ``config`` (the config sections the model depends on), ``config_hash`` (sha256
  of their canonical JSON), ``dev_ccc`` (ensemble) and ``dev_ccc_mean`` (mean of
  the members), from scores.csv;
- ``torch_version`` (informative);
- ``plugins``: the plugin modules (files or module names) that register the network, when it is not the
  package's own; predict imports them before building it;
- ``tensors_sha256``: sha256 of every tensor of ``state_dict`` (name, dtype, shape, bytes),
  checked on load, so a damaged or edited file is refused instead of predicting wrong numbers.

Compatibility: a bundle loads when its format version equals ``FORMAT_VERSION``
and its package version has this package's major.minor (0.1.x reads 0.1.y).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import torch

from .. import __version__, frontends, layout, plugins
from ..errors import InputDataError
from ..files import save_torch
from ..nets import EnsembleModel, build_model
from ..nets.ensemble import effective_context
from ..settings import FeatureOptions

BUNDLE_FORMAT = "longterm-emotion model bundle"
FORMAT_VERSION = 2
SUFFIX = layout.BUNDLE_SUFFIX

log = logging.getLogger(__name__)


class BundleVersionError(InputDataError):
    """A bundle written by an incompatible format or package version."""


REQUIRED_KEYS = ("network", "dimension", "settings", "in_dim", "seeds", "state_dict", "features", "label_rate",
                 "corpus_name", "dev_ccc", "context_rows", "tensors_sha256")


def tensors_digest(state_dict: dict) -> str:
    """sha256 over the tensors of a state dict in key order: each key, dtype, shape and raw bytes."""
    digest = hashlib.sha256()
    for key in sorted(state_dict):
        tensor = state_dict[key].detach().cpu().contiguous()
        digest.update(f"{key}|{tensor.dtype}|{tuple(tensor.shape)}|".encode())
        digest.update(tensor.view(torch.uint8).numpy().tobytes() if tensor.numel() else b"")
    return digest.hexdigest()


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
                corpus_name: str, config: dict, plugin_modules=()) -> dict:
    """The bundle of one train output (model.pt as written by experiments.outputs.save_model)."""
    saved = torch.load(model_pt, map_location="cpu", weights_only=False)
    settings, optimiser = saved["settings"]["net"], saved["settings"]["optim"]
    ensemble_ccc, mean_ccc = dev_scores(scores_csv)
    state_dict = {k: v.detach().cpu().contiguous() for k, v in saved["state_dict"].items()}
    model = build_model(str(saved["model"]), int(saved["in_dim"]), saved["seeds"], **settings)
    model.load_state_dict(state_dict)
    return {
        "format": BUNDLE_FORMAT,
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "torch_version": str(torch.__version__),
        "network": str(saved["model"]),
        "dimension": dimension,
        "settings": _plain(settings),
        "optimiser": _plain(optimiser),
        "in_dim": int(saved["in_dim"]),
        "seeds": [int(s) for s in saved["seeds"]],
        "state_dict": state_dict,
        "tensors_sha256": tensors_digest(state_dict),
        "context_rows": effective_context(model, int(saved["in_dim"])),
        "best_epoch": [int(e) for e in saved["best_epoch"]],
        "features": _plain(features_cfg),
        "label_rate": float(label_rate),
        "corpus_name": str(corpus_name),
        "config": _plain(config),
        "config_hash": config_hash(config),
        "dev_ccc": ensemble_ccc,
        "dev_ccc_mean": mean_ccc,
        "plugins": [str(p) for p in plugin_modules],
    }


def write_bundle(*, model_pt, scores_csv, dimension, features_cfg, label_rate, corpus_name, config, out_path,
                 plugins=()) -> Path:
    """Rule model_bundle: write the bundle of one train output to `out_path`."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    bundle = make_bundle(model_pt, scores_csv, dimension, features_cfg, label_rate, corpus_name, config, plugins)
    return save_torch(bundle, out_path)


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
    """Read and check a bundle (weights_only: nothing but plain types and tensors is unpickled): its format and
    versions, its keys, and its tensors against their checksum."""
    path = Path(path)
    if not path.is_file():
        raise InputDataError(path, "model bundle is a folder, not a file" if path.is_dir() else "model bundle does not exist")
    try:
        bundle = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file becomes one line naming it
        text = str(exc)
        if "Unsupported global" in text:
            raise InputDataError(path, "not a model bundle of this package: it holds pickled Python objects, "
                                       "which are never loaded (rerun `snakemake models`)") from None
        if "Weights only load failed" in text:  # torch's advice to load unsafely is not repeated
            raise InputDataError(path, "not a readable model bundle (not a torch file of tensors and plain "
                                       "values, or damaged)") from None
        first = text.strip().splitlines()[0] if text.strip() else ""
        raise InputDataError(path, f"not a readable model bundle ({type(exc).__name__}: {first})") from None
    check_compatible(bundle, path)
    missing = [key for key in REQUIRED_KEYS if key not in bundle]
    if missing:
        raise InputDataError(path, f"damaged or edited model bundle: no {', '.join(repr(k) for k in missing)} "
                                   "entry (rerun `snakemake models`)")
    state_dict = bundle["state_dict"]
    if not isinstance(state_dict, dict) or not all(isinstance(v, torch.Tensor) for v in state_dict.values()):
        raise InputDataError(path, "damaged or edited model bundle: its weights are not a table of tensors")
    if tensors_digest(state_dict) != bundle["tensors_sha256"]:
        raise InputDataError(path, "damaged or edited model bundle: its weights do not match their checksum "
                                   "(rerun `snakemake models`, or copy the file again)")
    return bundle


def build_network(bundle: dict, path=None) -> EnsembleModel:
    """The bundle's ensemble with its weights, in eval mode on the CPU; an edited bundle whose settings and
    weights disagree raises InputDataError naming `path`. The plugin modules the bundle records (a network of the
    user's) are imported first."""
    plugins.load(bundle.get("plugins", []))
    try:
        model = build_model(bundle["network"], bundle["in_dim"], bundle["seeds"], **bundle["settings"])
        model.load_state_dict(bundle["state_dict"], strict=True)
    except (RuntimeError, ValueError, TypeError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise InputDataError(path or "<bundle>", f"damaged or edited model bundle: its network settings and weights "
                                                 f"do not fit together ({first})") from None
    return model.eval()


def check_features(bundle: dict, path=None) -> None:
    """The bundle's `features` entry names a front end registered here (after its plugin modules are imported)
    and holds every option that front end and the shared normalisation and stacking read."""
    features, where = bundle["features"], path or "<bundle>"
    if not isinstance(features, dict):
        raise InputDataError(where, "damaged or edited model bundle: its features entry is not a table "
                                    "(rerun `snakemake models`)")
    name = features.get("frontend", "fbank")
    if name not in frontends.FRONTENDS:
        raise InputDataError(where, f"the bundle's front end {name!r} is not registered here "
                                    f"({', '.join(sorted(frontends.FRONTENDS))}); a front end of a plugin needs "
                                    "the bundle's plugin modules")
    try:
        FeatureOptions.from_config(features)
        frontends.FRONTENDS[name].options_of({"frontend": name, **features})
    except (KeyError, ValueError, TypeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        first = first.split(" (config.yaml", 1)[0]  # the config's advice does not apply to a bundle
        raise InputDataError(where, f"damaged or edited model bundle: its features entry does not fit its front "
                                    f"end {name!r} ({first}; rerun `snakemake models`)") from None


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
    model = build_network(bundle, path)
    check_features(bundle, path)
    return Bundle(Path(path), bundle, model)


def find_bundles(folder) -> list[Path]:
    """Bundle files of a results folder (folder/models/*.pt) or of a folder of bundles (folder/*.pt)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputDataError(folder, "models folder does not exist")
    for candidate in (folder / layout.MODELS, folder):
        found = sorted(candidate.glob(f"*{SUFFIX}"))
        if found:
            return found
    raise InputDataError(folder, f"no model bundles here or in its models/ subfolder (*{SUFFIX}); "
                                 "run `snakemake models` first")


def _could_be(path: Path, dimension: str, network: str | None) -> bool:
    """Whether an unreadable bundle file could have been a candidate, judged by its name `<network>_<dimension>.pt`."""
    stem = path.stem
    if not stem.endswith(f"_{dimension}"):
        return not any(stem.endswith(f"_{d}") for d in ("arousal", "valence"))  # an unknown name: it could be
    return network is None or stem == f"{network}_{dimension}"


def choose(paths, dimensions, network: str | None = None) -> dict[str, Bundle]:
    """One bundle per dimension: `network`'s, or else the one with the best dev CCC (ensemble).

    An unreadable bundle stops the choice only where it could have been chosen (by its file name
    `<network>_<dimension>.pt`); otherwise it is skipped with a warning naming it."""
    bundles, broken = [], []
    for path in map(Path, paths):
        try:
            bundles.append(open_bundle(path))
        except InputDataError as exc:
            broken.append((path, exc))
    chosen = {}
    for dimension in dimensions:
        for path, exc in broken:
            if _could_be(path, dimension, network):
                raise exc
        candidates = [b for b in bundles if b.dimension == dimension and (network is None or b.network == network)]
        if not candidates:
            available = sorted({f"{b.network}_{b.dimension}" for b in bundles})
            wanted = f"network {network!r} for {dimension}" if network else dimension
            raise InputDataError(Path(paths[0]).parent, f"no bundle for {wanted}; found: {', '.join(available)}")
        chosen[dimension] = max(candidates, key=lambda b: (b.info["dev_ccc"], b.network))
    for path, exc in broken:
        log.warning("skipped %s", exc)
    return chosen
