"""Self-supervised speech representations (wav2vec 2.0, HuBERT, WavLM) as a front end.

The models are read with Hugging Face `transformers` from a local checkpoint folder in the Hugging
Face format (config.json plus model.safetensors or pytorch_model.bin, optionally
preprocessor_config.json), always with local_files_only=True: nothing is ever downloaded. A missing
or incomplete folder raises InputDataError saying what to put there.

Input: mono samples on the project's 16-bit scale (what data.audio.load_audio gives); they are
divided by 32768 to the [-1, 1] floats the models take, resampled to options.sample_rate if need be,
and, when the checkpoint's preprocessor_config.json has do_normalize true (the default of
Wav2Vec2FeatureExtractor, used when the file is absent), normalised to zero mean and unit variance
over the whole recording, as the feature extractor does per utterance.

Output: one row per frame of the model's convolutional front end, the hidden states of one layer
(`layer`) or the mean of a range of layers (`layers`, first and last included). Hidden state 0 is
the transformer's input (the projected CNN features plus the convolutional position embedding,
layer-normed in the base models), hidden state n the output of transformer layer n. The front end
of these models (kernels 10,3,3,3,3,2,2, strides 5,2,2,2,2,2,2) has a receptive field of 400 samples
and a stride of 320: 20 ms frames at 16 kHz, frame i covering samples 320 i ... 320 i + 399, i.e.
centred at i * 20 ms + 12.5 ms; a recording of N samples has num_frames(N) frames (the front end's
formula, floor((L - kernel) / stride) + 1 layer after layer).

Long recordings are processed in chunks of chunk_s seconds of output frames, each with context_s
seconds of extra audio either side whose frames are dropped, so the memory is bounded by the chunk
size, not the recording's length. Chunk starts are multiples of the front end's stride, so the
convolutional features of a chunk are exactly those of the whole recording; the first convolution's
group normalisation (base models), which normalises over time, uses statistics of the whole
recording, computed in a first pass over the first convolution alone. The transformer's
self-attention, however, is global: in a whole-recording pass every frame attends to the whole
recording, in a chunked one only to its chunk and the context around it. Chunking is therefore
an approximation of the whole-recording pass, and context_s controls how close it is (the models
were pre-trained on crops of at most about 15 s, so a few seconds of context either side make little
difference; tests/test_ssl.py measures it). The frame count is always that of a whole-recording pass.

Models are loaded once per process (cached by checkpoint folder and device), in eval mode, and run
under torch.inference_mode.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputDataError
from .registry import FrontEnd, register

SUPPORTED_FAMILIES = ("wav2vec2", "hubert", "wavlm")  # config.json model_type values
WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
                "pytorch_model.bin.index.json")
EXAMPLE_DOWNLOAD = "hf download facebook/wav2vec2-base --local-dir {folder}"
NORMALISE_EPS = 1e-7  # Wav2Vec2FeatureExtractor.zero_mean_unit_var_norm's variance floor
SCALE_16_BIT = 32768.0
STATISTICS_CHUNK = 80_000  # samples per piece of the first convolution's statistics pass (5 s at 16 kHz)


@dataclass(frozen=True)
class SSLOptions:
    """The `features.ssl` settings: which checkpoint, which hidden state(s), how to chunk, where to run.

    checkpoint: local Hugging Face checkpoint folder. layer: one hidden-state index (0 = transformer
    input, n = after transformer layer n); layers: [first, last] (mean of hidden states first ... last,
    both included); exactly one of the two. chunk_s: seconds of output frames per chunk; context_s:
    seconds of extra audio each side of a chunk. device: "auto" (cuda when available, else cpu),
    "cpu", "cuda", "cuda:1", ... sample_rate: the rate the model takes (16 kHz for all of these).
    """

    checkpoint: str
    layer: int | None = None
    layers: tuple[int, int] | None = None
    chunk_s: float = 20.0
    context_s: float = 2.0
    device: str = "auto"
    sample_rate: int = 16000

    def __post_init__(self):
        if (self.layer is None) == (self.layers is None):
            raise ValueError(f"features.ssl: give exactly one of layer and layers, got layer={self.layer!r}, "
                             f"layers={self.layers!r}")
        if self.layers is not None:
            if len(self.layers) != 2:
                raise ValueError(f"features.ssl.layers: [first, last], got {self.layers!r}")
            first, last = (int(v) for v in self.layers)
            if not 0 <= first <= last:
                raise ValueError(f"features.ssl.layers: need 0 <= first <= last, got {self.layers!r}")
            object.__setattr__(self, "layers", (first, last))  # a list from YAML -> hashable tuple
        elif int(self.layer) < 0:
            raise ValueError(f"features.ssl.layer: must be >= 0, got {self.layer!r}")
        if not self.chunk_s > 0:
            raise ValueError(f"features.ssl.chunk_s: must be > 0, got {self.chunk_s!r}")
        if not self.context_s >= 0:
            raise ValueError(f"features.ssl.context_s: must be >= 0, got {self.context_s!r}")
        if int(self.sample_rate) <= 0:
            raise ValueError(f"features.ssl.sample_rate: must be > 0, got {self.sample_rate!r}")

    @classmethod
    def of(cls, options: SSLOptions | dict) -> SSLOptions:
        """SSLOptions from itself or from the config's `features.ssl` dict."""
        return options if isinstance(options, cls) else cls(**options)

    @property
    def layer_range(self) -> tuple[int, int]:
        """(first, last) hidden-state index, both included."""
        return (int(self.layer), int(self.layer)) if self.layers is None else self.layers


# ---- the checkpoint folder ---------------------------------------------------------------------


def _missing(folder: Path, what: str) -> InputDataError:
    return InputDataError(folder, f"features.ssl.checkpoint: {what} (expected config.json and model.safetensors "
                                  f"or pytorch_model.bin in this folder); download one on a machine with internet, "
                                  f"e.g. `{EXAMPLE_DOWNLOAD.format(folder=folder)}`, and copy it here")


def _checked_folder(checkpoint) -> Path:
    """The checkpoint folder, resolved, or InputDataError when it does not hold a usable checkpoint."""
    folder = Path(checkpoint).expanduser()
    if not folder.is_dir():
        raise _missing(folder, "no Hugging Face checkpoint folder here")
    if not (folder / "config.json").is_file():
        raise _missing(folder, "no config.json in the checkpoint folder")
    if not any((folder / name).is_file() for name in WEIGHT_FILES):
        raise _missing(folder, "no model weights in the checkpoint folder")
    return folder.resolve()


@functools.lru_cache(maxsize=None)
def _config(folder: Path):
    from transformers import AutoConfig

    try:
        config = AutoConfig.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        raise InputDataError(folder / "config.json", f"not a readable Hugging Face model config ({exc})") from None
    if config.model_type not in SUPPORTED_FAMILIES:
        raise InputDataError(folder / "config.json", f"model_type {config.model_type!r} is not a supported "
                                                     f"self-supervised speech model; supported: {list(SUPPORTED_FAMILIES)}")
    return config


def load_config(options: SSLOptions | dict):
    """The checkpoint's transformers config (config.json only, no weights); InputDataError if unusable."""
    return _config(_checked_folder(SSLOptions.of(options).checkpoint))


@functools.lru_cache(maxsize=None)
def _preprocessor(folder: Path) -> dict:
    path = folder / "preprocessor_config.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputDataError(path, f"not a readable preprocessor config ({exc})") from None


def normalises_input(options: SSLOptions | dict) -> bool:
    """Whether the waveform is z-normalised: preprocessor_config.json's do_normalize, True without the file."""
    options = SSLOptions.of(options)
    return bool(_preprocessor(_checked_folder(options.checkpoint)).get("do_normalize", True))


def _front_end(config) -> tuple[list[int], list[int]]:
    return [int(k) for k in config.conv_kernel], [int(s) for s in config.conv_stride]


def frame_shift_ms(options: SSLOptions | dict) -> float:
    """Milliseconds between frames: the product of the front end's strides / sample rate (20.0 for these models)."""
    options = SSLOptions.of(options)
    _, strides = _front_end(load_config(options))
    return 1000.0 * math.prod(strides) / int(options.sample_rate)


def feature_dim(options: SSLOptions | dict) -> int:
    """Feature columns: the model's hidden_size (read from config.json, without loading the weights)."""
    return int(load_config(options).hidden_size)


def num_frames(num_samples: int, options: SSLOptions | dict) -> int:
    """Frames of a whole-recording pass over `num_samples` samples at options.sample_rate (0 if shorter than
    the receptive field): floor((L - kernel) / stride) + 1, convolution after convolution."""
    kernels, strides = _front_end(load_config(options))
    length = int(num_samples)
    for kernel, stride in zip(kernels, strides):
        if length < kernel:
            return 0
        length = (length - kernel) // stride + 1
    return length


def receptive_field(options: SSLOptions | dict) -> int:
    """Samples one frame of the front end covers (400 for these models)."""
    kernels, strides = _front_end(load_config(options))
    field, jump = 1, 1
    for kernel, stride in zip(kernels, strides):
        field += (kernel - 1) * jump
        jump *= stride
    return field


# ---- the model ---------------------------------------------------------------------------------


def resolve_device(device: str) -> str:
    """"auto" -> "cuda" when torch sees a GPU, else "cpu"; anything else unchanged."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@functools.lru_cache(maxsize=None)
def _model(folder: Path, device: str):
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    _config(folder)  # the model type check
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model = AutoModel.from_pretrained(folder, local_files_only=True, dtype=torch.float32)
    except Exception as exc:  # noqa: BLE001 (OSError, safetensors' SafetensorError, a mismatched state dict, ...)
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputDataError(folder, f"features.ssl.checkpoint: cannot load the model weights ({type(exc).__name__}: "
                                     f"{problem}); replace the folder with a complete download") from None
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    return model.to(device).eval()


def load_model(options: SSLOptions | dict):
    """The checkpoint's model (transformers AutoModel), float32, eval mode, on the options' device; loaded
    once per process and folder/device."""
    options = SSLOptions.of(options)
    return _model(_checked_folder(options.checkpoint), resolve_device(options.device))


@contextlib.contextmanager
def _fixed_group_norm(model, mean, var):
    """Within the block, the first convolution's GroupNorm (one group per channel) normalises with the given
    per-channel mean and variance (of the whole recording) instead of those of the input it sees."""
    import torch

    norm = model.feature_extractor.conv_layers[0].layer_norm
    gain = torch.rsqrt(var + norm.eps) * norm.weight  # y = gain * x + offset: one output tensor, no temporaries
    offset = norm.bias - mean * gain

    def hook(module, inputs, output):
        return torch.addcmul(offset[None, :, None], inputs[0], gain[None, :, None])

    handle = norm.register_forward_hook(hook)
    try:
        yield
    finally:
        handle.remove()


def _group_norm_first(model) -> bool:
    """Whether the first convolution is followed by a per-channel GroupNorm (feat_extract_norm "group")."""
    import torch

    norm = getattr(model.feature_extractor.conv_layers[0], "layer_norm", None)
    return isinstance(norm, torch.nn.GroupNorm) and norm.num_groups == norm.num_channels


def _first_conv_statistics(model, waveform, chunk: int):
    """Per-channel mean and (biased) variance over time of the first convolution's output for the whole
    waveform (1-D tensor), what GroupNorm computes in a whole-recording pass. Computed piece by piece
    (pieces start at multiples of the stride, so the outputs are exactly the whole pass's), the pieces'
    moments combined in float64 (Chan et al.'s pairwise update)."""
    import torch

    conv = model.feature_extractor.conv_layers[0].conv
    kernel, stride = conv.kernel_size[0], conv.stride[0]
    step = max(1, chunk // stride) * stride
    n = waveform.shape[0]
    count, mean, m2 = 0, None, None
    start = 0
    while start + kernel <= n:
        frames = (min(n, start + step + kernel - stride) - start - kernel) // stride + 1
        y = conv(waveform[start : start + (frames - 1) * stride + kernel][None, None])[0]  # (channels, frames)
        var_b, mean_b = torch.var_mean(y, dim=1, correction=0)
        mean_b, m2_b = mean_b.double(), var_b.double() * frames
        if mean is None:
            count, mean, m2 = frames, mean_b, m2_b
        else:
            delta = mean_b - mean
            both = count + frames
            mean = mean + delta * (frames / both)
            m2 = m2 + m2_b + delta * delta * (count * frames / both)
            count = both
        start += frames * stride
    return mean.float(), (m2 / count).float()


def _prepare_waveform(samples: np.ndarray, sample_rate: int, options: SSLOptions) -> np.ndarray:
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 1:
        raise ValueError(f"extract: mono samples expected, got shape {samples.shape}")
    if int(sample_rate) != int(options.sample_rate):
        from ..data.audio import resample

        samples = resample(samples, int(sample_rate), int(options.sample_rate))
    wave = samples / SCALE_16_BIT
    if normalises_input(options):
        wave = (wave - wave.mean()) / np.sqrt(wave.var() + NORMALISE_EPS)
    return wave.astype(np.float32)


def extract(samples: np.ndarray, sample_rate: int, options: SSLOptions | dict, *, source=None) -> np.ndarray:
    """SSL features of one recording, shape (num_frames(samples), feature_dim) float32; see the module doc.

    `samples`: mono, on the 16-bit scale (data.audio.load_audio), at `sample_rate` (resampled to
    options.sample_rate if different). Frame i is centred at i * frame_shift_ms + receptive_field / 2
    samples (12.5 ms). Chunked as options.chunk_s / context_s say: an approximation of one
    whole-recording pass, since self-attention is global (the module doc). `source` (a path) names
    the audio in the error raised when it is shorter than one frame.
    """
    import torch

    options = SSLOptions.of(options)
    config = load_config(options)
    first, last = options.layer_range
    if last > int(config.num_hidden_layers):
        raise ValueError(f"features.ssl: hidden state {last} asked for, {options.checkpoint} has "
                         f"{config.num_hidden_layers} layers (hidden states 0 ... {config.num_hidden_layers})")
    model = load_model(options)
    device = next(model.parameters()).device
    wave = _prepare_waveform(samples, sample_rate, options)
    n = len(wave)
    total = num_frames(n, options)
    if total == 0:
        raise InputDataError(source if source is not None else "<audio>",
                             f"audio is shorter than one SSL frame ({receptive_field(options)} samples at "
                             f"{options.sample_rate} Hz)")
    stride = math.prod(_front_end(config)[1])
    field = receptive_field(options)
    shift_s = stride / int(options.sample_rate)
    core = max(1, int(round(options.chunk_s / shift_s)))
    context = int(math.ceil(options.context_s / shift_s - 1e-9))
    out = np.empty((total, int(config.hidden_size)), dtype=np.float32)
    with torch.inference_mode():
        waveform = torch.from_numpy(wave).to(device)
        stats = contextlib.nullcontext()
        if total > core and _group_norm_first(model):
            mean, var = _first_conv_statistics(model, waveform, chunk=STATISTICS_CHUNK)
            stats = _fixed_group_norm(model, mean, var)
        with stats:
            for a in range(0, total, core):
                b = min(total, a + core)
                lead = min(context, a)
                start = (a - lead) * stride
                stop = n if b + context >= total else (b + context - 1) * stride + field
                hidden = model(waveform[start:stop][None], output_hidden_states=True).hidden_states
                frames = hidden[0].shape[1]
                expected = num_frames(stop - start, options)
                if frames != expected:  # the conv formula and the model disagree: a config we do not understand
                    raise RuntimeError(f"SSL front end gave {frames} frames for {stop - start} samples, expected "
                                       f"{expected} from the config's kernels and strides")
                picked = hidden[first] if first == last else torch.stack(hidden[first : last + 1]).mean(dim=0)
                out[a:b] = picked[0, lead : lead + b - a].float().cpu().numpy()
    return out


__all__ = ["SSLOptions", "extract", "feature_dim", "frame_shift_ms", "load_config", "load_model", "normalises_input",
           "num_frames", "receptive_field", "resolve_device", "SUPPORTED_FAMILIES"]


# ---- the registry entry ------------------------------------------------------------------------


@register
class SelfSupervised(FrontEnd):
    """features.frontend: ssl, options in features.ssl (SSLOptions)."""

    name = "ssl"
    label = "self-supervised speech model (wav2vec 2.0 / HuBERT / WavLM, transformers)"
    options = SSLOptions
    memory_mb = 6000  # a base-size model, one chunk of activations (bench/ssl_extraction.py)
    uses_gpu = True  # extraction runs on the GPU when options.device finds one

    def options_of(self, features: dict) -> SSLOptions:
        return SSLOptions.of(dict(features.get(self.name) or {}))

    def frame_shift_ms(self, options) -> float:
        return frame_shift_ms(options)

    def feature_dim(self, options) -> int:
        return feature_dim(options)

    def extract(self, samples, sample_rate, options, source=None):
        return extract(samples, sample_rate, options, source=source)
