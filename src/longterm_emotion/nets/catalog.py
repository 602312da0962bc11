"""The package's own networks, declared without importing torch: name, printed label, colour and settings
dataclass (the typed list of the constructor's keyword arguments, one place for their defaults). The workflow
reads these at every start; each network's class is imported from its module the first time it is built.

A network of your own registers its class instead, with ``@register`` (see ``registry``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .registry import declare, setting

# The activations of the convolutional networks (nets.ensemble.ACTIVATIONS builds them), as a settings schema.
ACTIVATION_NAMES = ("tanh", "relu", "elu")
ACTIVATION_SCHEMA = {"type": "string", "enum": list(ACTIVATION_NAMES)}
POSITIONS = ("relative", "sinusoidal")


@dataclass(frozen=True)
class SingleFilterSettings:
    filter_length: int = setting(int, minimum=1)
    fft_size: int = setting(int, default=3072, minimum=2)
    lr_per_length: bool = setting(bool, default=True)


@dataclass(frozen=True)
class DilatedSettings:
    width: int = setting(int, default=32, minimum=1)
    depth: int = setting(int, default=10, minimum=1)
    kernel_size: int = setting(int, default=3, minimum=1)
    dilation_base: int = setting(int, default=2, minimum=1)
    activation: str = setting(ACTIVATION_SCHEMA, default="tanh")
    dropout: float = setting(float, default=0.0, minimum=0, maximum=1)


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


@dataclass(frozen=True)
class BLSTMSettings:
    hidden: int = setting(int, default=32, minimum=1)
    layers: int = setting(int, default=1, minimum=1)
    dropout: float = setting(float, default=0.0, minimum=0, maximum=1)


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


# In the order they were always listed (alphabetical).
declare("blstm", label="BLSTM", settings=BLSTMSettings, color="tab:green",
        model="longterm_emotion.nets.blstm:BLSTMNet")
declare("dilated", label="Dilated", settings=DilatedSettings, color="tab:blue",
        model="longterm_emotion.nets.dilated:DilatedConvNet")
declare("downup", label="Down/Up", settings=DownUpSettings, color="tab:orange",
        model="longterm_emotion.nets.downup:DownUpConvNet")
declare("single_filter", label="Single filter", settings=SingleFilterSettings,
        model="longterm_emotion.nets.single_filter:SingleFilterNet")
declare("transformer", label="Transformer (not in the paper)", settings=TransformerSettings, color="tab:purple",
        model="longterm_emotion.nets.transformer:TransformerNet")
