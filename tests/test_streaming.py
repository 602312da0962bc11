"""Block-wise audio reading and fbank (what `longterm-emotion predict` uses) give the whole-file numbers."""

import numpy as np
import pytest
import soundfile

from longterm_emotion.data import features
from longterm_emotion.data.audio import audio_blocks, load_audio


def signal(seconds: float, rate: int, channels: int = 2) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    rng = np.random.default_rng(3)
    x = 0.3 * np.sin(2 * np.pi * 180 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.7 * t)) + 0.05 * rng.standard_normal(len(t))
    return np.stack([x * (1 - 0.2 * c) for c in range(channels)], axis=1)


@pytest.mark.parametrize("subtype", ["PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"])
def test_blocks_equal_load_audio(tmp_path, subtype):
    path = tmp_path / "x.wav"
    soundfile.write(path, signal(3.3, 16000), 16000, subtype=subtype)
    blocks = audio_blocks(path, 16000, block_s=0.7)
    assert not isinstance(blocks, list)  # streamed, not read whole
    np.testing.assert_array_equal(np.concatenate(list(blocks)), load_audio(path, 16000))


def test_other_rate_falls_back_to_the_whole_file(tmp_path):
    path = tmp_path / "x.wav"
    soundfile.write(path, signal(2.0, 44100), 44100, subtype="PCM_16")
    blocks = audio_blocks(path, 16000)
    assert isinstance(blocks, list) and len(blocks) == 1
    np.testing.assert_array_equal(blocks[0], load_audio(path, 16000))


def test_features_of_blocks_equal_features_of_the_array(tmp_path, features_cfg):
    path = tmp_path / "x.flac"
    soundfile.write(path, signal(7.77, 16000, channels=1), 16000, subtype="PCM_16")
    whole = features.features_for_audio(load_audio(path, 16000), features_cfg)
    streamed = features.features_for_audio(audio_blocks(path, 16000, block_s=0.93), features_cfg)
    for a, b in zip(whole, streamed, strict=True):
        np.testing.assert_array_equal(a, b)
    assert whole[1].shape == (int(7.77 * 25) + 1, 160)


def test_fbank_is_independent_of_chunking(monkeypatch, features_cfg):
    x = signal(5.0, 16000, channels=1)[:, 0] * 32768
    reference = features.compute_fbank(x, features_cfg)
    monkeypatch.setattr(features, "FBANK_CHUNK", 1234)  # odd chunks: frames straddle every boundary
    np.testing.assert_array_equal(features.compute_fbank(x, features_cfg), reference)
    np.testing.assert_array_equal(features.compute_fbank(np.array_split(x, 7), features_cfg), reference)
