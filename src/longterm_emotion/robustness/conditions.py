"""The degradation conditions of the robustness report, expanded from the config's `robustness` section.

A condition has an id (file names, wildcards), a label (tables, figures), a kind and its settings;
``apply`` degrades one recording under it. The clean condition (the recording unchanged) comes first
and is always included: every drop is measured from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

KINDS = ("noise", "level", "telephone", "codec", "reverb")


@dataclass(frozen=True)
class Condition:
    id: str
    label: str
    kind: str  # clean or one of KINDS
    settings: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "kind": self.kind, "settings": dict(self.settings)}

    @classmethod
    def of(cls, value) -> Condition:
        if isinstance(value, Condition):
            return value
        return cls(str(value["id"]), str(value["label"]), str(value["kind"]), dict(value.get("settings", {})))


def _number(value: float) -> str:
    return f"{value:g}".replace("-", "minus").replace(".", "p")


def conditions(section: dict) -> list[Condition]:
    """Clean first, then each configured kind in the order of KINDS (the config's `robustness` section)."""
    found = [Condition("clean", "clean", "clean")]
    kinds = list(section["conditions"])
    if "noise" in kinds:
        for noise in section["noise_kinds"]:
            for snr in section["snr_db"]:
                found.append(Condition(f"{noise}_snr{_number(snr)}", f"{noise} noise, {snr:g} dB SNR", "noise",
                                       {"noise": noise, "snr_db": float(snr),
                                        "talkers": int(section["babble_talkers"])}))
    if "level" in kinds:
        for gain in section["level_db"]:
            clip = gain > 0
            found.append(Condition(f"level_{_number(gain)}db", f"level {gain:+g} dB" + (", clipped" if clip else ""),
                                   "level", {"gain_db": float(gain), "clip": clip}))
    if "telephone" in kinds:
        low, high = section["telephone"]["band_hz"]
        rate = section["telephone"]["rate"]
        found.append(Condition("telephone", f"telephone {low:g}-{high:g} Hz at {rate / 1000:g} kHz", "telephone",
                               {"low_hz": float(low), "high_hz": float(high), "phone_rate": int(rate)}))
    if "codec" in kinds:
        level = section["codec"]["compression_level"]
        found.append(Condition("vorbis", f"Ogg/Vorbis, compression {level:g}", "codec",
                               {"compression_level": float(level)}))
    if "reverb" in kinds:
        for rt60 in section["rt60_s"]:
            found.append(Condition(f"reverb_rt{_number(rt60)}", f"reverberation, RT60 {rt60:g} s", "reverb",
                                   {"rt60_s": float(rt60)}))
    ids = [c.id for c in found]
    if len(set(ids)) != len(ids):
        raise ValueError(f"robustness conditions repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
    return found


def prediction_column(network: str, dimension: str) -> str:
    """Column of a condition's frames table holding a network's ensemble predictions of a dimension."""
    return f"{network}_{dimension}"


def gold_column(dimension: str) -> str:
    return f"gold_{dimension}"


def needs_talkers(condition: Condition) -> bool:
    return condition.kind == "noise" and condition.settings["noise"] == "babble"


def apply(condition: Condition, x: np.ndarray, rate: int, rng: np.random.Generator, talkers=None) -> np.ndarray:
    """Recording `x` (mono, full scale 1.0, `rate` Hz) under `condition`; `talkers` are the babble signals."""
    from . import degradations as deg  # scipy only where audio is degraded (the workflow imports this module)

    s = condition.settings
    if condition.kind == "clean":
        return np.asarray(x, dtype=np.float64)
    if condition.kind == "noise":
        return deg.add_noise(x, deg.noise_of(s["noise"], len(x), rng, talkers), s["snr_db"])
    if condition.kind == "level":
        return deg.change_level(x, s["gain_db"], s["clip"])
    if condition.kind == "telephone":
        return deg.telephone(x, rate, s["low_hz"], s["high_hz"], s["phone_rate"])
    if condition.kind == "codec":
        return deg.lossy_codec(x, rate, s["compression_level"])
    if condition.kind == "reverb":
        return deg.reverberate(x, deg.synthetic_rir(s["rt60_s"], rate, rng))
    raise ValueError(f"unknown condition kind {condition.kind!r}")
