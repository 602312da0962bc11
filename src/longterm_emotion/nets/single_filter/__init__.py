"""Section 4: the single-filter network of the filter-length sweep (Figure 1).

Its name, label, colour and settings, read without torch at every workflow start; the network
itself is in `model`, imported the first time one is built."""

from __future__ import annotations

from dataclasses import dataclass

from ..registry import declare, setting


@dataclass(frozen=True)
class SingleFilterSettings:
    filter_length: int = setting(int, minimum=1)
    fft_size: int = setting(int, default=3072, minimum=2)
    lr_per_length: bool = setting(bool, default=True)


declare("single_filter", label="Single filter", settings=SingleFilterSettings,
        model=f"{__name__}.model:SingleFilterNet")
