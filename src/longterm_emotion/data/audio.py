"""Reading audio (WAV of any common encoding, FLAC, OGG, ...) and bringing it to the fbank rate.

Decoding is libsndfile's, through soundfile. libsndfile reads streaming WAVs (RIFF and data
sizes 0xFFFFFFFF, as ffmpeg writes to a pipe) to the end of the file, but reads a truncated
WAV silently up to where it stops; so WAV chunk sizes are checked here against the file size
first, and a WAV whose header promises more bytes than the file holds is refused.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile
from scipy.signal import resample_poly

from ..errors import InputDataError

_WAV_MAGIC = (b"RIFF", b"RIFX", b"RF64")
_STREAMING = 0xFFFFFFFF  # a size not known when the header was written (streamed output)
_BLOCK_FRAMES = 1 << 20  # frames decoded per block when down-mixing


def _kind(path: Path) -> str:
    """The format named in messages: the extension in capitals (WAV, FLAC, OGG), else 'audio'."""
    return path.suffix.lstrip(".").upper() or "audio"


def _wav_truncation(path: Path) -> str | None:
    """A description of the problem if a WAV header declares more bytes than the file holds.

    Checks the RIFF size and the size of the data chunk; sizes 0xFFFFFFFF (streaming, or RF64's
    placeholder) mean "to the end of the file" and are not checked.
    """
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(12)
        if len(head) < 8 or head[:4] not in _WAV_MAGIC:
            return None
        order = "big" if head[:4] == b"RIFX" else "little"
        declared = int.from_bytes(head[4:8], order)
        if declared != _STREAMING and declared + 8 > size:
            return f"truncated WAV file: header declares {declared + 8} bytes, file has {size}"
        if head[8:12] != b"WAVE":
            return None
        position = 12
        while position + 8 <= size:
            handle.seek(position)
            chunk = handle.read(8)
            length = int.from_bytes(chunk[4:], order)
            if chunk[:4] == b"data":
                if length != _STREAMING and position + 8 + length > size:
                    return (f"truncated WAV file: data chunk declares {length} bytes, "
                            f"file holds {size - position - 8} after its header")
                return None
            if length == _STREAMING:
                return None
            position += 8 + length + (length & 1)
    return None


def _open(path) -> tuple[Path, soundfile.SoundFile]:
    """An open SoundFile, or InputDataError naming the file (missing, truncated, not audio)."""
    path = Path(path)
    if not path.is_file():
        raise InputDataError(path, "audio file does not exist" + (" (a folder has its name)" if path.is_dir() else ""))
    if path.stat().st_size == 0:
        raise InputDataError(path, f"{_kind(path)} file is empty (0 bytes)")
    problem = _wav_truncation(path)
    if problem:
        raise InputDataError(path, problem)
    try:
        return path, soundfile.SoundFile(path)
    except soundfile.LibsndfileError as exc:
        reason = str(exc).removeprefix(f"Error opening {str(path)!r}: ")
        if "'data' chunk" in reason:
            raise InputDataError(path, f"WAV file has no data chunk ({reason})") from None
        raise InputDataError(path, f"not a readable {_kind(path)} file ({reason})") from None
    except (RuntimeError, OSError, ValueError) as exc:
        raise InputDataError(path, f"not a readable {_kind(path)} file ({exc})") from None


def _blocks(path: Path, handle: soundfile.SoundFile, frames: int):
    """Float64 blocks of shape (frames, channels); decoding errors name the file."""
    try:
        for block in handle.blocks(blocksize=frames, dtype="float64", always_2d=True):
            if not np.all(np.isfinite(block)):
                raise InputDataError(path, "audio holds NaN or infinite samples")
            yield block
    except (soundfile.LibsndfileError, RuntimeError, OSError) as exc:
        raise InputDataError(path, f"truncated or damaged {_kind(path)} file ({exc})") from None


def read_audio(path) -> tuple[np.ndarray, int]:
    """Read an audio file as float64 samples in [-1, 1), shape (samples,) or (samples, channels).

    WAV in 8/16/24/32-bit PCM or 32/64-bit float, FLAC, OGG and whatever else libsndfile reads,
    at any rate and channel count. A missing, truncated or damaged file, one that is not audio,
    one without samples, or one holding NaN or infinite samples raises InputDataError naming it.
    """
    path, handle = _open(path)
    with handle:
        rate = handle.samplerate
        blocks = list(_blocks(path, handle, _BLOCK_FRAMES))
    if not blocks or sum(len(b) for b in blocks) == 0:
        raise InputDataError(path, f"{_kind(path)} file holds no samples")
    samples = np.concatenate(blocks)
    return (samples[:, 0] if samples.shape[1] == 1 else samples), int(rate)


read_wav = read_audio  # the name it had when only WAV was read


def to_mono(samples: np.ndarray) -> np.ndarray:
    """Down-mix by averaging the channels."""
    return samples if samples.ndim == 1 else samples.mean(axis=1)


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Polyphase resampling (Kaiser-windowed FIR) by the exact rational ratio."""
    if rate_in == rate_out:
        return samples
    ratio = Fraction(rate_out, rate_in)
    return resample_poly(samples, ratio.numerator, ratio.denominator, axis=0)


def read_mono(path) -> tuple[np.ndarray, int]:
    """Float64 mono samples in [-1, 1) at the file's rate, down-mixed block by block.

    Same values as to_mono(read_audio(path)[0]), without holding every channel of the whole file.
    """
    path, handle = _open(path)
    with handle:
        rate = handle.samplerate
        blocks = [to_mono(block) for block in _blocks(path, handle, _BLOCK_FRAMES)]
    if not blocks or sum(len(b) for b in blocks) == 0:
        raise InputDataError(path, f"{_kind(path)} file holds no samples")
    return np.concatenate(blocks), int(rate)


def load_audio(path, rate: int) -> np.ndarray:
    """Mono float64 samples of an audio file at `rate` Hz, on the 16-bit integer scale Kaldi uses."""
    samples, rate_in = read_mono(path)
    return resample(samples, rate_in, rate) * 32768.0


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
    if int(info.samplerate) != int(rate) or info.frames <= 0 or (path.suffix.lower() == ".wav" and _wav_truncation(path)):
        return [load_audio(path, rate)]
    return _stream(path, int(block_s * rate))


def _stream(path: Path, block: int):
    import soundfile

    for samples in soundfile.blocks(path, blocksize=block, dtype="float64", always_2d=True):
        if not np.all(np.isfinite(samples)):
            raise InputDataError(path, "audio holds NaN or infinite samples")
        yield samples.mean(axis=1) * 32768.0
