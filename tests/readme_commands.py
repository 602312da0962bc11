"""The README's shell commands, as documentation to test (used by tests/test_readme.py and conftest.py).

Every command the README shows -- each line of a fenced ```bash block, and each inline code
span that starts with a program (`snakemake ...`, `python ...`) -- is split at `&&` into steps,
and every step is classified by the first line of KINDS whose pattern matches it in full. A step
that matches no line makes tests/test_readme.py fail, so a new README command is never silently
untested: add ONE line to KINDS saying how it is tested here, or why it cannot run here.

How a kind is tested (`how`):
  env        a step of the README's install: the README environment (built from requirements.txt
             alone, by `build_env`) is made by running exactly these steps;
  tiny_run   the whole pipeline: the session's tiny run (conftest.py `tiny_run`) is this command,
             rewritten to the tiny config, run in the README environment;
  snakemake  run in the README environment, rewritten to the tiny config and the tiny run's
             results (`--configfile tests/configs/tiny.yaml`, `--config results_dir=...`);
  dry_run    the same with `-n` added, on an empty results folder;
  command    any other command, run in the README environment with `subs` applied (e.g. extra
             arguments that make a benchmark small);
  elsewhere  cannot run inside this test; `reason` says why and what covers it instead.
`subs` maps README text to its stand-in here; in the stand-in, {tiny} is the tiny run's results
folder, {release} a copy of the tiny corpus in the AVEC 2016 release layout, {manifest} a manifest of
the tiny corpus (FLAC, labels at 12.5 Hz, no test partition), {tmp} a fresh folder.
For example, a README line `longterm-emotion predict results/train/dilated/arousal --audio
/data/AVEC2016/recordings_audio/dev_1.wav` needs the line
    Kind("predict", r"longterm-emotion predict .*", "command",
         subs={"results/": "{tiny}/", "/data/AVEC2016": "{release}"}),
and a `snakemake -n --configfile config/paper.yaml` needs none (the kind "dry run" matches it).

This module needs only the standard library.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
TINY = REPO / "tests" / "configs" / "tiny.yaml"
# An inline code span is a command when its first word is one of these, or a path to a .sh script
# (a .py file is run by `python ...`; a bare `tests/x.py` is a file named in prose).
PROGRAMS = {"snakemake", "python", "python3", "pip", "pip3", "time", "bash", "sh", "conda", "mamba",
            "longterm-emotion", "apt-get", "git", "pytest", "snakefmt", "pgrep", "kill", "ps", "squeue",
            "scancel", "cd"}


@dataclass(frozen=True)
class Kind:
    name: str
    pattern: str  # regular expression matching a whole step (after normalisation by shlex)
    how: str  # env | tiny_run | snakemake | dry_run | command | elsewhere
    reason: str = ""  # for `elsewhere`: why not here, and what covers it
    subs: dict = field(default_factory=dict)  # README text -> stand-in here


SM = r"(?:time )?snakemake"  # `time snakemake ...` is the same command, timed
KINDS = [
    # -- the install (builds the README environment) and the test command (CI runs it verbatim)
    Kind("make venv", r"python3 -m venv \.venv", "env"),
    Kind("activate venv", r"\. \.venv/bin/activate", "env"),
    Kind("install", r"pip install -r requirements\.txt -e \.", "env"),
    Kind("install for tests", r"pip install -r requirements\.txt -r requirements-test\.txt -e \.", "elsewhere",
         "the README's test command: .ci/run runs it verbatim in a fresh virtual environment"),
    Kind("ci", r"bash \.ci/run", "elsewhere",
         "CI itself: it runs the README's test command (this test among them) in a fresh virtual environment"),
    Kind("test suite", r"python -m pytest(?: -n 2 --dist loadfile)?", "elsewhere",
         "the test suite itself (this test is part of it): .ci/run runs the README's test command"),
    Kind("slurm test", r"tests/slurm/run_slurm_test\.sh", "elsewhere",
         "starts a one-node SLURM cluster as root: tests/test_slurm.py runs it where root and SLURM or apt-get exist"),
    Kind("format check", r"snakefmt --check Snakefile workflow", "elsewhere",
         "a step of the README's test command (snakefmt is a test requirement): .ci/run runs it verbatim"),
    Kind("torch pin", r"pip install torch==2\.13\.0", "elsewhere",
         "the README's install installs this pin from requirements.txt (test_readme checks every pin is installed)"),
    Kind("cpu torch wheel", r"pip install torch==2\.13\.0 --index-url https://download\.pytorch\.org/whl/cpu", "elsewhere",
         "needs the PyTorch download server, which this machine cannot reach (PyPI only); the version is the pin "
         "the README's install installs"),
    # -- the pipeline
    Kind("another folder", r"(?:cd '~/experiment'|snakemake -s /path/to/repo/Snakefile .*)", "elsewhere",
         "paths of the user's machine: tests/test_data_integrity.py runs the workflow with -s from another folder, "
         "with --directory, and as a module"),
    Kind("run", rf"{SM} --cores all(?: --config results_dir=\S+)?", "tiny_run"),
    Kind("conda run", rf"{SM} .*--use-conda.*", "elsewhere",
         "conda is not installed here (snakemake runs `conda info` even for a dry run); "
         "tests/test_envs.py checks that each rule's envs/*.yaml lists what its script imports"),
    Kind("real corpus", rf"{SM} .*data_dir=/data/AVEC2016.*", "dry_run",
         "the licensed RECOLA release is not here: dry run on a copy of the tiny corpus in the release layout "
         "(tests/test_workflow.py::test_real_release_layout runs features and label study on it)",
         subs={"/data/AVEC2016": "{release}"}),
    Kind("cluster", rf"{SM} --workflow-profile profiles/slurm.*", "dry_run",
         "no SLURM cluster in this test: dry run through profiles/slurm (tests/test_slurm.py runs the tiny "
         "config on a one-node cluster where root and SLURM or apt-get exist)"),
    Kind("paper scale", rf"{SM} -n --configfile config\.yaml config/paper\.yaml", "elsewhere",
         "tests/test_search.py runs this dry run as written (the tiny config would override its grid) and counts "
         "its 144 grid-point jobs"),
    Kind("dry run", rf"{SM} (?:.* )?(?:-n|--dry-run|--dryrun)(?: .*)?", "dry_run"),
    Kind("manifest corpus", rf"{SM} --cores all --config manifest=/path/to/corpus\.csv results_dir=results-mycorpus",
         "dry_run", "a corpus of the user's: dry run with a manifest of the tiny corpus; "
         "tests/test_matrix.py::test_manifest_runs_all_without_a_test_partition runs the whole DAG on it",
         subs={"/path/to/corpus.csv": "{manifest}"}),
    Kind("control corpus", rf"{SM} --cores all --configfile config/control_fast\.yaml --config results_dir=results-control",
         "dry_run", "the whole pipeline on the control corpus (as long as the default run): dry run; "
         "tests/test_control.py checks the control corpus's effect on context length and label spectrum"),
    Kind("control sweep", rf"{SM} --cores all sweep label_study --configfile config/control_(?:slow_nolag|fast_lag)\.yaml "
         r"--config results_dir=results-(?:slow-nolag|fast-lag)", "dry_run",
         "the sweep on a control corpus (as long as the default run's sweep): dry run; tests/test_control.py "
         "checks the control corpora's effect on context length and label spectrum"),
    Kind("robustness", rf"{SM} --cores (?:all|2) robustness(?: --config results_dir=results-mycorpus)?", "dry_run",
         "the target on the default run (minutes): dry run; tests/test_robustness.py runs it on the tiny run"),
    Kind("ssl checkpoint tool", r"pip install huggingface_hub", "elsewhere",
         "installs the download tool on a machine with internet; the pipeline never downloads"),
    Kind("ssl checkpoint", r"hf download \S+ --local-dir checkpoints/\S+", "elsewhere",
         "needs internet; tests/ssl_checkpoints.py builds tiny random checkpoints of each family instead"),
    Kind("ssl run", rf"{SM} --cores all --config .*checkpoints/wav2vec2-base.* results_dir=results-ssl", "elsewhere",
         "needs a downloaded checkpoint; tests/test_ssl_workflow.py runs the same settings through Snakemake with "
         "a random one"),
    Kind("ssl bench", r"python bench/ssl_extraction\.py", "elsewhere",
         "minutes of CPU; its committed output is quoted in the README (tests/test_ssl_workflow.py checks the quote)"),
    Kind("transformer", rf"{SM} --cores all --configfile config/transformer\.yaml", "dry_run",
         "the default run plus the Transformer (hours on a CPU): dry run; tests/test_ssl_workflow.py trains it"),
    Kind("ablations", rf"{SM} --cores all ablations", "dry_run",
         "the target after a default run (about as long as the search): dry run; tests/test_ablations.py runs it "
         "on the tiny run"),
    Kind("report", rf"{SM} --report results/report\.html", "snakemake"),
    Kind("lint", rf"{SM} --lint", "snakemake"),
    Kind("unlock", rf"{SM} --unlock", "snakemake"),
    Kind("changes", rf"{SM} (?:--list-changes input|--summary)", "snakemake"),
    Kind("list orphaned jobs", r"pgrep -af '\$PWD/\.snakemake/scripts/'", "elsewhere",
         "lists the jobs a killed run left behind; here there are none, and pgrep exits 1 when nothing matches"),
    Kind("stop orphaned jobs", r"pgrep -f '\$PWD/\.snakemake/scripts/' \| xargs -r kill", "elsewhere",
         "stops every job started from this folder, here the test suite's own; tests/test_workflow.py "
         "kills a run and checks the rerun after --unlock"),
    Kind("process group", r"(?:kill -- -PGID|ps -o pgid= -p PID)", "elsewhere",
         "placeholders for a running snakemake's process group; tests/test_workflow.py kills a process group"),
    Kind("slurm jobs", r"(?:squeue --me -O JobID,Name,Comment|scancel JOBID)", "elsewhere",
         "needs a SLURM cluster; tests/test_slurm.py runs one where root and SLURM or apt-get exist"),
    Kind("named target", rf"{SM} (?:corpus|features|label_study|sweep|train|tables|figures)", "snakemake"),
    Kind("egemaps networks", rf"{SM} train --cores all --config 'features={{\"frontend\": \"egemaps\"}}' results_dir=results-egemaps",
         "dry_run", "trains the networks on eGeMAPS (minutes): dry run on an empty folder"),
    # -- prediction for any audio
    Kind("predict", r"longterm-emotion predict --models results --out preds interview\.wav 'more/\*\.flac'", "command",
         subs={"--models results": "--models {tiny}", "--out preds": "--out {tmp}/preds",
               "interview.wav": "{tiny}/corpus/recordings_audio/test_1.wav",
               "'more/*.flac'": "{tiny}/corpus/recordings_audio/dev_1.wav"}),
    Kind("predict a folder", rf"{SM} predict --cores all --config predict_audio=/path/to/audio", "dry_run",
         "a folder of the user's: dry run with the tiny corpus's audio folder (tests/test_predict.py runs the target)",
         subs={"/path/to/audio": "{tiny}/corpus/recordings_audio"}),
    Kind("predict in prose", r"longterm-emotion predict", "elsewhere", "the command above, named in prose"),
    # -- benchmarks, made small
    Kind("corpus benchmark", r"python bench/corpus_features\.py", "command",
         subs={"bench/corpus_features.py": "bench/corpus_features.py --duration 3 --per-partition 1 --workers 1"}),
    Kind("prediction benchmark", r"python bench/predict\.py", "command",
         subs={"bench/predict.py": "bench/predict.py --minutes 0.2 --models {tiny} --modes stream"}),
    Kind("egemaps benchmark", r"python bench/egemaps\.py", "command",
         subs={"bench/egemaps.py": "bench/egemaps.py --duration 10 --recordings 1 --svr-subsets 200"}),
    Kind("calibration benchmark", r"python bench/calibration\.py", "command",
         subs={"bench/calibration.py": "bench/calibration.py --nulls 20 --alternatives 10 --frames 300"}),
    Kind("bootstrap benchmark", r"python bench/bootstrap\.py", "command",
         subs={"bench/bootstrap.py": "bench/bootstrap.py --frames 500 --resamples 200"}),
    Kind("timing benchmark", r"python bench/training_time\.py", "command",
         subs={"bench/training_time.py": "bench/training_time.py --results {tiny} --epochs 1"}),
    Kind("patience replay", r"python bench/patience_replay\.py --results results-p10", "command",
         subs={"--results results-p10": "--results {tiny}"}),
    Kind("lr scaling benchmark", r"python bench/sweep_lr_scaling\.py", "command",
         subs={"bench/sweep_lr_scaling.py": "bench/sweep_lr_scaling.py --results {tiny} --lengths 2 --max-epochs 2 --seeds 0 1"}),
    Kind("job time benchmark", r"python bench/job_time\.py", "command",
         subs={"bench/job_time.py": "bench/job_time.py --results {tiny}"}),
    Kind("search cost benchmark", r"python bench/search_cost\.py", "command",
         subs={"bench/search_cost.py": "bench/search_cost.py --results {tiny} --limit 1"}),
    Kind("training benchmark", r"python bench/training_epochs\.py", "command",
         subs={"bench/training_epochs.py": "bench/training_epochs.py --results {tiny}"}),
    Kind("BLSTM members benchmark", r"python bench/blstm_members\.py", "command",
         subs={"bench/blstm_members.py": "bench/blstm_members.py --recordings 1 --frames 200 --epochs 1"}),
    Kind("workflow start benchmark", r"python bench/workflow_start\.py", "command",
         subs={"bench/workflow_start.py": "bench/workflow_start.py --repeats 1"}),
    Kind("benchmark output recipe", r"python '?bench/<name>\.py'? '?>'? '?bench/results/<name>\.txt'?", "elsewhere",
         "the recipe of every committed benchmark output: each benchmark runs small as its own kind here"),
    Kind("benchmark quotes", r"python bench/quote\.py", "command",
         subs={"bench/quote.py": "bench/quote.py --check"}),
    Kind("roofline benchmark", r"python bench/roofline\.py", "command",
         subs={"bench/roofline.py": "bench/roofline.py --quick"}),
    Kind("roofline on a GPU", r"python bench/roofline\.py --device cuda", "elsewhere",
         "no GPU here: the same script runs on the CPU as the roofline benchmark (tests/test_roofline.py runs it "
         "small); --device cuda only moves the tensors and synchronises the GPU around every timed interval"),
]


# ---- configurations the README describes in prose ------------------------------------------
# Every inline code span of the README that names a config file (`config/x.yaml`) or sets a config key
# (`section.key: value`, `key=value`) is a way of running the pipeline; each must match one line here,
# saying which end-to-end run covers it (a test of tests/, by file::function) or why none can.


@dataclass(frozen=True)
class Configuration:
    pattern: str  # regular expression matching the whole span
    covered_by: str = ""  # tests/<file>.py::<test function>
    reason: str = ""  # when no run covers it


CONFIGURATIONS = [
    Configuration(r"data_dir: null", "tests/test_workflow.py::test_full_run_writes_every_artefact"),
    Configuration(r"synthetic\.test_labels: (?:true|false)", "tests/test_workflow.py::test_full_run_writes_every_artefact",
                  "true is the tiny run; false gives unlabelled test recordings, the shape of the AVEC-layout run "
                  "(tests/test_matrix.py::test_release_layout_runs_all)"),
    Configuration(r"features\.frontend: egemaps", "tests/test_matrix.py::test_egemaps_bundles_predict_the_pipelines_numbers"),
    Configuration(r"compute\.threads: 1", "tests/test_workflow.py::test_full_run_writes_every_artefact",
                  "the default; the tiny run uses it"),
    Configuration(r"robustness\.in_results: (?:true|false)", "tests/test_robustness.py::test_snakemake_robustness_target",
                  "true is the default and the tiny run's path; false leaves the robustness files out of the results "
                  "section's inputs (tests/test_layout.py::test_results_section_shows_robustness_only_when_asked)"),
    Configuration(r"compute\.device: auto", "tests/test_workflow.py::test_full_run_writes_every_artefact"),
    Configuration(r"evidence\.control_sweeps: .*",
                  "tests/test_workflow.py::test_naming_control_runs_adds_figure1_of_every_corpus_and_reruns_only_the_claims_and_the_section"),
    Configuration(r"config/recola\.yaml", "tests/test_matrix.py::test_every_config_file_plans",
                  "the licensed release is not here: planned on a release-shaped corpus; that corpus's full run is "
                  "tests/test_matrix.py::test_release_layout_runs_all"),
    Configuration(r"config/control_fast\.yaml", "tests/test_matrix.py::test_every_config_file_plans",
                  "a full default-size run (20 min): planned; tests/test_control.py checks the corpus it makes"),
    Configuration(r"config/control_(?:slow_nolag|fast_lag)\.yaml", "tests/test_control.py::"
                  "test_control_corpora_vary_the_lag_and_the_dynamics_one_at_a_time",
                  "their corpora measured with the ridge proxy; tests/test_matrix.py::test_every_config_file_plans "
                  "plans each"),
    Configuration(r"claims\.margin: .*", "tests/test_claims.py::test_not_worse_and_smoother_and_dev_is_flagged",
                  "the margin of the scorecard's not_worse rows; the tiny run uses the default"),
    Configuration(r"config/paper\.yaml", "tests/test_search.py::test_the_paper_scale_search_dry_runs_as_the_readme_shows",
                  "about 7 core-hours of search: planned (its 144 grid-point jobs counted)"),
    Configuration(r"features\.ssl\.device: auto", "tests/test_ssl_workflow.py::test_transformer_on_ssl_features_is_bundled_and_predicts_the_pipelines_numbers",
                  "no GPU here: the test sets device cpu, auto resolves to it (tests/test_ssl.py)"),
    Configuration(r"config/transformer\.yaml", "tests/test_matrix.py::test_every_config_file_plans",
                  "hours of CPU on the built-in corpus: planned; the Transformer trains through Snakemake in "
                  "tests/test_ssl_workflow.py"),
    Configuration(r"claims\.equivalence_margin: .*", "tests/test_ablations.py::test_snakemake_ablations_target"),
    Configuration(r"plugins: \[energy\.py\]", "tests/test_plugins.py::test_plugin_network_and_front_end_run_the_whole_pipeline"),
    Configuration(r"features: \{frontend: energy, .*\}", "tests/test_plugins.py::test_plugin_network_and_front_end_run_the_whole_pipeline"),
    Configuration(r"config/gpu\.yaml", "tests/test_matrix.py::test_every_config_file_plans",
                  "no GPU here: planned, and every training job asks for a GPU (test_readme check_cluster)"),
]


def readme_configurations(text: str | None = None) -> list[tuple[int, str]]:
    """(line, span) of every inline code span of the README's prose that names a config file or sets a config key."""
    text = README.read_text() if text is None else text
    prose = re.sub(r"^```.*?^```", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.M | re.S)
    top = _top_level_keys()
    found = []
    for match in re.finditer(r"(?<!`)`([^`]+)`(?!`)", prose):
        span = " ".join(match.group(1).split())
        setting = re.fullmatch(r"([a-z_]+)(?:\.[a-z_]+)*(?:: |=)\S.*", span)
        if re.fullmatch(r"config/[\w.-]+\.yaml", span) or (setting and setting.group(1) in top):
            found.append((prose.count("\n", 0, match.start()) + 1, span))
    return found


def _top_level_keys() -> set[str]:
    keys = set()
    for line in (REPO / "config.yaml").read_text().splitlines():
        match = re.match(r"^([a-z_]+):", line)
        if match:
            keys.add(match.group(1))
    return keys


def configuration_of(span: str) -> Configuration | None:
    return next((c for c in CONFIGURATIONS if re.fullmatch(c.pattern, span)), None)


# ---- extraction -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    text: str  # one command of a `&&` chain, normalised by shlex (comments, continuations removed)
    line: int  # line of the README it is on
    chain: tuple[str, ...]  # every step of its chain, in order
    where: str  # "bash block" or "inline"

    def __str__(self) -> str:
        return f"README.md line {self.line} ({self.where}): {self.text}"


PIPE = "\x00pipe\x00"


def _split_chain(command: str) -> list[str]:
    """`a && b` -> ['a', 'b'], each normalised by shlex (quotes kept where needed)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    steps, words = [], []
    for token in lexer:
        if token in {"&&", ";"}:
            steps.append(shlex.join(words))
            words = []
        elif token == "|":  # a pipeline is one step
            words.append(PIPE)
        elif token in {"||", "&"}:
            raise ValueError(f"README command with {token!r} is not supported by tests/readme_commands.py: {command}")
        else:
            words.append(token)
    if words:
        steps.append(shlex.join(words))
    return [step.replace(shlex.quote(PIPE), "|") for step in steps]


def bash_block_commands(text: str) -> list[tuple[int, str]]:
    """(line, command) of every command in the fenced ```bash blocks (line continuations joined)."""
    found, in_block, pending, start = [], False, "", 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("```"):
            in_block = not in_block and stripped[3:].strip() in {"bash", "sh", "shell", "console"}
            continue
        if not in_block:
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        command, pending = (pending + stripped).strip(), ""
        if command and not command.startswith("#"):
            found.append((start, command))
    return found


def inline_commands(text: str) -> list[tuple[int, str]]:
    """(line, command) of every inline code span outside fenced blocks that starts with a program."""
    found = []
    prose = re.sub(r"^```.*?^```", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.M | re.S)
    for match in re.finditer(r"(?<!`)`([^`]+)`(?!`)", prose):
        span = " ".join(match.group(1).split())
        first = span.split(" ", 1)[0]
        if first in PROGRAMS or re.fullmatch(r"(?:\./|[\w.-]+/)[\w./-]*\.sh", first):
            found.append((prose.count("\n", 0, match.start()) + 1, span))
    return found


def readme_steps(text: str | None = None) -> list[Step]:
    """Every step of every README command, in README order."""
    text = README.read_text() if text is None else text
    steps = []
    for where, commands in (("bash block", bash_block_commands(text)), ("inline", inline_commands(text))):
        for line, command in commands:
            chain = tuple(_split_chain(command))
            steps += [Step(step, line, chain, where) for step in chain]
    return sorted(steps, key=lambda s: s.line)


def classify(step: Step | str) -> Kind | None:
    """The first kind whose pattern matches the whole step, or None."""
    text = step.text if isinstance(step, Step) else step
    return next((kind for kind in KINDS if re.fullmatch(kind.pattern, text)), None)


def readme_test_command(text: str | None = None) -> str:
    """The README's test command: the fenced block between the test-command markers (as .ci/run reads it)."""
    text = README.read_text() if text is None else text
    section = re.search(r"<!-- test-command -->(.*?)<!-- /test-command -->", text, re.S)
    block = re.search(r"^```\w*\n(.*?)^```", section.group(1), re.M | re.S) if section else None
    return block.group(1).strip() if block else ""


# ---- rewriting to the tiny config ----------------------------------------------------------


def substitute(text: str, subs: dict, **places) -> str:
    for old, new in subs.items():
        text = text.replace(old, new.format(**places))
    return text


def _add_values(words: list[str], option: str, values: list[str], drop=lambda value: False) -> list[str]:
    """Append values to an option that takes several (--configfile, --config), merging with the README's."""
    if option not in words:
        return words + [option, *values]
    start = words.index(option) + 1
    end = start
    while end < len(words) and not words[end].startswith("-"):
        end += 1
    kept = [value for value in words[start:end] if not drop(value)]
    return words[:start] + kept + values + words[end:]


def rewrite_snakemake(step: str, results_dir: Path, subs: dict, dry_run: bool = False, **places) -> str:
    """A README snakemake command on the tiny config with its outputs below results_dir."""
    words = shlex.split(substitute(step, subs, **places))
    words = [f"{results_dir}/{w[len('results/'):]}" if w.startswith("results/") else w for w in words]
    words = _add_values(words, "--configfile", [str(TINY)])
    words = _add_values(words, "--config", [f"results_dir={results_dir}"], drop=lambda v: v.startswith("results_dir="))
    if dry_run and not {"-n", "--dry-run", "--dryrun"} & set(words):
        words.append("-n")
    return shlex.join(words)


# ---- the README environment: requirements.txt alone ---------------------------------------


def install_steps(steps: list[Step] | None = None) -> list[str]:
    """The README's install: the steps of the chain that has an `install` step, up to that step."""
    for step in readme_steps() if steps is None else steps:
        kind = classify(step)
        if kind and kind.name == "install":
            chain = list(step.chain)
            return chain[: chain.index(step.text) + 1]
    raise LookupError("README.md shows no install command (pip install -r requirements.txt -e .)")


def _stamp(steps: list[str]) -> dict:
    digest = {name: hashlib.sha256((REPO / name).read_bytes()).hexdigest() for name in ("requirements.txt", "pyproject.toml")}
    return {"steps": steps, "repo": str(REPO), **digest}


def clean_environ() -> dict:
    """os.environ as a user's shell has it: no PYTHONPATH, no active virtual environment of this test run."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    ours = str(Path(sys.prefix) / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p and p != ours)
    return env


def build_env(path: Path, log=None) -> Path:
    """Run the README's install steps with `.venv` replaced by `path`, unless `path` holds that build already.

    The stamp (path/readme-install.json) records the steps, this repository and the hashes of
    requirements.txt and pyproject.toml; any change rebuilds the environment from scratch.
    """
    path = Path(path).resolve()
    steps = install_steps()
    stamp = _stamp(steps)
    stamp_file = path / "readme-install.json"
    if stamp_file.is_file() and json.loads(stamp_file.read_text()) == stamp:
        return path
    shutil.rmtree(path, ignore_errors=True)
    local = [re.sub(r"(?<![\w/])\.venv(?=/|$| )", str(path), step) for step in steps]
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", " && ".join(local)], cwd=REPO, env=clean_environ(),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if log is not None:
        Path(log).write_text(proc.stdout)
    if proc.returncode != 0:
        raise RuntimeError(f"the README's install failed ({' && '.join(local)}):\n" + "\n".join(proc.stdout.splitlines()[-30:]))
    stamp_file.write_text(json.dumps(stamp, indent=1))
    return path


def env_path() -> Path:
    """Where the README environment lives: $README_VENV, or .venv-readme in the repository."""
    return Path(os.environ.get("README_VENV") or REPO / ".venv-readme")


def run_in_env(env: Path, command: str, cwd: Path = REPO, timeout: float = 900) -> subprocess.CompletedProcess:
    """`. env/bin/activate && command` in bash, as a user of the README runs it (stdout and stderr together); a single
    snakemake command that lost the lock-folder race (snakemake_runner.LOCK_RACE) runs once more."""
    from snakemake_runner import run_retrying_lock_race

    def run():
        return subprocess.run(["bash", "-c", f". {shlex.quote(str(env))}/bin/activate && {command}"], cwd=cwd,
                              env=clean_environ(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=timeout)

    single_snakemake = command.startswith("snakemake ") and not re.search(r"&&|;|\|", command)
    return run_retrying_lock_race(run) if single_snakemake else run()


if __name__ == "__main__":  # python tests/readme_commands.py: list the README's commands and their kinds
    for s in readme_steps():
        k = classify(s)
        print(f"{s.line:4d}  {k.name if k else 'UNCLASSIFIED':18s}  {k.how if k else '-':10s}  {s.text}")
