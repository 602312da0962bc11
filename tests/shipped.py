"""config.yaml, the one place of every default, as the tests read it."""

from pathlib import Path

import yaml

from longterm_emotion.settings import Dynamics

CONFIG = yaml.safe_load((Path(__file__).resolve().parents[1] / "config.yaml").read_text())
DYNAMICS = Dynamics.from_config(CONFIG["synthetic"]["dynamics"])  # the built-in corpus's time scales
