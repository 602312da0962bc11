"""Shared fixtures: the config's feature settings, one small synthetic corpus with features, the
README's environment (requirements.txt alone), and the session's tiny run of the whole workflow
in it, with copies of its corpus in the AVEC 2016 release layout and as a manifest corpus."""

import os
import pickle
import struct
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile
import torch
import yaml
from filelock import FileLock
from scipy.io import wavfile
from scipy.signal import resample_poly

from longterm_emotion import constants
from longterm_emotion.data import corpus
from longterm_emotion.data import features
from longterm_emotion.data import synthetic

import readme_commands as readme
from shipped import CONFIG

ROOT = Path(__file__).resolve().parents[1]
DIMENSIONS = list(constants.DIMENSIONS)

# A small corpus shaped like the real release: train and dev labelled, test unlabelled.
SMALL_SYNTHETIC = {
    "seed": 11,
    "sample_rate": 16000,
    "duration_s": 30.0,
    "recordings": {"train": 2, "dev": 2, "test": 2},
    "test_labels": False,
    "label_rate": 25.0,
    "dynamics": CONFIG["synthetic"]["dynamics"],
}


@pytest.fixture(scope="session")
def features_cfg() -> dict:
    """The `features` section of config.yaml."""
    return yaml.safe_load((ROOT / "config.yaml").read_text())["features"]


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory, features_cfg):
    """{'corpus': corpus dir, 'features': features root with train/dev/test, 'cfg': synthetic section}."""
    root = tmp_path_factory.mktemp("small_corpus")
    synthetic.write_corpus(root / "corpus", SMALL_SYNTHETIC, workers=2)
    for partition in constants.PARTITIONS:
        features.extract_corpus_partition(root / "corpus", partition, DIMENSIONS, features_cfg, root / "features" / partition)
    return {"corpus": root / "corpus", "features": root / "features", "cfg": SMALL_SYNTHETIC}


@pytest.fixture
def deterministic_single_thread():
    """Deterministic kernels and one thread (tiny models only lose from threading); restored after."""
    previous = torch.are_deterministic_algorithms_enabled(), torch.get_num_threads()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    yield
    torch.use_deterministic_algorithms(previous[0])
    torch.set_num_threads(previous[1])


# ---- the README environment and the tiny run -------------------------------------------------


def write_wav_24bit(path: Path, rate: int, samples: np.ndarray) -> None:
    """24-bit PCM WAV (scipy cannot write it); samples float in [-1, 1), shape (n, channels)."""
    ints = np.clip(np.round(samples * 2**23), -(2**23), 2**23 - 1).astype("<i4")
    data = ints.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    channels = samples.shape[1]
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * channels * 3, channels * 3, 24)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def quote_instance_names(text: str, recording: str) -> str:
    """ARFF as some releases have it: quoted instance names, a comment line."""
    text = text.replace(f"\n{recording},", f"\n'{recording}',")
    return "% gold standard, AVEC 2016\n" + text


@dataclass
class Run:
    command: str
    returncode: int
    output: str  # stdout and stderr together

    def tail(self, lines: int = 80) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def shared(tmp_path_factory, name: str, build):
    """`build(folder)`'s result, made once per test run: with pytest-xdist's workers (the README's test
    command) the first worker to ask builds it under a lock in the run's common temp folder and the
    others reuse it; without workers it is an ordinary session value."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return build(tmp_path_factory.mktemp(name))
    root = tmp_path_factory.getbasetemp().parent
    folder, done = root / name, root / f"{name}.pickle"
    with FileLock(str(root / f"{name}.lock")):
        if done.is_file():
            return pickle.loads(done.read_bytes())
        folder.mkdir()
        value = build(folder)
        done.write_bytes(pickle.dumps(value))
        return value


@pytest.fixture(scope="session")
def readme_env(tmp_path_factory) -> Path:
    """A virtual environment made by the README's install alone (requirements.txt, no test packages).

    Built once at $README_VENV (.ci/run sets it to a fresh folder) or .venv-readme in the
    repository, and reused while the install steps, requirements.txt and pyproject.toml stay the
    same (tests/readme_commands.py build_env); the build's seconds are printed.
    """
    started = time.perf_counter()
    with FileLock(f"{readme.env_path()}.lock"):  # pytest-xdist workers build it once
        path = readme.build_env(readme.env_path(), log=tmp_path_factory.mktemp("readme_env") / "install.log")
    print(f"\nREADME environment {path}: ready in {time.perf_counter() - started:.0f} s")
    return path


def readme_run_command() -> str:
    """The README's command that runs the whole pipeline (the first step of kind tiny_run)."""
    return next(s.text for s in readme.readme_steps() if (k := readme.classify(s)) and k.how == "tiny_run")


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory, readme_env):
    """The whole DAG on the tiny synthetic config, once per session: the README's run command
    (`snakemake --cores all`) rewritten to tests/configs/tiny.yaml and a tmp results_dir, run from
    the repository root in the README's environment, as a user runs it."""
    def build(folder):
        results = folder / "results"
        command = readme.rewrite_snakemake(readme_run_command(), results, {})
        proc = readme.run_in_env(readme_env, command, timeout=1800)
        return results, Run(command, proc.returncode, proc.stdout)

    return shared(tmp_path_factory, "tiny", build)


@pytest.fixture(scope="session")
def tiny(tiny_run):
    """The results folder of the session's tiny run (the run must have succeeded). Tests that run jobs copy it."""
    results, result = tiny_run
    assert result.returncode == 0, result.tail()
    return results


@pytest.fixture(scope="session")
def real_shape_corpus(tiny, tmp_path_factory):
    """A corpus in the AVEC 2016 release layout built from the synthetic one: 44.1 kHz stereo
    audio (24-bit train, 16-bit dev/test), some ARFFs with quoted names, no test gold standard."""
    return shared(tmp_path_factory, "real", lambda folder: _release_layout_copy(tiny / "corpus", folder / "AVEC2016"))


def _release_layout_copy(source: Path, root: Path) -> Path:
    (root / "recordings_audio").mkdir(parents=True)
    for folder in ("features_audio", "recordings_video", "recordings_physio"):
        (root / folder).mkdir()
    for wav in sorted((source / "recordings_audio").glob("*.wav")):
        rate, data = wavfile.read(wav)
        assert data.dtype == np.int16 and data.ndim == 1
        x = resample_poly(data / 32768.0, 441, rate // 100)
        stereo = np.clip(np.stack([x, 0.9 * x], axis=1), -1.0, 1.0 - 2**-15)
        if wav.stem.startswith("train"):
            write_wav_24bit(root / "recordings_audio" / wav.name, 44100, stereo)
        else:
            wavfile.write(root / "recordings_audio" / wav.name, 44100, np.round(stereo * 32767).astype(np.int16))
    for folder in ("ratings_gold_standard", "ratings_individual", "ratings_individual_centred"):
        for path in sorted((source / folder).glob("*/*")):
            if path.stem.startswith("test") and folder == "ratings_gold_standard":
                continue  # the public release has no test gold standard
            target = root / folder / path.parent.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            text = path.read_text()
            if path.suffix == ".arff" and path.stem in ("train_1", "dev_2"):
                text = quote_instance_names(text, path.stem)
            target.write_text(text)
    return root


@pytest.fixture(scope="session")
def manifest_corpus(tiny, tmp_path_factory):
    """The tiny corpus's train and dev recordings as FLAC files with CSV labels at 12.5 Hz (every second gold
    row), listed in a manifest one folder up from the files (relative paths), without a test partition, plus a
    dev recording dev_3 that is train_1's audio and labels again (leakage, which the run warns about)."""
    return shared(tmp_path_factory, "manifest", lambda root: _manifest_copy(tiny, root))


def _manifest_copy(tiny: Path, root: Path) -> Path:
    rows = ["partition,recording,audio,arousal,valence"]
    for partition in ("train", "dev"):
        for wav in sorted((tiny / "corpus" / "recordings_audio").glob(f"{partition}_*.wav")):
            rate, data = wavfile.read(wav)
            audio = root / "data" / "audio" / f"{wav.stem}.flac"
            audio.parent.mkdir(parents=True, exist_ok=True)
            soundfile.write(audio, data, rate, subtype="PCM_16")
            cells = []
            for dimension in ("arousal", "valence"):
                times, values = corpus.read_gold_standard(
                    corpus.gold_standard_path(tiny / "corpus", dimension, wav.stem))
                label = root / "data" / "labels" / f"{wav.stem}_{dimension}.csv"
                label.parent.mkdir(parents=True, exist_ok=True)
                label.write_text("time,value\n" + "".join(f"{t:.2f},{v:.6f}\n" for t, v in zip(times[::2], values[::2])))
                cells.append(f"data/labels/{label.name}")
            rows.append(f"{partition},{wav.stem},data/audio/{audio.name},{cells[0]},{cells[1]}")
    rows.append("dev,dev_3," + rows[1].split(",", 2)[2])
    manifest = root / "corpus.csv"
    manifest.write_text("\n".join(rows) + "\n")
    return manifest


def pytest_collection_modifyitems(session, config, items):
    """The SLURM test first: it mostly waits on the scheduler, so on 2 pytest-xdist workers it overlaps the
    CPU-bound tests instead of running alone at the end."""
    items.sort(key=lambda item: not item.nodeid.startswith("tests/test_slurm.py::test_pipeline_on_slurm_cluster"))
