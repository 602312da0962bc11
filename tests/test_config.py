"""The shipped config is valid, and bad values or keys are reported by name."""

from pathlib import Path

import pytest
import yaml

from longterm_emotion.config import ConfigError, check, problems

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"


def default_config() -> dict:
    return yaml.safe_load((ROOT / "config.yaml").read_text())


def test_shipped_config_is_valid():
    assert problems(default_config(), SCHEMA) == []


def test_unknown_key_is_named_in_one_line():
    config = default_config()
    config["sweep"]["lenghts"] = [2]
    assert problems(config, SCHEMA) == ["config key sweep: 'lenghts' was unexpected (unknown key)"]


@pytest.mark.parametrize(
    "section, key, value, words",
    [
        ("sweep", "seeds", "ten", "sweep.seeds: 'ten' is not of type 'array'"),
        ("features", "window_type", "gauss", "features.window_type: 'gauss' is not one of"),
        ("compute", "device", "gpu", "compute.device: 'gpu' does not match"),
        ("label_study", "factors", [], "label_study.factors: [] should be non-empty"),
    ],
)
def test_bad_values_name_their_key(section, key, value, words):
    config = default_config()
    config[section][key] = value
    with pytest.raises(ConfigError, match="invalid configuration") as error:
        check(config, SCHEMA)
    assert words in str(error.value)


@pytest.mark.parametrize(
    "network, group, key, values, words",
    [
        ("dilated", "optim", "lr", [-0.1, 0.001], "grid.space.dilated.optim.lr[0]: -0.1 is less than or equal to the minimum of 0"),
        ("dilated", "net", "width", [16, 0], "grid.space.dilated.net.width[1]: 0 is less than the minimum of 1"),
        ("downup", "optim", "l2", [-1], "grid.space.downup.optim.l2[0]: -1 is less than the minimum of 0"),
        ("blstm", "net", "dropout", [1.5], "grid.space.blstm.net.dropout[0]: 1.5 is greater than the maximum of 1"),
        ("blstm", "net", "hidden", ["many"], "grid.space.blstm.net.hidden[0]: 'many' is not of type 'integer'"),
    ],
)
def test_every_search_value_is_checked_as_the_models_setting_is(network, group, key, values, words):
    """A negative learning rate once trained by gradient ascent and entered the selection: refused at load now."""
    config = default_config()
    config["grid"]["space"][network].setdefault(group, {})[key] = values
    found = problems(config, SCHEMA)
    assert len(found) == 1 and words in found[0], found
    assert f"(as models.{network}.<dimension>.{group}.{key})" in found[0]


def test_model_settings_are_checked_per_model_and_dimension():
    config = default_config()
    config["models"]["downup"]["valence"]["net"]["widht"] = 64
    assert problems(config, SCHEMA) == ["config key models.downup.valence.net: unknown setting(s) widht of downup "
                                        "(its settings: width, n_down, factor, kernel_size, n_intermediate, up_kernel, "
                                        "activation, dropout)"]


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c.update(training=c.pop("compute")),
         "config key training: moved; set it as compute (device, gpus_per_job, threads)"),
        (lambda c: c["sweep"].update(lr=0.1), "config key sweep.lr: moved; set it as sweep.optim.lr"),
        (lambda c: c["train"].update(patience=3), "config key train.patience: moved; set it as train.protocol.patience"),
        (lambda c: c["grid"].update(runs=3), "config key grid.runs: moved; set it as grid.seeds, a list (runs: N was "
                                             "[train.seeds[0] + 1000, ..., train.seeds[0] + 999 + N])"),
        (lambda c: c["models"]["blstm"]["arousal"].update(hidden=64),
         "config key models.blstm.arousal.hidden: moved; set it as models.blstm.arousal.net.hidden"),
        (lambda c: c["models"]["dilated"]["valence"].update(lr=0.1),
         "config key models.dilated.valence.lr: moved; set it as models.dilated.valence.optim.lr"),
    ],
)
def test_keys_of_the_old_layout_name_their_new_place(change, message):
    config = yaml.safe_load((ROOT / "config.yaml").read_text().replace("*dilated", "{net: {}, optim: {}}")
                            .replace("*blstm", "{net: {}, optim: {}}"))
    change(config)
    assert problems(config, SCHEMA) == [message]


# ---- settings the schema cannot check (semantic_problems), made at workflow load ----------------

import copy  # noqa: E402

import numpy as np  # noqa: E402

from longterm_emotion.config import fill_missing, semantic_problems  # noqa: E402


def loaded_config(**sections) -> dict:
    """config.yaml with some sections' keys replaced, as the workflow sees it after validation."""
    config = default_config()
    for section, values in sections.items():
        if isinstance(values, dict):
            config[section].update(values)
        else:
            config[section] = values
    return config


def test_shipped_config_has_no_semantic_problems(tmp_path):
    assert semantic_problems(default_config(), tmp_path) == []


def test_search_seeds_that_are_final_seeds_are_named(tmp_path):
    found = semantic_problems(loaded_config(grid={"seeds": [4, 1000]}), tmp_path)
    assert found == ["config key grid.seeds: [4] also in train.seeds; a final run would repeat a search run "
                     "(the default search seeds are 1000, 1001, ...)"]


@pytest.mark.parametrize(
    "results_dir, data_dir, words",
    [
        ("", None, "config key results_dir: empty"),
        ("   ", None, "config key results_dir: empty"),
        ("/", None, "config key results_dir: '/' is the file-system root"),
        ("/..", None, "is the file-system root"),
        ("corpus", "corpus", "config key results_dir: 'corpus' is data_dir 'corpus'"),
        ("corpus/out", "corpus", "config key results_dir: 'corpus/out' is inside data_dir 'corpus'"),
        ("out", "", "config key data_dir: empty"),
    ],
)
def test_results_dir_problems_name_the_key(tmp_path, results_dir, data_dir, words):
    (tmp_path / "corpus").mkdir()
    found = semantic_problems(loaded_config(results_dir=results_dir, data_dir=data_dir), tmp_path)
    assert len(found) == 1 and words in found[0], found


def test_results_dir_next_to_the_corpus_or_holding_it_is_fine(tmp_path):
    (tmp_path / "corpus").mkdir()
    for results_dir in ("results", "corpus_results", ".", str(tmp_path / "results")):
        assert semantic_problems(loaded_config(results_dir=results_dir, data_dir="corpus"), tmp_path) == [], results_dir


def test_results_dir_reaching_into_the_corpus_through_a_link_is_caught(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "corpus")
    found = semantic_problems(loaded_config(results_dir="link/results", data_dir=str(tmp_path / "corpus")), tmp_path)
    assert len(found) == 1 and "is inside data_dir" in found[0], found


@pytest.mark.parametrize("fft_size, ok", [(64, False), (65, True), (2, False)])
def test_sweep_fft_size_must_exceed_the_longest_filter(tmp_path, fft_size, ok):
    found = semantic_problems(loaded_config(sweep={"filter_lengths": [2, 64], "fft_size": fft_size}), tmp_path)
    assert (found == []) == ok, found
    if not ok:
        assert found[0].startswith(f"config key sweep.fft_size: {fft_size} must exceed"), found


@pytest.mark.parametrize(
    "features, key",
    [
        ({"low_freq": 8000.0}, "features.low_freq"),
        ({"low_freq": 9000.0, "high_freq": 0.0}, "features.low_freq"),
        ({"high_freq": 8000.5}, "features.high_freq"),
        ({"high_freq": -8000.0}, "features.high_freq"),  # offset from Nyquist down to 0 Hz
        ({"low_freq": 4000.0, "high_freq": 4000.0}, "features.high_freq"),  # crossed
        ({"low_freq": 4000.0, "high_freq": -4500.0}, "features.high_freq"),  # 3500 Hz, below low_freq
        ({"sample_rate": 8000, "high_freq": 7000.0}, "features.high_freq"),  # Nyquist moves with the rate
        ({"num_mel_bins": 2}, "features.num_mel_bins"),
        ({"num_mel_bins": 127}, "features.num_mel_bins"),
        ({"frame_length_ms": 0.1}, "features.frame_length_ms"),
        ({"frame_shift_ms": 0.01}, "features.frame_shift_ms"),
    ],
)
def test_bad_filterbank_settings_name_their_key(tmp_path, features, key):
    found = semantic_problems(loaded_config(features=features), tmp_path)
    assert len(found) == 1 and found[0].startswith(f"config key {key}: "), found


@pytest.mark.parametrize(
    "features",
    [{"low_freq": 0.0}, {"high_freq": 8000.0}, {"high_freq": -400.0}, {"num_mel_bins": 126}, {"num_mel_bins": 3}],
)
def test_good_filterbank_settings_pass(tmp_path, features):
    assert semantic_problems(loaded_config(features=features), tmp_path) == []


@pytest.mark.parametrize(
    "sample_rate, frame_length_ms, low_freq, high_freq, most_bins",
    [(16000, 25.0, 20.0, 0.0, 200), (8000, 25.0, 0.0, -400.0, 200), (16000, 10.0, 100.0, 4000.0, 200),
     (44100, 25.0, 20.0, 0.0, 600)],
)
def test_mel_bin_check_agrees_with_kaldi_native_fbank(sample_rate, frame_length_ms, low_freq, high_freq, most_bins, tmp_path):
    """The load-time check accepts exactly the bin counts the extractor accepts: on a coarse grid
    from 3 up, and at every count around the first one the extractor refuses."""
    from longterm_emotion.data.features import compute_fbank

    silence = np.zeros(sample_rate // 50, dtype=np.float32)

    def verdicts(bins: int) -> tuple[bool, bool]:
        features = {"sample_rate": sample_rate, "frame_length_ms": frame_length_ms, "low_freq": low_freq,
                    "high_freq": high_freq, "num_mel_bins": bins}
        config = loaded_config(features=features)
        ours = not semantic_problems(config, tmp_path)
        try:
            compute_fbank(silence, config["features"])
            return ours, True
        except ValueError as error:
            assert "num_mel_bins too large" in str(error)
            return ours, False

    coarse = {bins: verdicts(bins) for bins in range(3, most_bins + 1, 10)}
    refused = [bins for bins, (_, theirs) in coarse.items() if not theirs]
    assert refused, "the grid must reach the limit"
    fine = {bins: verdicts(bins) for bins in range(refused[0] - 12, refused[0] + 3)}
    assert {b: v for b, v in {**coarse, **fine}.items() if v[0] != v[1]} == {}
    assert {theirs for _, theirs in fine.values()} == {True, False}


@pytest.mark.parametrize(
    "figure5, data_dir, words",
    [
        ({"start_s": 300.0}, None, "config key figure5.start_s: 300 s is past the end of the synthetic recordings"),
        ({"recording": "dev_10"}, None, "config key figure5.recording: 'dev_10' is not a synthetic dev recording (dev_1 ... dev_9)"),
        ({"recording": "train_1"}, None, "config key figure5.recording"),
        ({"start_s": 300.0, "recording": "dev_10"}, "corpus", None),  # a real corpus: lengths unknown at load
        ({"start_s": 299.0, "recording": "dev_9"}, None, None),
    ],
)
def test_figure5_segment_is_checked_against_the_synthetic_corpus(tmp_path, figure5, data_dir, words):
    (tmp_path / "corpus").mkdir()
    found = semantic_problems(loaded_config(figure5=figure5, data_dir=data_dir), tmp_path)
    assert found == [] if words is None else (len(found) == 1 and words in found[0]), found


def test_fill_missing_adds_only_absent_keys():
    defaults = {"a": 1, "b": {"c": 2, "d": [1, 2]}, "e": {"f": 3}}
    config = {"b": {"c": 5, "d": [9]}, "g": None}
    assert fill_missing(copy.deepcopy(config), defaults) == {"a": 1, "b": {"c": 5, "d": [9]}, "e": {"f": 3}, "g": None}


def test_feature_options_are_built_from_the_features_section():
    from longterm_emotion.settings import FeatureOptions

    section = default_config()["features"]
    options = FeatureOptions.from_config(section)
    assert options.to_config() == {k: section[k] for k in options.to_config()}
    assert options.label_rate == 25.0
    assert FeatureOptions.of(options) is options and FeatureOptions.of(section) == options
