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
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from ..files import save_torch
from ..metrics import ccc
from ..settings import Optimiser, Protocol
from . import EnsembleModel, build_model, ccc_loss

log = logging.getLogger(__name__)


class DeviceError(RuntimeError):
    """The configured device cannot be used on this machine."""


def resolve_device(name: str) -> torch.device:
    """'auto' -> the first GPU if one is visible, else the CPU; 'cuda'/'cuda:N' must exist."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise DeviceError(f"config key compute.device is {name!r} but no CUDA GPU is visible; use 'auto' or 'cpu'")
    return torch.device(name)


def make_deterministic(threads: int | None = None, cuda: bool | None = None) -> None:
    """Same seed, device and thread count, same numbers.

    CUDA needs PyTorch's deterministic mode (and a fixed cuBLAS workspace); it is switched on
    when a GPU is visible (`cuda` None) or asked for. CPU kernels already give identical numbers
    for a fixed thread count (tests/test_training.py reruns every network), while deterministic
    mode slows some of them (the LSTM by about 18 %, `python bench/training_time.py`), so a
    CPU-only run leaves it off.
    """
    if torch.cuda.is_available() if cuda is None else cuda:
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
    max_epochs: int = 0
    patience: int = 0

    @property
    def hit_cap(self) -> list[bool]:
        """Per member: training ended at the epoch cap before the member had gone `patience` epochs
        without improving (it might have improved further: not converged by the protocol's test)."""
        return [self.epochs_run >= self.max_epochs and self.max_epochs - b < self.patience for b in self.best_epoch]


def _data_digest(recordings: list[Recording]) -> str:
    """Digest of the recordings' features and labels: a checkpoint only resumes on the same data."""
    digest = hashlib.sha256()
    for r in recordings:
        for tensor in (r.x, r.y):
            if tensor is not None:
                digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


@dataclass
class Progress:
    """The early-stopping state of an ensemble (and what a checkpoint restores besides the model and
    optimiser). bench/patience_replay.py replays recorded dev curves through it."""

    best_ccc: list[float]
    best_epoch: list[int]
    best_state: list[dict]
    history: list[dict]
    epoch: int = 0  # last finished epoch

    def stopped(self, patience: int) -> bool:
        """True once no member has improved for `patience` epochs."""
        return self.epoch > 0 and min(self.epoch - b for b in self.best_epoch) >= patience

    def finished(self, protocol: Protocol) -> bool:
        """Training ends at the epoch cap or once every member has stalled for `patience` epochs."""
        return self.epoch >= protocol.max_epochs or self.stopped(protocol.patience)

    def record(self, epoch: int, dev_ccc) -> list[int]:
        """Epoch `epoch` is finished with these dev CCCs; returns the members that improved on their best."""
        self.epoch = epoch
        better = [m for m, score in enumerate(dev_ccc) if score > self.best_ccc[m]]
        for m in better:
            self.best_ccc[m], self.best_epoch[m] = float(dev_ccc[m]), epoch
        return better


def _fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _resume(checkpoint: Path, fingerprint: str, model, optimiser, order_rng, device) -> Progress | None:
    """The progress saved in `checkpoint` (model, optimiser and order restored in place), if it matches."""
    checkpoint = Path(checkpoint)
    if not checkpoint.is_file():
        return None
    try:
        state = torch.load(checkpoint, map_location=device, weights_only=False)
        stored = state["fingerprint"]
    except Exception as exc:  # noqa: BLE001 - an unreadable checkpoint is set aside, never fatal
        aside = checkpoint.with_name(checkpoint.name + ".unreadable")
        os.replace(checkpoint, aside)
        cause = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        log.warning("checkpoint %s cannot be read (%s: %s); moved it to %s and training starts from scratch",
                    checkpoint, type(exc).__name__, cause, aside)
        return None
    if stored != fingerprint:
        log.info("ignoring checkpoint %s: it was written with other settings", checkpoint)
        return None
    model.load_state_dict(state["model"])
    optimiser.load_state_dict(state["optimiser"])
    order_rng.bit_generator.state = state["order_rng"]
    log.info("resuming from %s after epoch %d", checkpoint, state["epoch"])
    return Progress(state["best_ccc"], state["best_epoch"], state["best_state"], state["history"], state["epoch"])


def _save_checkpoint(checkpoint: Path, fingerprint: str, model, optimiser, order_rng, progress: Progress) -> None:
    save_torch({"fingerprint": fingerprint, "model": model.state_dict(), "optimiser": optimiser.state_dict(),
                  "order_rng": order_rng.bit_generator.state, "best_ccc": progress.best_ccc,
                  "best_epoch": progress.best_epoch, "best_state": progress.best_state,
                  "history": progress.history, "epoch": progress.epoch}, Path(checkpoint))


def _train_epoch(model: EnsembleModel, optimiser, train_set: list[Recording], order: np.ndarray, l2: float) -> np.ndarray:
    """One pass over the training recordings in `order`, one step per recording; mean loss per member."""
    model.train()
    losses = []
    for index in order:
        rec = train_set[index]
        optimiser.zero_grad(set_to_none=True)
        member_losses = ccc_loss(model(rec.x), rec.y)
        loss = member_losses.sum() + (l2 * l2_penalty(model) if l2 > 0 else 0.0)
        loss.backward()
        optimiser.step()
        losses.append(member_losses.detach().cpu().numpy())
    return np.mean(losses, axis=0)


def train(
    network: str,
    net: dict,
    seeds: list[int],
    train_set: list[Recording],
    dev_set: list[Recording],
    optim: Optimiser,
    protocol: Protocol,
    checkpoint: Path | None = None,
) -> TrainResult:
    """Train an ensemble (one member per seed); return it with each member at its best dev epoch.

    `net` holds the network's constructor arguments. With `checkpoint`, the state
    after every epoch is saved there and a restarted job with the same settings
    and data resumes from it (the file is removed when training completes).
    """
    device = train_set[0].x.device
    model = build_model(network, train_set[0].x.shape[1], seeds, **net).to(device)
    optimiser = torch.optim.Adam(model.param_groups(optim.lr))
    order_rng = np.random.default_rng(protocol.shuffle_seed)
    fingerprint = None
    progress = None
    if checkpoint is not None:
        fingerprint = _fingerprint({"model": network, "params": net, "seeds": seeds, "optim": asdict(optim),
                                    "protocol": asdict(protocol), "train": [r.name for r in train_set],
                                    "dev": [r.name for r in dev_set], "data": _data_digest(train_set + dev_set)})
        progress = _resume(checkpoint, fingerprint, model, optimiser, order_rng, device)
    if progress is None:
        members = model.n_members
        progress = Progress([-np.inf] * members, [0] * members, [model.member_state(m) for m in range(members)], [])
    epoch_seconds = []
    while not progress.finished(protocol):
        started = time.perf_counter()
        epoch = progress.epoch + 1
        train_loss = _train_epoch(model, optimiser, train_set, order_rng.permutation(len(train_set)), optim.l2)
        dev_ccc = member_scores(predict(model, dev_set), dev_set)
        epoch_seconds.append(time.perf_counter() - started)
        for m in range(model.n_members):
            progress.history.append({"epoch": epoch, "member": m, "seed": seeds[m],
                                     "train_loss": float(train_loss[m]), "dev_ccc": float(dev_ccc[m]),
                                     "seconds": epoch_seconds[-1]})
        for m in progress.record(epoch, dev_ccc):
            progress.best_state[m] = model.member_state(m)
        log.info("epoch %d  dev CCC %s  best %s  %.2f s", progress.epoch, np.round(dev_ccc, 3),
                 np.round(progress.best_ccc, 3), epoch_seconds[-1])
        if checkpoint is not None:
            _save_checkpoint(checkpoint, fingerprint, model, optimiser, order_rng, progress)
    if progress.stopped(protocol.patience):
        log.info("early stop: no member improved for %d epochs", protocol.patience)
    for m in range(model.n_members):
        model.load_member_state(m, progress.best_state[m])
    if checkpoint is not None and Path(checkpoint).is_file():
        Path(checkpoint).unlink()
    return TrainResult(model, progress.best_epoch, progress.best_ccc, progress.history,
                       float(np.mean(epoch_seconds)) if epoch_seconds else 0.0, progress.epoch,
                       protocol.max_epochs, protocol.patience)

