"""Tiny randomly initialised Hugging Face checkpoints of the self-supervised speech models (no download).

write_tiny_checkpoint(folder, family) saves a 2-layer model of one family ("wav2vec2", "hubert", "wavlm")
with the standard convolutional front end's kernels and strides (400-sample receptive field, 320-sample
stride: 20 ms frames at 16 kHz) but 32 channels and 2 heads of 16 dimensions, in the layout `from_pretrained` reads (config.json,
model.safetensors, preprocessor_config.json). The weights depend only on `seed`. Used by tests/test_ssl.py
and reusable by end-to-end tests of the workflow's SSL front end.
"""

from __future__ import annotations

from pathlib import Path

import torch

FAMILIES = ("wav2vec2", "hubert", "wavlm")
# The front end of wav2vec2-base / HuBERT base / WavLM base(+): 7 convolutions, strides 5 x 2^6 = 320.
CONV_KERNEL = (10, 3, 3, 3, 3, 2, 2)
CONV_STRIDE = (5, 2, 2, 2, 2, 2, 2)
TINY = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
            conv_dim=(32,) * 7, conv_kernel=CONV_KERNEL, conv_stride=CONV_STRIDE,
            num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=4,
            feat_extract_norm="group", do_stable_layer_norm=False,
            initializer_range=0.1)  # not 0.02: each random layer then changes its input by about 25 %, not 1 %


def model_classes(family: str):
    """(config class, model class) of a family."""
    import transformers

    classes = {"wav2vec2": (transformers.Wav2Vec2Config, transformers.Wav2Vec2Model),
               "hubert": (transformers.HubertConfig, transformers.HubertModel),
               "wavlm": (transformers.WavLMConfig, transformers.WavLMModel)}
    if family not in classes:
        raise ValueError(f"unknown family {family!r}; valid: {list(FAMILIES)}")
    return classes[family]


def write_tiny_checkpoint(folder, family: str = "wav2vec2", seed: int = 0, preprocessor: bool = True,
                          do_normalize: bool = True, **overrides) -> Path:
    """Save a tiny random `family` model to `folder` (created) and return the folder.

    `overrides` change config fields (e.g. hidden_size=48, num_hidden_layers=3, or the sizes of
    wav2vec2-base for a benchmark). preprocessor=False leaves out preprocessor_config.json;
    do_normalize is written into it (Wav2Vec2FeatureExtractor's per-utterance normalisation).
    """
    from transformers import Wav2Vec2FeatureExtractor

    config_class, model_class = model_classes(family)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = config_class(**{**TINY, **overrides})
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = model_class(config).eval()
    model.save_pretrained(folder, safe_serialization=True)
    if preprocessor:
        Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0, do_normalize=do_normalize,
                                 return_attention_mask=False).save_pretrained(folder)
    return folder
