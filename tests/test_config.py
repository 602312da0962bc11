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
        ("sweep", "runs", "ten", "sweep.runs: 'ten' is not of type 'integer'"),
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


def test_model_settings_are_checked_per_model_and_dimension():
    config = default_config()
    config["models"]["downup"]["valence"]["net"]["widht"] = 64
    assert problems(config, SCHEMA) == ["config key models.downup.valence.net: 'widht' was unexpected (unknown key)"]


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c.update(training=c.pop("compute")),
         "config key training: moved; set it as compute (device, gpus_per_job, threads)"),
        (lambda c: c["sweep"].update(lr=0.1), "config key sweep.lr: moved; set it as sweep.optim.lr"),
        (lambda c: c["train"].update(patience=3), "config key train.patience: moved; set it as train.protocol.patience"),
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
