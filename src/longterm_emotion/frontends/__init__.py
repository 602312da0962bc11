"""Front ends: what turns audio into the frames the networks read, looked up by name in ``registry``.

Each front end is one module (fbank, egemaps, ...) registering a ``FrontEnd``: its
typed options, frame shift, feature dimension and ``extract(samples) -> frames``.
Alignment to the label rows, per-recording normalisation, stacking to the label rate
and the Kaldi archives are shared (``pipeline``), so every front end trains, is bundled
and predicts the same way.
"""

from __future__ import annotations

from . import egemaps, fbank, ssl  # noqa: F401  (each registers its front end)
from .registry import FRONTENDS, FrontEnd, entry, register

__all__ = ["FRONTENDS", "FrontEnd", "entry", "register"]
