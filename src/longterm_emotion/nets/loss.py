"""The training loss: negative concordance correlation coefficient per ensemble member."""

from __future__ import annotations

import torch


def ccc_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Negative CCC of each member, shape (M,), from pred (B, M, T) and target (B, T).

    Population moments over all B * T frames of a member. Undefined (NaN)
    when prediction and target are both constant.
    """
    if pred.dim() != 3 or target.shape != (pred.shape[0], pred.shape[2]):
        raise ValueError(f"ccc_loss: pred {tuple(pred.shape)} needs (B, M, T), target (B, T); "
                         f"got target {tuple(target.shape)}")
    y = target.unsqueeze(1)
    mu_p = pred.mean(dim=(0, 2), keepdim=True)
    mu_y = y.mean()
    var_p = ((pred - mu_p) ** 2).mean(dim=(0, 2))
    var_y = ((y - mu_y) ** 2).mean()
    cov = ((pred - mu_p) * (y - mu_y)).mean(dim=(0, 2))
    return -2.0 * cov / (var_y + var_p + (mu_y - mu_p.view(-1)) ** 2)
