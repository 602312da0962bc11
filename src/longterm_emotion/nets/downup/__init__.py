"""Section 5.2: the downsampling/upsampling convolutional network.

Its name, label, colour and settings, read without torch at every workflow start; the network
itself is in `model`, imported the first time one is built."""

from __future__ import annotations

from dataclasses import dataclass

from ..registry import ACTIVATION_SCHEMA, declare, setting


@dataclass(frozen=True)
class DownUpSettings:
    width: int | tuple[int, ...] = setting(
        {"oneOf": [{"type": "integer", "minimum": 1},
                   {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1}]}, default=32)
    n_down: int = setting(int, default=4, minimum=1)
    factor: int = setting(int, default=3, minimum=2)
    kernel_size: int = setting(int, default=5, minimum=1)
    n_intermediate: int = setting(int, default=1, minimum=0)
    up_kernel: int | None = setting(
        {"type": ["integer", "null"], "minimum": 1,
         "description": "Kernel of the transposed convolutions; null: factor + 2 (overlapping one low-rate step each side)."},
        default=None)
    activation: str = setting(ACTIVATION_SCHEMA, default="tanh")
    dropout: float = setting(float, default=0.0, minimum=0, maximum=1)


declare("downup", label="Down/Up", settings=DownUpSettings, color="tab:orange",
        model=f"{__name__}.model:DownUpConvNet")
