"""Section 5.1: the dilated convolutional network.

Its name, label, colour and settings, read without torch at every workflow start; the network
itself is in `model`, imported the first time one is built."""

from __future__ import annotations

from dataclasses import dataclass

from ..registry import ACTIVATION_SCHEMA, declare, setting


@dataclass(frozen=True)
class DilatedSettings:
    width: int = setting(int, default=32, minimum=1)
    depth: int = setting(int, default=10, minimum=1)
    kernel_size: int = setting(int, default=3, minimum=1)
    dilation_base: int = setting(int, default=2, minimum=1)
    activation: str = setting(ACTIVATION_SCHEMA, default="tanh")
    dropout: float = setting(float, default=0.0, minimum=0, maximum=1)


declare("dilated", label="Dilated", settings=DilatedSettings, color="tab:blue",
        model=f"{__name__}.model:DilatedConvNet")
