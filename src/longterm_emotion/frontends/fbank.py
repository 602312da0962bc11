"""Kaldi 40-dim log mel filterbank (the paper's front end): its options are the `features` section's own keys."""

from __future__ import annotations

from ..data import features
from ..settings import FeatureOptions
from .registry import FrontEnd, register


@register
class Fbank(FrontEnd):
    name = "fbank"
    label = "Kaldi log mel filterbank"
    options = FeatureOptions
    folder = "features"  # with the label alignment (labels.csv) every front end uses
    streams = True  # Kaldi's online fbank: the frames do not depend on how the audio is cut into blocks

    def options_of(self, section: dict) -> FeatureOptions:
        return FeatureOptions.from_config(section)

    def frame_shift_ms(self, options) -> float:
        return float(options.frame_shift_ms)

    def feature_dim(self, options) -> int:
        return int(options.num_mel_bins)

    def extract(self, samples, sample_rate, options, source=None):
        return features.compute_fbank(samples, options)
