"""eGeMAPS v02 low-level descriptors (openSMILE): 25 per 10 ms frame, no options."""

from __future__ import annotations

from dataclasses import dataclass

from .registry import FrontEnd, register


@dataclass(frozen=True)
class EgemapsOptions:
    """eGeMAPS v02 has no settings of its own (openSMILE's configuration of the set is fixed)."""


@register
class Egemaps(FrontEnd):
    name = "egemaps"
    label = "eGeMAPS v02 descriptors (openSMILE)"
    options = EgemapsOptions

    def frame_shift_ms(self, options) -> float:
        return 10.0

    def feature_dim(self, options) -> int:
        from ..data.egemaps import NUM_LLDS

        return NUM_LLDS

    def extract(self, samples, sample_rate, options, source=None):
        from ..data import egemaps  # openSMILE is imported only where descriptors are computed

        return egemaps.recording_llds(samples, int(sample_rate), source if source is not None else "<audio>")
