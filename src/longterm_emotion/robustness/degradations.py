"""Seeded, reproducible degradations of a recording: plain functions of float samples in [-1, 1).

Every function takes mono float64 samples at ``rate`` Hz (full scale 1.0) and returns an array
of the same length and rate; those that draw random numbers take a ``numpy.random.Generator``,
so a fixed seed gives the same output (``rng_for`` derives one per condition and recording).

- ``add_noise``: white, pink (1/f power) or babble noise scaled to a given SNR, the SNR being the
  ratio of the mean powers of the whole recording and the noise (pauses included);
- ``babble_noise``: a mix of OTHER recordings (the caller passes them; ``babble_pool`` picks them and
  never returns the recording itself);
- ``change_level``: a gain in dB, clipped at full scale when ``clip`` is set;
- ``telephone``: resampled to 8 kHz, band-passed to 300-3400 Hz, resampled back;
- ``lossy_codec``: written as Ogg/Vorbis by soundfile at a compression level (1.0 = lowest quality)
  and read back;
- ``reverberate``: convolved with a synthetic room impulse response (exponentially decaying
  Gaussian noise, ``synthetic_rir``), level restored to the dry signal's RMS.
"""

from __future__ import annotations

import io
import zlib
from fractions import Fraction

import numpy as np
from scipy.signal import butter, oaconvolve, resample_poly, sosfilt

NOISE_KINDS = ("white", "pink", "babble")
CODEC_BLOCK = 16384  # samples per write to the Ogg/Vorbis encoder


def rng_for(seed: int, *names: str) -> np.random.Generator:
    """A generator determined by the seed and the names (e.g. condition and recording), stable across runs."""
    return np.random.default_rng([int(seed), *(zlib.crc32(str(n).encode()) for n in names)])


def power(x: np.ndarray) -> float:
    """Mean power of a signal (mean square)."""
    x = np.asarray(x, dtype=np.float64)
    return float(np.mean(x * x))


def snr_db(clean: np.ndarray, noise: np.ndarray) -> float:
    """10 log10 of the mean power of `clean` over that of `noise`."""
    return 10.0 * np.log10(power(clean) / power(noise))


def white_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.standard_normal(n)


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Gaussian noise with power falling as 1/f (3 dB per octave), shaped in the frequency domain (no DC)."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spectrum), dtype=np.float64)
    scale = np.zeros_like(f)
    scale[1:] = 1.0 / np.sqrt(f[1:])
    return np.fft.irfft(spectrum * scale, n)


def babble_pool(recording: str, recordings, talkers: int, rng: np.random.Generator) -> list[str]:
    """`talkers` names drawn without replacement from `recordings` other than `recording` (all others when
    fewer). Raises ValueError when there is no other recording."""
    others = sorted(str(r) for r in recordings if str(r) != str(recording))
    if not others:
        raise ValueError(f"babble noise for {recording}: the corpus has no other recording to mix")
    picked = rng.choice(len(others), size=min(int(talkers), len(others)), replace=False)
    return [others[i] for i in sorted(picked)]


def babble_noise(n: int, talkers: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Sum of the talkers' signals, each at unit RMS, each tiled to n samples from a random start."""
    if not talkers:
        raise ValueError("babble noise needs at least one other recording")
    mix = np.zeros(n)
    for talker in talkers:
        talker = np.asarray(talker, dtype=np.float64)
        rms = np.sqrt(power(talker))
        if rms == 0:
            continue
        start = int(rng.integers(len(talker)))
        mix += np.resize(np.roll(talker, -start), n) / rms
    if power(mix) == 0:
        raise ValueError("babble noise: the other recordings are silent")
    return mix


def noise_of(kind: str, n: int, rng: np.random.Generator, talkers=None) -> np.ndarray:
    if kind == "white":
        return white_noise(n, rng)
    if kind == "pink":
        return pink_noise(n, rng)
    if kind == "babble":
        return babble_noise(n, list(talkers or []), rng)
    raise ValueError(f"noise kind must be one of {NOISE_KINDS}, not {kind!r}")


def add_noise(x: np.ndarray, noise: np.ndarray, snr: float) -> np.ndarray:
    """x plus `noise` scaled so that the whole-recording SNR is `snr` dB (no clipping)."""
    x = np.asarray(x, dtype=np.float64)
    noise = np.asarray(noise, dtype=np.float64)[: len(x)]
    if len(noise) != len(x):
        raise ValueError(f"noise has {len(noise)} samples, the signal {len(x)}")
    gain = np.sqrt(power(x) / (power(noise) * 10.0 ** (snr / 10.0)))
    return x + gain * noise


def change_level(x: np.ndarray, gain_db: float, clip: bool = False) -> np.ndarray:
    """x times 10^(gain_db / 20), clipped to [-1, 1] (full scale) when `clip`."""
    y = np.asarray(x, dtype=np.float64) * 10.0 ** (gain_db / 20.0)
    return np.clip(y, -1.0, 1.0) if clip else y


def _resample(x: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    ratio = Fraction(int(rate_out), int(rate_in))
    return resample_poly(x, ratio.numerator, ratio.denominator)


def telephone(x: np.ndarray, rate: int, low_hz: float = 300.0, high_hz: float = 3400.0,
              phone_rate: int = 8000, order: int = 8) -> np.ndarray:
    """Telephone channel: resampled to `phone_rate`, Butterworth band-pass low_hz-high_hz (order `order`,
    causal), resampled back to `rate`; the length is kept."""
    x = np.asarray(x, dtype=np.float64)
    narrow = _resample(x, rate, phone_rate)
    sos = butter(order // 2, [low_hz, high_hz], btype="bandpass", fs=phone_rate, output="sos")
    wide = _resample(sosfilt(sos, narrow), phone_rate, rate)
    return _fit(wide, len(x))


def lossy_codec(x: np.ndarray, rate: int, compression_level: float = 1.0) -> np.ndarray:
    """Encoded as Ogg/Vorbis by soundfile (libsndfile) at `compression_level` (0 best quality, 1 lowest)
    and decoded again; the length is kept."""
    import soundfile

    buffer = io.BytesIO()
    samples = np.clip(np.asarray(x, dtype=np.float64), -1.0, 1.0).astype(np.float32)
    with soundfile.SoundFile(buffer, "w", int(rate), 1, subtype="VORBIS", format="OGG",
                             compression_level=float(compression_level)) as handle:
        for start in range(0, len(samples), CODEC_BLOCK):  # libsndfile's Vorbis encoder crashes on long writes
            handle.write(samples[start:start + CODEC_BLOCK])
    buffer.seek(0)
    decoded, decoded_rate = soundfile.read(buffer, dtype="float64")
    if decoded_rate != rate:
        raise RuntimeError(f"Ogg/Vorbis round trip changed the rate ({rate} -> {decoded_rate} Hz)")
    return _fit(decoded, len(x))


def synthetic_rir(rt60_s: float, rate: int, rng: np.random.Generator, length_s: float | None = None) -> np.ndarray:
    """Room impulse response: Gaussian noise under an exponential envelope that falls 60 dB in `rt60_s`,
    with a unit direct-path impulse first; `length_s` defaults to rt60_s (energy down 60 dB at its end)."""
    n = int(round((rt60_s if length_s is None else length_s) * rate))
    t = np.arange(n) / rate
    decay = 3.0 * np.log(10.0) / rt60_s  # amplitude e^(-decay t): 20 log10 = -60 dB at t = rt60
    rir = rng.standard_normal(n) * np.exp(-decay * t)
    rir[0] = 1.0  # direct path
    return rir / np.sqrt(np.sum(rir * rir))


def rt60_of(rir: np.ndarray, rate: int) -> float:
    """RT60 estimated by Schroeder backward integration: the -5 to -25 dB decay (T20) extrapolated to 60 dB."""
    energy = np.cumsum((np.asarray(rir, dtype=np.float64) ** 2)[::-1])[::-1]
    edc = 10.0 * np.log10(energy / energy[0])
    t = np.arange(len(edc)) / rate
    fit = (edc <= -5.0) & (edc >= -25.0)
    slope = np.polyfit(t[fit], edc[fit], 1)[0]
    return float(-60.0 / slope)


def reverberate(x: np.ndarray, rir: np.ndarray) -> np.ndarray:
    """x convolved with `rir`, cut to x's length and scaled back to x's RMS (reverberation, not a level change)."""
    x = np.asarray(x, dtype=np.float64)
    wet = oaconvolve(x, rir)[: len(x)]
    wet_power = power(wet)
    return wet * np.sqrt(power(x) / wet_power) if wet_power > 0 else wet


def _fit(x: np.ndarray, n: int) -> np.ndarray:
    """x cut or zero-padded to n samples."""
    return x[:n] if len(x) >= n else np.concatenate([x, np.zeros(n - len(x))])
