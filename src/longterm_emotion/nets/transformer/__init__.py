"""A local-attention transformer encoder as an ensemble of separate member networks.

Its name, label, colour and settings, read without torch at every workflow start; the network
itself is in `model`, imported the first time one is built."""

from __future__ import annotations

from dataclasses import dataclass

from ..registry import declare, setting

POSITIONS = ("relative", "sinusoidal")


@dataclass(frozen=True)
class TransformerSettings:
    """Constructor settings of TransformerNet (field names = its keyword arguments)."""

    width: int = setting(int, default=64, minimum=1)  # d_model (a multiple of heads)
    layers: int = setting(int, default=2, minimum=1)
    heads: int = setting(int, default=4, minimum=1)
    ff_mult: int = setting(int, default=4, minimum=1)  # feed-forward width = ff_mult * width
    window: int = setting(int, default=128, minimum=1)  # attention half-window (128 frames = 5.12 s at 25 Hz)
    dropout: float = setting(float, default=0.0, minimum=0, maximum=1)
    positions: str = setting({"type": "string", "enum": list(POSITIONS)}, default="relative")


declare("transformer", label="Transformer (not in the paper)", settings=TransformerSettings, color="tab:purple",
        model=f"{__name__}.model:TransformerNet")
