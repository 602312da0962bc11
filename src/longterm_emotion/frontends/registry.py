"""The front-end registry (lhotse's feature extractors are the model): name, typed options, frame shift,
feature dimension and extraction, per front end."""

from __future__ import annotations

import dataclasses

import numpy as np


class FrontEnd:
    """Base class of a registered front end. Subclasses set `name`, `label` and `options` (a dataclass of the
    settings under the config's features.<name>) and implement the three methods below."""

    name: str = ""
    label: str = ""
    options: type = None
    streams: bool = False  # extract takes consecutive blocks of samples (an iterable) as well as one array

    @property
    def folder(self) -> str:
        """Its folder below results_dir (results/<name>/<partition>/stacked.scp, ...)."""
        return self.name

    def frame_shift_ms(self, options) -> float:
        """Milliseconds between consecutive frames of `extract`."""
        raise NotImplementedError

    def feature_dim(self, options) -> int:
        """Columns of a frame of `extract`."""
        raise NotImplementedError

    def extract(self, samples: np.ndarray, sample_rate: int, options, source=None) -> np.ndarray:
        """Frames (n, feature_dim) float32 of mono `samples` at `sample_rate` on the 16-bit integer scale (what
        data.audio.load_audio gives); frame i starts at i * frame_shift_ms. `source` names the audio in errors."""
        raise NotImplementedError

    def options_of(self, features: dict):
        """This front end's options from the config's `features` section (its sub-section features.<name>)."""
        return self.options(**dict(features.get(self.name) or {}))

    def stack(self, options, label_rate: float) -> int:
        """Frames per label row: the label period over the frame shift (an integer, checked at config load)."""
        return int(round(1000.0 / label_rate / self.frame_shift_ms(options)))


FRONTENDS: dict[str, FrontEnd] = {}


def register(cls):
    """Class decorator: register a FrontEnd subclass under its `name`."""
    if not cls.name or not dataclasses.is_dataclass(cls.options):
        raise TypeError(f"front end {cls.__name__}: needs a name and an options dataclass")
    if cls.name in FRONTENDS and type(FRONTENDS[cls.name]).__qualname__ != cls.__qualname__:
        raise ValueError(f"front end {cls.name!r} is registered twice")
    FRONTENDS[cls.name] = cls()
    return cls


def entry(name: str) -> FrontEnd:
    if name not in FRONTENDS:
        raise ValueError(f"unknown front end {name!r}; registered: {', '.join(sorted(FRONTENDS))} "
                         "(a front end of your own: name its module in the config's plugins list)")
    return FRONTENDS[name]


def stack_problem(front: FrontEnd, options, label_rate: float) -> str | None:
    """Why `front` cannot be stacked to the label rate, or None."""
    ratio = 1000.0 / label_rate / front.frame_shift_ms(options)
    if ratio < 1 - 1e-9 or abs(ratio - round(ratio)) > 1e-6:
        return (f"its frame shift ({front.frame_shift_ms(options):g} ms) does not divide the label period "
                f"({1000.0 / label_rate:g} ms, features.stack x features.frame_shift_ms)")
    return None
