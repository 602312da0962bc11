"""The BLSTM regression reference [24] of the paper's tables.

Its name, label, colour and settings, read without torch at every workflow start; the network
itself is in `model`, imported the first time one is built."""

from __future__ import annotations

from dataclasses import dataclass

from ..registry import declare, setting


@dataclass(frozen=True)
class BLSTMSettings:
    hidden: int = setting(int, default=32, minimum=1)
    layers: int = setting(int, default=1, minimum=1)
    dropout: float = setting(float, default=0.0, minimum=0, maximum=1)


declare("blstm", label="BLSTM", settings=BLSTMSettings, color="tab:green",
        model=f"{__name__}.model:BLSTMNet")
