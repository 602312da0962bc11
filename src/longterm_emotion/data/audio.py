"""Reading WAV audio of any common encoding and bringing it to the fbank rate."""

from __future__ import annotations

import struct
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy.io import wavfile
from scipy.signal import resample_poly

from ..errors import InputDataError

# Full-scale value of each integer PCM encoding, so every format maps to [-1, 1).
_FULL_SCALE = {np.dtype("uint8"): 128.0, np.dtype("int16"): 32768.0, np.dtype("int32"): 2147483648.0}


def read_wav(path) -> tuple[np.ndarray, int]:
    """Read a WAV file as float64 samples in [-1, 1), shape (samples,) or (samples, channels).

    Accepts 8/16/24/32-bit PCM and 32/64-bit float. A truncated file, a file that
    is not WAV, or one without samples raises InputDataError naming the file.
    24-bit PCM comes from scipy left-justified in int32, so it shares int32's scale.
    """
    path = Path(path)
    if not path.is_file():
        raise InputDataError(path, "audio file does not exist")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", wavfile.WavFileWarning)
            rate, data = wavfile.read(path)
    except (ValueError, EOFError, OSError, struct.error) as exc:
        raise InputDataError(path, _truncation(path) or f"not a readable WAV file ({exc})") from None
    except UnboundLocalError:  # scipy reached the end without meeting a data chunk
        raise InputDataError(path, _truncation(path) or "WAV file has no data chunk") from None
    # scipy warns and skips chunks it does not know (bext, cue, ...): harmless. Any
    # other warning (premature EOF, broken chunk id) means the samples are cut short.
    damaged = [str(w.message) for w in caught if issubclass(w.category, wavfile.WavFileWarning)]
    damaged = [m for m in damaged if "not understood" not in m]
    if damaged:
        raise InputDataError(path, f"truncated or damaged WAV file ({damaged[0]})")
    if data.size == 0:
        raise InputDataError(path, "WAV file holds no samples")
    if data.dtype.kind == "f":
        samples = data.astype(np.float64)
    elif data.dtype in _FULL_SCALE:
        offset = 128.0 if data.dtype == np.uint8 else 0.0
        samples = (data.astype(np.float64) - offset) / _FULL_SCALE[data.dtype]
    else:
        raise InputDataError(path, f"unsupported sample format {data.dtype}")
    if not np.all(np.isfinite(samples)):
        raise InputDataError(path, "audio holds NaN or infinite samples")
    return samples, int(rate)


def _truncation(path: Path) -> str | None:
    """A description of the problem if the RIFF header declares more bytes than the file holds."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if len(head) < 8 or head[:4] not in (b"RIFF", b"RIFX"):
        return None
    declared = int.from_bytes(head[4:], "little" if head[:4] == b"RIFF" else "big") + 8
    size = path.stat().st_size
    return f"truncated WAV file: header declares {declared} bytes, file has {size}" if size < declared else None


def to_mono(samples: np.ndarray) -> np.ndarray:
    """Down-mix by averaging the channels."""
    return samples if samples.ndim == 1 else samples.mean(axis=1)


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Polyphase resampling (Kaiser-windowed FIR) by the exact rational ratio."""
    if rate_in == rate_out:
        return samples
    ratio = Fraction(rate_out, rate_in)
    return resample_poly(samples, ratio.numerator, ratio.denominator, axis=0)


# Compressed formats read through libsndfile (soundfile); WAV keeps the checked reader above.
SOUNDFILE_SUFFIXES = (".flac", ".ogg")


def read_soundfile(path) -> tuple[np.ndarray, int]:
    """Read a FLAC or Ogg/Vorbis file with soundfile as float64 in [-1, 1); errors name the file."""
    import soundfile  # only these formats need libsndfile

    path = Path(path)
    if not path.is_file():
        raise InputDataError(path, "audio file does not exist")
    try:
        samples, rate = soundfile.read(path, dtype="float64", always_2d=False)
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise InputDataError(path, f"not a readable audio file ({exc})") from None
    if samples.size == 0:
        raise InputDataError(path, "audio file holds no samples")
    if not np.all(np.isfinite(samples)):
        raise InputDataError(path, "audio holds NaN or infinite samples")
    return samples, int(rate)


def load_audio(path, rate: int) -> np.ndarray:
    """Mono float64 samples of a WAV (or FLAC/Ogg) file at `rate` Hz, on the 16-bit integer scale Kaldi uses."""
    reader = read_soundfile if Path(path).suffix.lower() in SOUNDFILE_SUFFIXES else read_wav
    samples, rate_in = reader(path)
    return resample(to_mono(samples), rate_in, rate) * 32768.0


def audio_blocks(path, rate: int, block_s: float = 60.0):
    """The samples of load_audio(path, rate), as consecutive blocks of about `block_s` seconds.

    When the file is already at `rate` its samples are read block by block (soundfile), so
    a long recording is never held in memory whole; the values equal load_audio's (same
    scale, same channel mean). Otherwise (resampling needs the whole signal), or when
    soundfile cannot open the file, this is [load_audio(path, rate)], whose errors name the file.
    """
    import soundfile  # only streaming needs libsndfile

    path = Path(path)
    try:
        info = soundfile.info(path)
    except (RuntimeError, soundfile.LibsndfileError, OSError):
        return [load_audio(path, rate)]
    if int(info.samplerate) != int(rate) or info.frames <= 0 or (path.suffix.lower() == ".wav" and _truncation(path)):
        return [load_audio(path, rate)]
    return _stream(path, int(block_s * rate))


def _stream(path: Path, block: int):
    import soundfile

    for samples in soundfile.blocks(path, blocksize=block, dtype="float64", always_2d=True):
        if not np.all(np.isfinite(samples)):
            raise InputDataError(path, "audio holds NaN or infinite samples")
        yield samples.mean(axis=1) * 32768.0
