"""Block-wise audio reading, resampling and fbank give the whole-file numbers (what `longterm-emotion predict`
and the feature jobs use, so long recordings are never held whole at their own rate)."""

from fractions import Fraction

import numpy as np
import pytest
import soundfile
from scipy.signal import resample_poly

from longterm_emotion.data import audio as audio_module
from longterm_emotion.data import features
from longterm_emotion.data.audio import audio_blocks, load_audio, resampled_blocks


def signal(seconds: float, rate: int, channels: int = 2) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    rng = np.random.default_rng(3)
    x = 0.3 * np.sin(2 * np.pi * 180 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.7 * t)) + 0.05 * rng.standard_normal(len(t))
    return np.stack([x * (1 - 0.2 * c) for c in range(channels)], axis=1)


@pytest.mark.parametrize("subtype", ["PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"])
def test_blocks_equal_load_audio(tmp_path, subtype, monkeypatch):
    path = tmp_path / "x.wav"
    soundfile.write(path, signal(3.3, 16000), 16000, subtype=subtype)
    whole = load_audio(path, 16000)
    monkeypatch.setattr(audio_module, "_BLOCK_FRAMES", 11_111)  # blocks of 0.7 s
    blocks = list(audio_blocks(path, 16000))
    assert len(blocks) > 4  # streamed, not read whole
    np.testing.assert_array_equal(np.concatenate(blocks), whole)


@pytest.mark.parametrize("rate_in, rate_out", [(44100, 16000), (48000, 16000), (8000, 16000), (22050, 16000), (16000, 8000)])
@pytest.mark.parametrize("length", [1, 7, 4097, 100_003])
@pytest.mark.parametrize("block", [1000, 65_536])
def test_streamed_resampling_equals_resample_poly(rate_in, rate_out, length, block):
    """Bit for bit what scipy's resample_poly gives on the whole signal, for any cut into blocks."""
    x = np.random.default_rng(length).standard_normal(length)
    ratio = Fraction(rate_out, rate_in)
    reference = resample_poly(x, ratio.numerator, ratio.denominator)
    out = np.concatenate(list(resampled_blocks([x[i:i + block] for i in range(0, length, block)], rate_in, rate_out)))
    np.testing.assert_array_equal(out, reference)


def test_another_rate_streams_the_resampled_signal(tmp_path, monkeypatch):
    path = tmp_path / "x.wav"
    data = signal(2.0, 44100)
    soundfile.write(path, data, 44100, subtype="PCM_16")
    stored = soundfile.read(path, dtype="float64")[0].mean(axis=1)
    monkeypatch.setattr(audio_module, "_BLOCK_FRAMES", 10_000)
    blocks = list(audio_blocks(path, 16000))
    assert len(blocks) > 4
    np.testing.assert_array_equal(np.concatenate(blocks), resample_poly(stored, 160, 441) * 32768.0)
    np.testing.assert_array_equal(load_audio(path, 16000), resample_poly(stored, 160, 441) * 32768.0)


def test_features_of_blocks_equal_features_of_the_array(tmp_path, features_cfg, monkeypatch):
    path = tmp_path / "x.flac"
    soundfile.write(path, signal(7.77, 16000, channels=1), 16000, subtype="PCM_16")
    whole = features.features_for_audio(load_audio(path, 16000), features_cfg)
    monkeypatch.setattr(audio_module, "_BLOCK_FRAMES", 14_880)  # blocks of 0.93 s
    streamed = features.features_for_audio(audio_blocks(path, 16000), features_cfg)
    for a, b in zip(whole, streamed, strict=True):
        np.testing.assert_array_equal(a, b)
    assert whole[1].shape == (int(7.77 * 25) + 1, 160)


def test_fbank_is_independent_of_chunking(monkeypatch, features_cfg):
    x = signal(5.0, 16000, channels=1)[:, 0] * 32768
    reference = features.compute_fbank(x, features_cfg)
    monkeypatch.setattr(features, "FBANK_CHUNK", 1234)  # odd chunks: frames straddle every boundary
    np.testing.assert_array_equal(features.compute_fbank(x, features_cfg), reference)
    np.testing.assert_array_equal(features.compute_fbank(np.array_split(x, 7), features_cfg), reference)
