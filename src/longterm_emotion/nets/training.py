"""Training with the CCC loss on full-length recordings, model selection on dev.

Protocol (paper Section 6.1 and the authors' later code): batch of one whole
recording, order shuffled every epoch, Adam, loss = sum over ensemble members
of (negative CCC + L2 penalty on the weights), dev CCC (over the dev recordings
concatenated) after every epoch, each member keeps its best dev epoch; early
stopping once no member has improved for `patience` epochs. The shuffle order
comes from `shuffle_seed`, not from the members' seeds, so a vectorised ensemble
of seeds [a, b] trains exactly as separate runs with seeds [a] and [b] would.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from ..metrics import ccc
from . import EnsembleModel, build_model, ccc_loss

log = logging.getLogger(__name__)


class DeviceError(RuntimeError):
    """The configured device cannot be used on this machine."""


def resolve_device(name: str) -> torch.device:
    """'auto' -> the first GPU if one is visible, else the CPU; 'cuda'/'cuda:N' must exist."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise DeviceError(f"config key training.device is {name!r} but no CUDA GPU is visible; use 'auto' or 'cpu'")
    return torch.device(name)


def make_deterministic(threads: int | None = None) -> None:
    """Same seed and device, same numbers: deterministic kernels, fixed thread count."""
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False
    if threads:
        torch.set_num_threads(int(threads))


@dataclass
class Recording:
    name: str
    x: torch.Tensor  # (1, C, T)
    y: torch.Tensor | None  # (1, T)


def to_recordings(items, dimension: str, device) -> list[Recording]:
    """features.load_partition items -> tensors on `device` for one dimension."""
    out = []
    for item in items:
        x = torch.from_numpy(item["features"].T.copy()).unsqueeze(0).to(device)
        y = None if item["labels"] is None else torch.from_numpy(item["labels"][dimension]).unsqueeze(0).to(device)
        out.append(Recording(item["recording"], x, y))
    return out


@torch.no_grad()
def predict(model: EnsembleModel, recordings: list[Recording]) -> list[np.ndarray]:
    """Predictions per recording, each (M, T) float64."""
    model.eval()
    return [model(r.x)[0].double().cpu().numpy() for r in recordings]


def member_scores(predictions: list[np.ndarray], recordings: list[Recording]) -> np.ndarray:
    """Dev CCC of each member over the partition's recordings concatenated."""
    y = np.concatenate([r.y[0].double().cpu().numpy() for r in recordings])
    p = np.concatenate(predictions, axis=1)
    return np.array([ccc(y, p[m]) for m in range(p.shape[0])])


def l2_penalty(model: EnsembleModel) -> torch.Tensor:
    """Sum of squared weights (not biases) of the whole ensemble."""
    return sum((p**2).sum() for name, p in model.named_parameters() if "bias" not in name)


@dataclass
class TrainResult:
    model: EnsembleModel
    best_epoch: list[int]
    best_dev_ccc: list[float]
    history: list[dict] = field(default_factory=list)
    seconds_per_epoch: float = 0.0
    epochs_run: int = 0


def _fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _data_digest(recordings: list[Recording]) -> str:
    """Digest of the recordings' features and labels: a checkpoint only resumes on the same data."""
    digest = hashlib.sha256()
    for r in recordings:
        for tensor in (r.x, r.y):
            if tensor is not None:
                digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


def train(
    model_name: str,
    model_params: dict,
    seeds: list[int],
    train_set: list[Recording],
    dev_set: list[Recording],
    training: dict,
    checkpoint: Path | None = None,
) -> TrainResult:
    """Train an ensemble (one member per seed); return it with each member at its best dev epoch.

    `training` holds lr, l2, max_epochs, patience, shuffle_seed. With `checkpoint`,
    the state after every epoch is saved there and a restarted job with the same
    settings resumes from it (the file is removed when training completes).
    """
    device = train_set[0].x.device
    model = build_model(model_name, train_set[0].x.shape[1], seeds, **model_params).to(device)
    optimiser = torch.optim.Adam(model.param_groups(float(training["lr"])))
    order_rng = np.random.default_rng(int(training["shuffle_seed"]))
    members = model.n_members
    best_ccc = [-np.inf] * members
    best_epoch = [0] * members
    best_state = [model.member_state(m) for m in range(members)]
    history: list[dict] = []
    start_epoch = 1
    fingerprint = _fingerprint({"model": model_name, "params": model_params, "seeds": seeds, "training": training,
                                "train": [r.name for r in train_set], "dev": [r.name for r in dev_set],
                                "data": _data_digest(train_set + dev_set)}) if checkpoint is not None else None
    if checkpoint is not None and Path(checkpoint).is_file():
        state = torch.load(checkpoint, map_location=device, weights_only=False)
        if state["fingerprint"] == fingerprint:
            model.load_state_dict(state["model"])
            optimiser.load_state_dict(state["optimiser"])
            order_rng.bit_generator.state = state["order_rng"]
            best_ccc, best_epoch, best_state, history = state["best_ccc"], state["best_epoch"], state["best_state"], state["history"]
            start_epoch = state["epoch"] + 1
            log.info("resuming from %s after epoch %d", checkpoint, state["epoch"])
        else:
            log.info("ignoring checkpoint %s: it was written with other settings", checkpoint)
    l2 = float(training["l2"])
    epoch_seconds = []
    epoch = start_epoch - 1
    last_epoch = int(training["max_epochs"])
    if start_epoch > 1 and min(epoch - b for b in best_epoch) >= int(training["patience"]):
        last_epoch = epoch  # the interrupted run had already stopped early after its last saved epoch
    for epoch in range(start_epoch, last_epoch + 1):
        started = time.perf_counter()
        model.train()
        losses = []
        for index in order_rng.permutation(len(train_set)):
            rec = train_set[index]
            optimiser.zero_grad(set_to_none=True)
            member_losses = ccc_loss(model(rec.x), rec.y)
            loss = member_losses.sum() + (l2 * l2_penalty(model) if l2 > 0 else 0.0)
            loss.backward()
            optimiser.step()
            losses.append(member_losses.detach().cpu().numpy())
        dev_ccc = member_scores(predict(model, dev_set), dev_set)
        epoch_seconds.append(time.perf_counter() - started)
        train_loss = np.mean(losses, axis=0)
        for m in range(members):
            history.append({"epoch": epoch, "member": m, "seed": seeds[m], "train_loss": float(train_loss[m]),
                            "dev_ccc": float(dev_ccc[m]), "seconds": epoch_seconds[-1]})
            if dev_ccc[m] > best_ccc[m]:
                best_ccc[m], best_epoch[m], best_state[m] = float(dev_ccc[m]), epoch, model.member_state(m)
        log.info("epoch %d  dev CCC %s  best %s  %.2f s", epoch, np.round(dev_ccc, 3), np.round(best_ccc, 3), epoch_seconds[-1])
        if checkpoint is not None:
            _save_atomic({"fingerprint": fingerprint, "model": model.state_dict(), "optimiser": optimiser.state_dict(),
                          "order_rng": order_rng.bit_generator.state, "best_ccc": best_ccc, "best_epoch": best_epoch,
                          "best_state": best_state, "history": history, "epoch": epoch}, Path(checkpoint))
        if min(epoch - b for b in best_epoch) >= int(training["patience"]):
            log.info("early stop: no member improved for %d epochs", training["patience"])
            break
    for m in range(members):
        model.load_member_state(m, best_state[m])
    if checkpoint is not None and Path(checkpoint).is_file():
        Path(checkpoint).unlink()
    return TrainResult(model, best_epoch, best_ccc, history, float(np.mean(epoch_seconds)) if epoch_seconds else 0.0, epoch)


def _save_atomic(obj, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)
