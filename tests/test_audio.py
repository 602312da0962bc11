"""Tests of WAV reading (every common encoding), down-mixing, resampling and input errors."""

import struct
import wave

import numpy as np
import pytest
from scipy.io import wavfile

from longterm_emotion.data import audio
from longterm_emotion.errors import InputDataError

TARGET = 16000


def sine(freq, rate, seconds, amplitude):
    return amplitude * np.sin(2 * np.pi * freq * np.arange(int(rate * seconds)) / rate)


def write_pcm24(path, rate, samples):
    """24-bit little-endian PCM written byte by byte through the `wave` module; samples in [-1, 1]."""
    ints = np.round(np.asarray(samples) * (2**23 - 1)).astype("<i4")
    frames = ints.reshape(len(ints), -1)
    raw = frames.tobytes()  # 4 bytes per sample; keep the low 3
    packed = b"".join(raw[i : i + 3] for i in range(0, len(raw), 4))
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(frames.shape[1])
        handle.setsampwidth(3)
        handle.setframerate(rate)
        handle.writeframes(packed)
    return ints


def encode(kind, samples):
    """Samples in [-1, 1] as the array scipy writes for each encoding (None: 24-bit, written by hand)."""
    if kind == "int16":
        return np.round(samples * 32767).astype(np.int16)
    if kind == "int32":
        return np.round(samples * (2**31 - 1)).astype(np.int32)
    if kind == "float32":
        return samples.astype(np.float32)
    if kind == "uint8":
        return np.round(samples * 127 + 128).astype(np.uint8)
    raise ValueError(kind)


def write(path, kind, rate, samples):
    if kind == "int24":
        write_pcm24(path, rate, samples)
    else:
        wavfile.write(path, rate, encode(kind, samples))
    return path


def tone_amplitudes(x, rate, freqs):
    """Amplitudes at `freqs` of a 1 s excerpt from the middle (1 Hz bins, so integer tones sit on bins)."""
    start = (len(x) - rate) // 2
    spectrum = np.abs(np.fft.rfft(x[start : start + rate])) * 2 / rate
    return [spectrum[f] for f in freqs], spectrum


# --- scaling of every encoding --------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, codes, expected",
    [
        ("int16", np.array([0, 16384, -32768, 32767], np.int16), [0.0, 0.5, -1.0, 32767 / 32768]),
        ("int32", np.array([0, 2**30, -(2**31)], np.int32), [0.0, 0.5, -1.0]),
        ("float32", np.array([0.0, 0.25, -1.0], np.float32), [0.0, 0.25, -1.0]),
        ("uint8", np.array([128, 192, 0, 255], np.uint8), [0.0, 0.5, -1.0, 127 / 128]),
    ],
)
def test_full_scale_of_each_encoding(tmp_path, kind, codes, expected):
    path = tmp_path / f"{kind}.wav"
    wavfile.write(path, 16000, codes)
    samples, rate = audio.read_wav(path)
    assert rate == 16000
    assert samples.dtype == np.float64
    np.testing.assert_array_equal(samples, expected)


def test_24bit_scale(tmp_path):
    path = tmp_path / "pcm24.wav"
    ints = np.array([0, 2**22, -(2**23), 2**23 - 1, -1], dtype="<i4")
    raw = ints.tobytes()
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(3)
        handle.setframerate(48000)
        handle.writeframes(b"".join(raw[i : i + 3] for i in range(0, len(raw), 4)))
    samples, rate = audio.read_wav(path)
    assert rate == 48000
    np.testing.assert_array_equal(samples, ints / 2.0**23)


@pytest.mark.parametrize("kind", ["int16", "int24", "int32", "float32", "uint8"])
def test_encodings_agree_after_loading(tmp_path, kind):
    x = sine(440, 44100, 2.0, 0.5)
    reference = audio.load_audio(write(tmp_path / "ref.wav", "float32", 44100, x), TARGET)
    loaded = audio.load_audio(write(tmp_path / f"{kind}.wav", kind, 44100, x), TARGET)
    # On Kaldi's 16-bit scale: amplitude 0.5 -> 16384. uint8 has a quantisation step of 256 there.
    tolerance = {"uint8": 300.0, "int16": 2.0}.get(kind, 0.01)
    assert loaded.shape == reference.shape
    assert np.max(np.abs(loaded - reference)) < tolerance
    (amplitude,), _ = tone_amplitudes(loaded, TARGET, [440])
    assert amplitude == pytest.approx(0.5 * 32768, rel=0.01)


# --- channels and rates ---------------------------------------------------------------------


def test_stereo_is_down_mixed_by_channel_mean(tmp_path):
    left = sine(440, 16000, 1.0, 0.5)
    right = sine(440, 16000, 1.0, 0.3) + sine(1000, 16000, 1.0, 0.2)
    path = write(tmp_path / "stereo.wav", "float32", 16000, np.stack([left, right], axis=1))
    samples, _ = audio.read_wav(path)
    assert samples.shape == (16000, 2)
    mono = audio.load_audio(path, TARGET)
    np.testing.assert_allclose(mono, (left + right) / 2 * 32768.0, atol=1e-3)


def test_24bit_stereo(tmp_path):
    left, right = sine(440, 48000, 0.5, 0.5), sine(440, 48000, 0.5, -0.25)
    path = tmp_path / "stereo24.wav"
    ints = write_pcm24(path, 48000, np.stack([left, right], axis=1))
    samples, rate = audio.read_wav(path)
    assert rate == 48000 and samples.shape == (24000, 2)
    np.testing.assert_array_equal(samples, ints / 2.0**23)


@pytest.mark.parametrize("rate", [44100, 48000, 22050, 16000])
@pytest.mark.parametrize("channels", [1, 2])
def test_resampled_to_16k_keeps_tone(tmp_path, rate, channels):
    seconds = 3.0
    x = sine(440, rate, seconds, 0.5)
    if channels == 2:
        # Down-mix then resample: mean of 0.5 and 0.3 in-phase tones is 0.4; the 1 kHz tone is halved.
        x = np.stack([x, sine(440, rate, seconds, 0.3) + sine(1000, rate, seconds, 0.2)], axis=1)
    path = write(tmp_path / "tone.wav", "int16", rate, x)
    y = audio.load_audio(path, TARGET)
    assert y.ndim == 1
    assert len(y) == int(np.ceil(len(x) * TARGET / rate))
    freqs = [440, 1000]
    (a440, a1000), spectrum = tone_amplitudes(y, TARGET, freqs)
    expected = [0.5, 0.0] if channels == 1 else [0.4, 0.1]
    assert a440 == pytest.approx(expected[0] * 32768, rel=0.01)
    assert a1000 == pytest.approx(expected[1] * 32768, rel=0.01, abs=30)
    # Nothing else: the spectrum peak is the 440 Hz bin, and all other bins are tiny (no aliasing, no shift).
    assert int(np.argmax(spectrum)) == 440
    others = np.delete(spectrum, freqs)
    assert others.max() < 1e-3 * a440


def test_44k1_stereo_tone_frequency_and_amplitude(tmp_path):
    """The case the brief names: 440 Hz in 44.1 kHz stereo keeps frequency and amplitude within 1 %."""
    x = sine(440, 44100, 2.0, 0.6)
    path = write(tmp_path / "s.wav", "int16", 44100, np.stack([x, x], axis=1))
    y = audio.load_audio(path, TARGET)
    middle = y[4000:-4000] / 32768.0
    # Frequency from zero crossings, amplitude from RMS.
    crossings = np.flatnonzero(np.diff(np.signbit(middle)))
    frequency = (len(crossings) - 1) / 2 / ((crossings[-1] - crossings[0]) / TARGET)
    assert frequency == pytest.approx(440.0, rel=0.01)
    assert np.sqrt(np.mean(middle**2)) * np.sqrt(2) == pytest.approx(0.6, rel=0.01)


def test_same_rate_is_not_resampled():
    x = np.arange(10.0)
    assert audio.resample(x, 16000, 16000) is x


# --- valid files with extra chunks ----------------------------------------------------------


def riff(*chunks):
    body = b"WAVE" + b"".join(cid + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"") for cid, data in chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


FMT16 = struct.pack("<HHIIHH", 1, 1, 16000, 32000, 2, 16)


def test_unknown_chunk_is_skipped(tmp_path):
    # Broadcast WAV files from field recorders carry a 'bext' chunk; that is not damage.
    codes = np.array([0, 1000, -1000, 32767], "<i2")
    path = tmp_path / "bwf.wav"
    path.write_bytes(riff((b"fmt ", FMT16), (b"bext", b"x" * 602), (b"data", codes.tobytes())))
    samples, rate = audio.read_wav(path)
    assert rate == 16000
    np.testing.assert_array_equal(samples, codes / 32768.0)


# --- errors ---------------------------------------------------------------------------------


def assert_input_error(path, *words):
    with pytest.raises(InputDataError) as info:
        audio.load_audio(path, TARGET)
    message = str(info.value)
    assert path.name in message
    assert info.value.path == str(path)
    for word in words:  # in the problem text, not the path (pytest's tmp_path holds the test name)
        assert word in info.value.problem.lower(), message


@pytest.mark.parametrize("kind", ["int16", "int24", "float32"])
@pytest.mark.parametrize("cut", [1, 1000, 3001])
def test_truncated_file(tmp_path, kind, cut):
    full = write(tmp_path / "full.wav", kind, 16000, sine(440, 16000, 0.5, 0.5)).read_bytes()
    path = tmp_path / f"cut_{kind}.wav"
    path.write_bytes(full[:-cut])
    assert_input_error(path, "truncated")


def test_truncated_header(tmp_path):
    full = write(tmp_path / "full.wav", "int16", 16000, sine(440, 16000, 0.1, 0.5)).read_bytes()
    path = tmp_path / "header_only.wav"
    path.write_bytes(full[:30])  # inside the fmt chunk
    assert_input_error(path, "truncated")


def test_text_file(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("these are interview notes, not audio\n" * 20)
    assert_input_error(path, "not a readable wav")


def test_missing_file(tmp_path):
    assert_input_error(tmp_path / "train_1.wav", "does not exist")


def test_directory_is_not_a_file(tmp_path):
    (tmp_path / "train_2.wav").mkdir()
    assert_input_error(tmp_path / "train_2.wav", "is a folder, not an audio file")


def test_empty_data_chunk(tmp_path):
    path = tmp_path / "silent.wav"
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16000)
        handle.writeframes(b"")
    assert_input_error(path, "no samples")


def test_no_data_chunk(tmp_path):
    path = tmp_path / "fmt_only.wav"
    path.write_bytes(riff((b"fmt ", FMT16)))
    assert_input_error(path, "no data chunk")


def test_non_finite_float_samples(tmp_path):
    path = tmp_path / "nan.wav"
    wavfile.write(path, 16000, np.array([0.0, np.nan, 0.5], np.float32))
    assert_input_error(path, "nan")


# --- other containers through libsndfile, streaming WAVs -------------------------------------


@pytest.mark.parametrize("fmt, subtype, tolerance", [("FLAC", "PCM_16", 2.0), ("FLAC", "PCM_24", 0.01), ("OGG", "VORBIS", 400.0)])
@pytest.mark.parametrize("rate, channels", [(44100, 2), (22050, 1)])
def test_flac_and_ogg(tmp_path, fmt, subtype, tolerance, rate, channels):
    import soundfile

    x = sine(440, rate, 2.0, 0.5)
    if channels == 2:
        x = np.stack([x, 0.6 * x], axis=1)  # down-mix: 0.4 amplitude
    reference = audio.load_audio(write(tmp_path / "ref.wav", "float32", rate, x), TARGET)
    path = tmp_path / f"tone.{fmt.lower()}"
    soundfile.write(path, x, rate, format=fmt, subtype=subtype)
    loaded = audio.load_audio(path, TARGET)
    assert loaded.shape == reference.shape
    middle = slice(2000, -2000)  # lossy codecs smear the edges
    assert np.max(np.abs(loaded[middle] - reference[middle])) < tolerance
    (amplitude,), _ = tone_amplitudes(loaded, TARGET, [440])
    assert amplitude == pytest.approx((0.5 if channels == 1 else 0.4) * 32768, rel=0.01)


def streamed(path):
    data = bytearray(path.read_bytes())
    data[4:8] = b"\xff\xff\xff\xff"
    at = data.index(b"data")
    data[at + 4 : at + 8] = b"\xff\xff\xff\xff"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("kind", ["int16", "int24", "float32"])
def test_streaming_wav_read_to_end_of_file(tmp_path, kind):
    x = sine(440, 16000, 0.5, 0.5)
    whole, _ = audio.read_wav(write(tmp_path / "whole.wav", kind, 16000, x))
    samples, rate = audio.read_wav(streamed(write(tmp_path / "stream.wav", kind, 16000, x)))
    assert rate == 16000
    np.testing.assert_array_equal(samples, whole)


def test_data_chunk_longer_than_the_file(tmp_path):
    # RIFF size consistent with the file, but the data chunk claims more than is there.
    codes = np.arange(100, dtype="<i2")
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(FMT16)) + FMT16 + b"data" + struct.pack("<I", 400) + codes.tobytes()
    path = tmp_path / "short_data.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    assert_input_error(path, "truncated", "data chunk declares 400 bytes")


@pytest.mark.parametrize("suffix, kind", [(".flac", "flac"), (".ogg", "ogg")])
def test_damaged_flac_and_ogg(tmp_path, suffix, kind):
    import soundfile

    full = tmp_path / f"full{suffix}"
    soundfile.write(full, sine(440, 16000, 2.0, 0.5), 16000)
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    assert_input_error(path, kind)


def test_mono_read_equals_down_mix_of_full_read(tmp_path):
    x = np.stack([sine(440, 8000, 1.0, 0.5), sine(300, 8000, 1.0, 0.25), sine(100, 8000, 1.0, 0.1)], axis=1)
    path = write(tmp_path / "three.wav", "int16", 8000, x)
    samples, rate = audio.read_wav(path)
    mono, mono_rate = audio.read_mono(path)
    assert rate == mono_rate == 8000
    np.testing.assert_array_equal(mono, audio.to_mono(samples))


def test_folder_audio_files_and_their_names(tmp_path):
    from longterm_emotion.data.audio import by_stem, folder_audio_files

    for name in ("b.FLAC", "a.wav", "notes.txt", "c.ogg"):
        (tmp_path / name).write_bytes(b"")
    files = folder_audio_files(tmp_path)
    assert [p.name for p in files] == ["a.wav", "b.FLAC", "c.ogg"]
    assert by_stem(files) == {"a": tmp_path / "a.wav", "b": tmp_path / "b.FLAC", "c": tmp_path / "c.ogg"}
    with pytest.raises(InputDataError, match="outputs a.csv would collide"):
        by_stem([tmp_path / "a.wav", tmp_path / "x" / "a.flac"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputDataError, match="holds no audio files"):
        folder_audio_files(tmp_path / "empty")
