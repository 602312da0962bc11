"""The robustness report's degradations (robustness.degradations, robustness.conditions) on short signals."""

import numpy as np
import pytest
import yaml
from scipy.signal import welch

from longterm_emotion.robustness import conditions as cond
from longterm_emotion.robustness import degradations as deg
from snakemake_runner import REPO

RATE = 16000
SECTION = yaml.safe_load((REPO / "config.yaml").read_text())["robustness"]


def speech_like(seconds=2.0, seed=0):
    """A voiced-like signal with pauses: harmonics of 120 Hz gated on and off, at about -20 dB full scale."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    x = sum(np.sin(2 * np.pi * 120 * k * t) / k for k in range(1, 20))
    gate = (np.sin(2 * np.pi * 3 * t) > 0).astype(float)
    return 0.1 * x * gate / np.abs(x).max() + 1e-3 * rng.standard_normal(len(t))


@pytest.mark.parametrize("kind", deg.NOISE_KINDS)
@pytest.mark.parametrize("snr", [20.0, 10.0, 5.0, 0.0])
def test_noise_reaches_the_asked_snr(kind, snr):
    x = speech_like()
    talkers = [speech_like(1.3, seed=s) for s in (1, 2, 3)]
    y = deg.add_noise(x, deg.noise_of(kind, len(x), deg.rng_for(0, kind), talkers), snr)
    assert len(y) == len(x)
    assert abs(deg.snr_db(x, y - x) - snr) < 0.1


def test_pink_noise_falls_by_3_db_per_octave():
    noise = deg.pink_noise(2**18, np.random.default_rng(0))
    f, pxx = welch(noise, fs=RATE, nperseg=4096)
    band = (f > 100) & (f < 6000)
    slope = np.polyfit(np.log10(f[band]), 10 * np.log10(pxx[band]), 1)[0]
    assert -11.5 < slope < -8.5  # 1/f power: -10 dB per decade


def test_babble_never_mixes_the_recording_itself():
    names = [f"test_{n}" for n in range(1, 10)] + ["dev_1", "train_1"]
    for recording in names:
        for seed in range(20):
            picked = deg.babble_pool(recording, names, 4, deg.rng_for(seed, "babble_snr0", recording))
            assert recording not in picked and len(picked) == len(set(picked)) == 4
    assert deg.babble_pool("dev_1", ["dev_1", "dev_2"], 4, np.random.default_rng(0)) == ["dev_2"]
    with pytest.raises(ValueError, match="no other recording"):
        deg.babble_pool("dev_1", ["dev_1"], 4, np.random.default_rng(0))


def test_degradations_are_deterministic_for_a_fixed_seed():
    x = speech_like(1.0)
    talkers = [speech_like(0.7, seed=4)]
    for condition in cond.conditions(SECTION):
        a = cond.apply(condition, x, RATE, deg.rng_for(3, condition.id, "test_1"), talkers)
        b = cond.apply(condition, x, RATE, deg.rng_for(3, condition.id, "test_1"), talkers)
        assert np.array_equal(a, b), condition.id
        assert len(a) == len(x) and np.all(np.isfinite(a)), condition.id
        if condition.kind in ("noise", "reverb"):
            c = cond.apply(condition, x, RATE, deg.rng_for(4, condition.id, "test_1"), talkers)
            assert not np.array_equal(a, c), condition.id


def test_clean_condition_is_the_signal_itself():
    x = speech_like(0.5)
    assert np.array_equal(cond.apply(cond.conditions(SECTION)[0], x, RATE, np.random.default_rng(0)), x)


@pytest.mark.parametrize("rt60", [0.3, 0.6, 1.0])
def test_synthetic_rir_has_the_asked_rt60(rt60):
    rir = deg.synthetic_rir(rt60, RATE, np.random.default_rng(1))
    assert abs(deg.rt60_of(rir, RATE) - rt60) < 0.1 * rt60
    assert np.isclose(np.sum(rir**2), 1.0)


def test_reverberation_keeps_length_and_level_and_smears():
    x = speech_like()
    y = deg.reverberate(x, deg.synthetic_rir(0.6, RATE, np.random.default_rng(0)))
    assert len(y) == len(x) and np.isclose(deg.power(y), deg.power(x))
    assert np.corrcoef(x, y)[0, 1] < 0.9


def test_level_change_and_clipping():
    x = speech_like()
    down = deg.change_level(x, -20.0)
    assert np.isclose(deg.snr_db(x, down), 20.0)
    up = deg.change_level(2 * x, 20.0, clip=True)
    assert up.max() <= 1.0 and up.min() >= -1.0 and np.mean(np.abs(up) == 1.0) > 0.01


def test_telephone_removes_energy_outside_the_band():
    t = np.arange(RATE) / RATE
    low, mid, high = (np.sin(2 * np.pi * f * t) for f in (100.0, 1000.0, 6000.0))
    for tone, kept in ((low, False), (mid, True), (high, False)):
        y = deg.telephone(tone, RATE)
        assert len(y) == RATE
        ratio = deg.power(y[4000:]) / deg.power(tone[4000:])
        assert (ratio > 0.8) if kept else (ratio < 0.01)


def test_vorbis_round_trip_is_lossy_but_close():
    x = speech_like()
    y = deg.lossy_codec(x, RATE, 1.0)
    assert len(y) == len(x)
    error = deg.snr_db(x, y - x)
    assert 0.0 < error < 60.0  # changed, but still the same signal


def test_condition_ids_and_labels():
    found = cond.conditions(SECTION)
    ids = [c.id for c in found]
    assert ids[0] == "clean" and len(ids) == 1 + 3 * 4 + 2 + 1 + 1 + 3
    assert {"white_snr0", "babble_snr20", "level_minus20db", "level_20db", "telephone", "vorbis",
            "reverb_rt0p3"} <= set(ids)
    assert next(c for c in found if c.id == "level_20db").settings["clip"] is True
    only = cond.conditions({**SECTION, "conditions": ["reverb"], "rt60_s": [0.5]})
    assert [c.id for c in only] == ["clean", "reverb_rt0p5"]
    assert cond.Condition.of(only[1].as_dict()) == only[1]


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("snr_db", [10, 100], "robustness.snr_db.1: 100 is greater than the maximum of 60"),
        ("noise_kinds", ["brown"], "robustness.noise_kinds.0: 'brown' is not one of"),
        ("partition", "train", "robustness.partition: 'train' is not one of"),
        ("rt60_s", [0.0], "robustness.rt60_s.0: 0.0 is less than the minimum of 0.05"),
        ("codec", {"compression_level": 2}, "robustness.codec.compression_level: 2 is greater than the maximum of 1"),
        ("conditions", ["noise", "echo"], "robustness.conditions.1: 'echo' is not one of"),
    ],
)
def test_bad_robustness_settings_name_their_key(key, value, words):
    from longterm_emotion.config import problems

    config = yaml.safe_load((REPO / "config.yaml").read_text())
    config["robustness"][key] = value
    found = problems(config, REPO / "workflow" / "schemas" / "config.schema.yaml")
    assert len(found) == 1 and words in found[0], found


def test_telephone_band_must_fit_the_telephone_rate(tmp_path):
    from longterm_emotion.config import semantic_problems

    config = yaml.safe_load((REPO / "config.yaml").read_text())
    assert semantic_problems(config, tmp_path) == []
    config["robustness"]["telephone"] = {"band_hz": [300, 4500], "rate": 8000}
    assert semantic_problems(config, tmp_path) == [
        "config key robustness.telephone.band_hz: [300, 4500] must rise and stay below half of robustness.telephone.rate "
        "(4000 Hz)"]
