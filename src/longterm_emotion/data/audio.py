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

from ..errors import InputDataError

# Audio formats of a folder to predict (`longterm-emotion predict DIR`, target predict's predict_audio).
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")

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
    if path.is_dir():
        raise InputDataError(path, "is a folder, not an audio file")
    if not path.is_file():
        raise InputDataError(path, "audio file does not exist")
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
    from scipy.signal import resample_poly  # scipy.signal takes ~1 s to import: only when resampling

    if rate_in == rate_out:
        return samples
    ratio = Fraction(rate_out, rate_in)
    return resample_poly(samples, ratio.numerator, ratio.denominator, axis=0)


class StreamResampler:
    """scipy's resample_poly (default Kaiser window, zero padding) applied block by block to a mono signal:
    the same values, computed from consecutive input blocks with a carry-over of a few dozen samples,
    so a long recording is never held whole at its own rate (tests/test_audio.py compares it with
    resample_poly). Feed blocks with `push`, then `finish`; both return the output samples ready so far."""

    def __init__(self, rate_in: int, rate_out: int):
        from scipy.signal import firwin

        ratio = Fraction(int(rate_out), int(rate_in))
        self.up, self.down = ratio.numerator, ratio.denominator
        half_len = 10 * max(self.up, self.down)  # resample_poly's filter design
        h = firwin(2 * half_len + 1, 1.0 / max(self.up, self.down), window=("kaiser", 5.0)) * self.up
        pre_pad = self.down - half_len % self.down
        self.h = np.concatenate([np.zeros(pre_pad), h])
        self.pre_remove = (half_len + pre_pad) // self.down
        self.buffer = np.zeros(0)  # input samples from absolute index `start` on
        self.start = 0  # a multiple of `down`, so a segment's outputs stay on the full signal's grid
        self.received = 0
        self.next_out = 0  # next output sample to return

    def _needs(self, n: int) -> tuple[int, int]:
        """First and last input index output n depends on (before clipping to the signal)."""
        m = n + self.pre_remove
        return -(-(m * self.down - len(self.h) + 1) // self.up), (m * self.down) // self.up

    def _emit(self, end: int) -> np.ndarray:
        from scipy.signal import upfirdn

        if end <= self.next_out:
            return np.zeros(0)
        shift = self.start * self.up // self.down  # the segment's output 0 is the full signal's output `shift`
        segment = upfirdn(self.h, self.buffer, self.up, self.down)
        out = segment[self.next_out + self.pre_remove - shift : end + self.pre_remove - shift]
        self.next_out = end
        keep_from = max(0, self._needs(end)[0]) // self.down * self.down
        self.buffer = self.buffer[keep_from - self.start :]
        self.start = keep_from
        return out

    def push(self, block: np.ndarray) -> np.ndarray:
        self.buffer = np.concatenate([self.buffer, np.asarray(block, dtype=np.float64)])
        self.received += len(block)
        # outputs n whose last input sample, floor((n + pre_remove) * down / up), has arrived
        return self._emit((self.received * self.up - 1) // self.down - self.pre_remove + 1)

    def finish(self) -> np.ndarray:
        total = -(-self.received * self.up // self.down)  # resample_poly's output length
        return self._emit(total)


def resampled_blocks(blocks, rate_in: int, rate_out: int):
    """Mono float64 blocks at `rate_out` from consecutive mono blocks at `rate_in` (StreamResampler)."""
    if int(rate_in) == int(rate_out):
        yield from blocks
        return
    resampler = StreamResampler(rate_in, rate_out)
    for block in blocks:
        out = resampler.push(block)
        if len(out):
            yield out
    out = resampler.finish()
    if len(out):
        yield out


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


def _mono_blocks(path, rate: int):
    """(frames expected at `rate` or None, generator of mono float64 blocks at `rate`), resampled on the fly."""
    path, handle = _open(path)
    rate_in = int(handle.samplerate)
    expected = -(-handle.frames * int(rate) // rate_in) if handle.frames > 0 else None

    def generate():
        with handle:
            blocks = (to_mono(block) for block in _blocks(path, handle, _BLOCK_FRAMES))
            count = 0
            for block in resampled_blocks(blocks, rate_in, int(rate)):
                count += len(block)
                yield block
        if count == 0:
            raise InputDataError(path, f"{_kind(path)} file holds no samples")

    return expected, generate()


def load_audio(path, rate: int) -> np.ndarray:
    """Mono float64 samples of an audio file at `rate` Hz, on the 16-bit integer scale Kaldi uses.

    Read, down-mixed and resampled block by block (StreamResampler), so the peak memory is about the
    output signal itself, not the file at its own rate and channel count."""
    expected, blocks = _mono_blocks(path, rate)
    if expected is None:
        return np.concatenate(list(blocks)) * 32768.0
    out = np.empty(expected)
    filled = 0
    for block in blocks:
        if filled + len(block) > len(out):  # the header's frame count was short: grow
            out = np.concatenate([out[:filled], np.empty(filled + len(block) - len(out) + len(out) // 4)])
        out[filled : filled + len(block)] = block
        filled += len(block)
    out = out[:filled]
    out *= 32768.0
    return out


def audio_blocks(path, rate: int):
    """The samples of load_audio(path, rate) as consecutive blocks (about a minute each): read, down-mixed and
    resampled block by block, so a long recording is never held in memory whole; errors name the file."""
    _, blocks = _mono_blocks(path, rate)
    for block in blocks:
        yield block * 32768.0


def folder_audio_files(folder) -> list[Path]:
    """The audio files (AUDIO_SUFFIXES, in any case) of a folder, sorted by name; a folder without any is an error."""
    folder = Path(folder)
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
    if not found:
        raise InputDataError(folder, f"folder holds no audio files ({', '.join(AUDIO_SUFFIXES)})")
    return found


def by_stem(files) -> dict[str, Path]:
    """{name without suffix: path} of audio files whose outputs are named by it; a name used twice is an error."""
    stems: dict[str, Path] = {}
    for path in map(Path, files):
        if path.stem in stems:
            raise InputDataError(path, f"same name as {stems[path.stem]}: outputs {path.stem}.csv would collide")
        stems[path.stem] = path
    return stems
