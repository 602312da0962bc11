"""Tests of the self-supervised front end (data/ssl.py) on tiny random checkpoints of each family."""

import json
import socket

import numpy as np
import pytest
import torch

from longterm_emotion.frontends import ssl
from longterm_emotion.errors import InputDataError
from ssl_checkpoints import FAMILIES, TINY, write_tiny_checkpoint

pytestmark = pytest.mark.usefixtures("deterministic_single_thread")

RATE = 16000
HIDDEN = TINY["hidden_size"]
LAYERS = TINY["num_hidden_layers"]


@pytest.fixture(scope="session")
def checkpoints(tmp_path_factory):
    """{family: folder} of tiny random checkpoints, one per family."""
    root = tmp_path_factory.mktemp("ssl_checkpoints")
    return {family: write_tiny_checkpoint(root / family, family, seed=1) for family in FAMILIES}


def speechlike(seconds: float, seed: int = 0, extra: int = 0) -> np.ndarray:
    """Noise under a slowly varying envelope with pauses, on the 16-bit scale (what load_audio gives)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE) + extra
    envelope = np.repeat(rng.uniform(0.0, 1.0, n // 1600 + 1) ** 2, 1600)[:n]
    return rng.standard_normal(n) * envelope * 3000.0


def options(folder, **kw):
    kw.setdefault("layer", LAYERS) if "layers" not in kw else None
    return ssl.SSLOptions(checkpoint=str(folder), **kw)


def expected_frames(n: int) -> int:
    """The standard front end (receptive field 400, stride 320)."""
    return (n - 400) // 320 + 1


@pytest.mark.parametrize("family", FAMILIES)
def test_shape_shift_and_dim(checkpoints, family):
    opts = options(checkpoints[family], chunk_s=4.0)
    assert ssl.frame_shift_ms(opts) == 20.0
    assert ssl.feature_dim(opts) == HIDDEN
    assert ssl.receptive_field(opts) == 400
    for n in (400, 719, 720, 16000, 10 * RATE + 77):
        x = speechlike(n / RATE, extra=0)[:n] if n > 1600 else np.random.default_rng(n).standard_normal(n) * 1000
        y = ssl.extract(x, RATE, opts)
        assert y.shape == (expected_frames(n), HIDDEN) == (ssl.num_frames(n, opts), HIDDEN), n
        assert y.dtype == np.float32 and np.isfinite(y).all()


def test_feature_dim_and_shift_read_the_config_only(tmp_path):
    """No weights are loaded: config.json suffices (the weight file here is not a model)."""
    config = {"model_type": "wav2vec2", "hidden_size": 768, "conv_kernel": [10, 3, 3, 3, 3, 2, 2],
              "conv_stride": [5, 2, 2, 2, 2, 2, 2], "conv_dim": [512] * 7, "num_hidden_layers": 12}
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "model.safetensors").write_bytes(b"not weights")
    opts = options(tmp_path, layer=6)
    assert ssl.feature_dim(opts) == 768
    assert ssl.frame_shift_ms(opts) == 20.0
    assert ssl.frame_shift_ms(options(tmp_path, layer=6, sample_rate=8000)) == 40.0
    assert ssl.num_frames(5 * 60 * RATE, opts) == 14999


@pytest.mark.parametrize("family", FAMILIES)
def test_layer_choice_and_layer_mean(checkpoints, family):
    x = speechlike(3.0, seed=2)
    by_layer = [ssl.extract(x, RATE, options(checkpoints[family], layer=n)) for n in range(LAYERS + 1)]
    for a in range(LAYERS + 1):
        for b in range(a + 1, LAYERS + 1):
            assert np.abs(by_layer[a] - by_layer[b]).mean() > 0.1 * np.abs(by_layer[a]).mean(), (a, b)
    mean = ssl.extract(x, RATE, options(checkpoints[family], layers=[1, 2]))
    np.testing.assert_allclose(mean, (by_layer[1] + by_layer[2]) / 2, rtol=1e-5, atol=1e-5)
    everything = ssl.extract(x, RATE, options(checkpoints[family], layers=(0, LAYERS)))
    np.testing.assert_allclose(everything, np.mean(by_layer, axis=0), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(ssl.extract(x, RATE, options(checkpoints[family], layers=[1, 1])), by_layer[1])


@pytest.mark.parametrize("family", FAMILIES)
def test_whole_pass_is_the_models_output(checkpoints, family):
    """A recording shorter than a chunk is one pass of the model over the normalised waveform in [-1, 1]."""
    from transformers import AutoModel, Wav2Vec2FeatureExtractor

    x = speechlike(4.0, seed=3)
    reference_model = AutoModel.from_pretrained(checkpoints[family], local_files_only=True).eval()
    processor = Wav2Vec2FeatureExtractor.from_pretrained(checkpoints[family], local_files_only=True)
    assert processor.do_normalize
    inputs = processor(x / 32768.0, sampling_rate=RATE, return_tensors="pt").input_values
    with torch.inference_mode():
        hidden = reference_model(inputs, output_hidden_states=True).hidden_states
    for layer in range(LAYERS + 1):
        np.testing.assert_allclose(ssl.extract(x, RATE, options(checkpoints[family], layer=layer)),
                                   hidden[layer][0].numpy(), rtol=1e-4, atol=1e-4)


def test_without_normalisation_the_input_is_the_16_bit_scale_over_32768(tmp_path):
    from transformers import AutoModel

    folder = write_tiny_checkpoint(tmp_path / "raw", "wavlm", seed=4, do_normalize=False)
    x = speechlike(2.0, seed=4)
    model = AutoModel.from_pretrained(folder, local_files_only=True).eval()
    with torch.inference_mode():
        reference = model(torch.from_numpy((x / 32768.0).astype(np.float32))[None]).last_hidden_state[0].numpy()
    np.testing.assert_allclose(ssl.extract(x, RATE, options(folder)), reference, rtol=1e-4, atol=1e-4)
    # normalised checkpoints do not see the scale; this one does
    assert not np.allclose(ssl.extract(2 * x, RATE, options(folder)), reference, atol=1e-3)


def test_no_preprocessor_config_means_normalised(tmp_path, checkpoints):
    folder = write_tiny_checkpoint(tmp_path / "bare", "wav2vec2", seed=1, preprocessor=False)
    assert ssl.normalises_input(options(folder))
    x = speechlike(2.0, seed=5)
    np.testing.assert_array_equal(ssl.extract(x, RATE, options(folder)),
                                  ssl.extract(x, RATE, options(checkpoints["wav2vec2"])))
    np.testing.assert_allclose(ssl.extract(3 * x, RATE, options(folder)), ssl.extract(x, RATE, options(folder)),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("family", FAMILIES)
def test_chunked_close_to_whole(checkpoints, family):
    """Chunks of 3 s of frames against one pass over a 20 s recording. The transformer input (hidden state 0)
    is exact with 2 s of context either side: the CNN features and their group normalisation are the whole
    pass's, and the position convolution's reach is covered. After self-attention, which is global, chunking
    is an approximation; the random layers here attend almost uniformly to the whole recording (trained ones
    are far more local), so the bound is loose, but more context must bring the chunks closer."""
    x = speechlike(20.0, seed=6, extra=211)
    folder = checkpoints[family]
    for layer in range(LAYERS + 1):
        whole = ssl.extract(x, RATE, options(folder, layer=layer, chunk_s=60.0))
        errors = {}
        for context_s in (0.0, 2.0, 6.0):
            chunked = ssl.extract(x, RATE, options(folder, layer=layer, chunk_s=3.0, context_s=context_s))
            assert chunked.shape == whole.shape == (expected_frames(len(x)), HIDDEN)
            errors[context_s] = np.linalg.norm(chunked - whole) / np.linalg.norm(whole)
        if layer == 0:
            assert errors[2.0] < 1e-5 and errors[6.0] < 1e-5 and errors[0.0] > 1e-2, errors
        else:
            assert errors[6.0] < errors[2.0] < 0.04 and errors[0.0] > 2 * errors[2.0], (layer, errors)


def test_chunk_edges_cover_every_frame_once(checkpoints):
    """Chunk sizes that do and do not divide the frame count, and a context longer than the recording."""
    folder = checkpoints["hubert"]
    x = speechlike(6.0, seed=7, extra=5)
    whole = ssl.extract(x, RATE, options(folder, layer=0, chunk_s=60.0))
    for chunk_s, context_s in ((0.02, 1.5), (1.0, 1.3), (2.98, 1.0), (5.99, 10.0)):
        chunked = ssl.extract(x, RATE, options(folder, layer=0, chunk_s=chunk_s, context_s=context_s))
        np.testing.assert_allclose(chunked, whole, rtol=1e-5, atol=1e-5, err_msg=f"{chunk_s}, {context_s}")


@pytest.mark.parametrize("family", FAMILIES)
def test_deterministic_rerun(checkpoints, family):
    x = speechlike(7.0, seed=8)
    opts = options(checkpoints[family], chunk_s=2.0)
    first = ssl.extract(x, RATE, opts)
    np.testing.assert_array_equal(ssl.extract(x, RATE, opts), first)
    ssl._model.cache_clear()
    np.testing.assert_array_equal(ssl.extract(x, RATE, opts), first)


def test_model_is_loaded_once_in_eval_mode(checkpoints):
    opts = options(checkpoints["wavlm"])
    model = ssl.load_model(opts)
    assert ssl.load_model(ssl.SSLOptions(checkpoint=str(checkpoints["wavlm"]) + "/", layer=0)) is model
    assert not model.training
    assert next(model.parameters()).dtype == torch.float32
    assert ssl.resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")


def test_loading_never_opens_a_connection(checkpoints, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    ssl._model.cache_clear()
    ssl._config.cache_clear()
    assert ssl.extract(speechlike(1.0), RATE, options(checkpoints["wav2vec2"])).shape == (49, HIDDEN)


def test_other_sample_rates_are_resampled(checkpoints):
    x16 = speechlike(3.0, seed=9)
    from scipy.signal import resample_poly

    x8 = resample_poly(x16, 1, 2)
    y = ssl.extract(x8, 8000, options(checkpoints["wav2vec2"]))
    assert y.shape == (expected_frames(2 * len(x8)), HIDDEN)


def _one_line_error(excinfo) -> str:
    message = str(excinfo.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("state", ["absent", "empty", "config only", "weights only"])
def test_missing_or_incomplete_checkpoint(tmp_path, checkpoints, state):
    folder = tmp_path / "wav2vec2-base"
    if state != "absent":
        folder.mkdir()
    if state == "config only":
        (folder / "config.json").write_text((checkpoints["wav2vec2"] / "config.json").read_text())
    if state == "weights only":
        (folder / "model.safetensors").write_bytes((checkpoints["wav2vec2"] / "model.safetensors").read_bytes())
    opts = options(folder)
    for call in (lambda: ssl.extract(speechlike(1.0), RATE, opts), lambda: ssl.feature_dim(opts),
                 lambda: ssl.frame_shift_ms(opts)):
        with pytest.raises(InputDataError) as excinfo:
            call()
        message = _one_line_error(excinfo)
        assert message.startswith(f"{folder}: features.ssl.checkpoint: ")
        assert "config.json" in message and "model.safetensors" in message and "pytorch_model.bin" in message
        assert f"hf download facebook/wav2vec2-base --local-dir {folder}" in message


def test_damaged_weights(tmp_path, checkpoints):
    (tmp_path / "config.json").write_text((checkpoints["wav2vec2"] / "config.json").read_text())
    (tmp_path / "model.safetensors").write_bytes(b"garbage, not a safetensors file")
    with pytest.raises(InputDataError, match="cannot load the model weights") as excinfo:
        ssl.extract(speechlike(1.0), RATE, options(tmp_path))
    assert _one_line_error(excinfo).startswith(str(tmp_path))


def test_unsupported_model_type(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert", "hidden_size": 32}))
    (tmp_path / "model.safetensors").write_bytes(b"")
    with pytest.raises(InputDataError) as excinfo:
        ssl.feature_dim(options(tmp_path))
    message = _one_line_error(excinfo)
    assert "'bert'" in message and "wav2vec2" in message and "wavlm" in message


def test_short_audio(checkpoints, tmp_path):
    with pytest.raises(InputDataError, match="shorter than one SSL frame") as excinfo:
        ssl.extract(np.ones(399), RATE, options(checkpoints["wav2vec2"]), source=tmp_path / "a.wav")
    assert str(excinfo.value).startswith(str(tmp_path / "a.wav"))


def test_options_validation(checkpoints):
    folder = str(checkpoints["wav2vec2"])
    for bad in (dict(), dict(layer=1, layers=[1, 2]), dict(layers=[2, 1]), dict(layers=[1]), dict(layer=-1),
                dict(layer=1, chunk_s=0), dict(layer=1, context_s=-1)):
        with pytest.raises(ValueError):
            ssl.SSLOptions(checkpoint=folder, **bad)
    opts = ssl.SSLOptions.of({"checkpoint": folder, "layers": [0, 2]})
    assert opts.layers == (0, 2) and hash(opts) and opts.layer_range == (0, 2)
    assert ssl.SSLOptions(checkpoint=folder, layer=1).layer_range == (1, 1)
    with pytest.raises(ValueError, match="has 2 layers"):
        ssl.extract(speechlike(1.0), RATE, ssl.SSLOptions(checkpoint=folder, layer=3))


def test_installed_transformers_supports_every_family():
    import transformers

    for family in FAMILIES:
        assert transformers.AutoConfig.for_model(family).model_type == family
