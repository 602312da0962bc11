"""The README as documentation: every command it shows runs after the README's install, or is
listed with the reason it cannot run here.

tests/readme_commands.py extracts the commands (fenced bash blocks and inline `snakemake ...`,
`python ...` spans), splits `&&` chains into steps and classifies each step by its table KINDS;
a step that matches no line fails test_every_readme_command_has_a_kind (add one line to KINDS).
Runnable steps run in the README environment (conftest.py `readme_env`: a virtual environment
built by the README's install alone, no test packages), on the tiny config, below pytest tmp
folders; the whole-pipeline command is the session's tiny run (conftest.py `tiny_run`), whose
results the report, named-target, unlock and benchmark commands reuse. Steps that cannot run here
are skipped with their reason, so `pytest -ra` lists them.
"""

from __future__ import annotations

import json
import re
import shlex
from collections import Counter
from pathlib import Path

import pytest
import yaml

import readme_commands as readme

STEPS = readme.readme_steps()
RUNNABLE = [s for s in STEPS if readme.classify(s) is not None]


def step_id(step: readme.Step) -> str:
    return f"L{step.line}:{step.text[:60]}"


def dry_run_jobs(output: str) -> list[tuple[str, str]]:
    """(rule, resources line) of every job a dry run lists."""
    jobs = []
    for block in re.split(r"\n(?=\[[^\]]+\]\n)", output):
        rule = re.search(r"^(?:local)?rule (\w+):", block, re.M)
        if rule:
            resources = re.search(r"^\s+resources: (.*)$", block, re.M)
            jobs.append((rule.group(1), resources.group(1) if resources else ""))
    return jobs


# ---- the table covers the README, and only the README ---------------------------------------


def test_every_readme_command_has_a_kind():
    missing = [str(s) for s in STEPS if readme.classify(s) is None]
    assert not missing, ("README commands that match no line of KINDS in tests/readme_commands.py; add one "
                         "saying how each is tested or why it cannot run here:\n" + "\n".join(missing))


def test_every_kind_matches_a_readme_command():
    used = {readme.classify(s).name for s in RUNNABLE}
    stale = [k.name for k in readme.KINDS if k.name not in used]
    assert not stale, f"lines of KINDS that match no README command (remove them): {stale}"


def test_every_configuration_in_the_prose_is_covered_or_says_why_not():
    """Each config file or setting the README's prose names maps to an end-to-end test that exists, or a reason."""
    spans = readme.readme_configurations()
    assert spans, "the README names no configurations: the extraction is broken"
    missing = [f"README.md line {line}: `{span}`" for line, span in spans if readme.configuration_of(span) is None]
    assert not missing, ("configurations the README describes that no line of CONFIGURATIONS in "
                         "tests/readme_commands.py covers:\n" + "\n".join(missing))
    used = {readme.configuration_of(span).pattern for _, span in spans}
    assert not [c.pattern for c in readme.CONFIGURATIONS if c.pattern not in used], "stale CONFIGURATIONS lines"
    for configuration in readme.CONFIGURATIONS:
        assert configuration.covered_by or configuration.reason, configuration
        if configuration.covered_by:
            path, _, name = configuration.covered_by.partition("::")
            assert re.search(rf"^def {re.escape(name)}\(", (readme.REPO / path).read_text(), re.M), configuration


def test_extraction_finds_blocks_inline_spans_and_chains():
    text = ("Run `snakemake -n` or `features.py` (a file, not a command).\n\n"
            "```bash\n# a comment\nsnakemake --report \\\n  results/report.html   # trailing comment\n"
            "python3 -m venv .venv && . .venv/bin/activate\n```\n\n```yaml\nsnakemake: not a command\n```\n")
    steps = readme.readme_steps(text)
    assert [(s.line, s.text, s.where) for s in steps] == [
        (1, "snakemake -n", "inline"),
        (5, "snakemake --report results/report.html", "bash block"),
        (7, "python3 -m venv .venv", "bash block"),
        (7, ". .venv/bin/activate", "bash block"),
    ]
    assert steps[2].chain == ("python3 -m venv .venv", ". .venv/bin/activate")
    assert readme.classify("snakemake --frobnicate") is None
    assert readme.classify("snakemake -n --configfile config/paper.yaml").name == "dry run"


def test_rewrite_merges_configfiles_and_config_and_moves_results():
    step = "snakemake --cores all --configfile config/recola.yaml --config data_dir=/data/AVEC2016 results_dir=/tmp/x"
    words = shlex.split(readme.rewrite_snakemake(step, Path("/r"), {"/data/AVEC2016": "{release}"}, release="/c"))
    assert words == ["snakemake", "--cores", "all", "--configfile", "config/recola.yaml", str(readme.TINY),
                     "--config", "data_dir=/c", "results_dir=/r"]
    words = shlex.split(readme.rewrite_snakemake("snakemake --report results/report.html", Path("/r"), {}, dry_run=True))
    assert words[:3] == ["snakemake", "--report", "/r/report.html"] and words[-1] == "-n"


def test_readme_test_command_is_the_one_ci_runs():
    command = readme.readme_test_command()
    kinds = [readme.classify(step).name for step in readme._split_chain(command)]
    assert kinds[-4:] == ["install for tests", "format check", "lint", "test suite"], kinds
    assert "<!-- test-command -->" in (readme.REPO / ".ci" / "run").read_text()


# ---- the install --------------------------------------------------------------------------


def test_install_is_requirements_alone_and_pinned(readme_env):
    stamp = json.loads((readme_env / "readme-install.json").read_text())
    assert stamp["steps"] == readme.install_steps()
    proc = readme.run_in_env(readme_env, "pip freeze --exclude-editable && python -c "
                             "'import importlib.util as u; print([m for m in (\"pytest\", \"lhotse\") if u.find_spec(m)])'")
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.rstrip().endswith("[]"), "test packages leaked into the README environment:\n" + proc.stdout
    installed = {re.split(r"[=+]", line)[0].lower().replace("_", "-"): line.split("==")[1].split("+")[0]
                 for line in proc.stdout.splitlines() if "==" in line}
    for line in (readme.REPO / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            assert installed.get(name.lower()) == version, f"{name}: requirements.txt {version}, installed {installed.get(name.lower())}"


# ---- every README command -----------------------------------------------------------------


def check_report(results: Path, output: str):
    html = (results / "report.html").read_text(errors="replace")
    for words in ("Figure 1 (paper Section 4)", "Figure 4 (paper Section 5.2)", "Figure 5 (paper Section 6.2)",
                  "Tables 1 and 2", "figure1_filter_length.png", "summary.md"):
        assert words in html, words


def check_lint(results: Path, output: str):
    assert "Congratulations" in output and "Lints for" not in output, output[-3000:]


def check_figures(results: Path, output: str):
    assert (results / "figures" / "figure5_predictions.png").stat().st_size > 1000


def check_cluster(jobs: list, output: str):
    assert "profiles/slurm" in output
    trained = [resources for rule, resources in jobs if rule in {"train_model", "tune_point", "sweep_length"}]
    assert trained and all(re.search(r"\bgpu=1\b", r) for r in trained), "config/gpu.yaml must give each training job a GPU"


def check_release(jobs: list, output: str):
    rules = {rule for rule, _ in jobs}
    assert "synthetic_corpus" not in rules and "extract_features" in rules, sorted(rules)


# extra checks by kind name, after the command succeeded
CHECKS = {"report": check_report, "lint": check_lint, "named target": check_figures,
          "cluster": check_cluster, "real corpus": check_release}


@pytest.mark.slow
@pytest.mark.parametrize("step", RUNNABLE, ids=step_id)
def test_readme_command(step, request, tmp_path):
    kind = readme.classify(step)
    if kind.how == "elsewhere":
        assert kind.reason
        pytest.skip(f"{step}: {kind.reason}")
    env = request.getfixturevalue("readme_env")
    if kind.how == "env":
        assert step.text in readme.install_steps(), f"{step}: not a step of the install that builds the README environment"
        return
    tiny = request.getfixturevalue("tiny")
    if kind.how == "tiny_run":
        _, run = request.getfixturevalue("tiny_run")
        ours = readme.rewrite_snakemake(step.text, tiny, kind.subs)
        assert Counter(w for w in shlex.split(ours) if w != "time") == Counter(shlex.split(run.command)), (ours, run.command)
        assert run.returncode == 0, run.tail()
        return
    places = {"tiny": tiny, "tmp": tmp_path, "release": None, "manifest": None}
    if "{release}" in "".join(kind.subs.values()):
        places["release"] = request.getfixturevalue("real_shape_corpus")
    if "{manifest}" in "".join(kind.subs.values()):
        places["manifest"] = request.getfixturevalue("manifest_corpus")
    if kind.how == "command":
        command = readme.substitute(step.text, kind.subs, **places)
    else:
        results = tmp_path / "results" if kind.how == "dry_run" else tiny
        command = readme.rewrite_snakemake(step.text, results, kind.subs, dry_run=kind.how == "dry_run", **places)
    proc = readme.run_in_env(env, command)
    assert proc.returncode == 0, f"{step}\nran: {command}\n" + "\n".join(proc.stdout.splitlines()[-60:])
    if kind.how == "dry_run":
        jobs = dry_run_jobs(proc.stdout)
        assert jobs and "This was a dry-run" in proc.stdout, proc.stdout[-3000:]
        assert not (tmp_path / "results").exists(), "a dry run wrote results"
        if kind.name in CHECKS:
            CHECKS[kind.name](jobs, proc.stdout)
    elif kind.name in CHECKS:
        CHECKS[kind.name](tiny, proc.stdout)


def test_readme_quotes_the_committed_lr_scaling_output():
    """The README's lr / L figures are bench/sweep_lr_scaling.py's committed output (every length of the sweep, both
    dimensions, both variants), not typed by hand."""
    block = re.search(r"<!-- sweep-lr-scaling -->\n```text\n(.*?)\n```\n<!-- /sweep-lr-scaling -->",
                      (readme.REPO / "README.md").read_text(), re.S)
    assert block, "README has no sweep-lr-scaling block"
    committed = (readme.REPO / "bench" / "results" / "sweep_lr_scaling.txt").read_text().rstrip("\n")
    assert block.group(1) == committed
    lengths = yaml.safe_load((readme.REPO / "config.yaml").read_text())["sweep"]["filter_lengths"]
    rows = re.findall(r"^(arousal|valence) +L= *(\d+) (lr / L|unscaled)", committed, re.M)
    assert sorted(rows) == sorted((d, str(n), v) for d in ("arousal", "valence") for n in lengths
                                  for v in ("lr / L", "unscaled"))


BENCH_QUOTE = re.compile(r"<!-- bench:(\w+) -->\n```text\n(.*?)\n```\n<!-- /bench:\1 -->", re.S)
# A measured figure: a number with a unit of time, memory, share or speed.
MEASURED = re.compile(r"(?<![\w.])\d[\d,.]*\s?(?:s|ms|min|h|MiB|GiB|GB|%|×|x real time|GFLOP/s)(?!\w)")


def benchmarks_section(text: str) -> str:
    start = text.index("\n## Benchmarks\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def test_the_benchmarks_section_quotes_committed_outputs_and_types_no_figure():
    text = (readme.REPO / "README.md").read_text(encoding="utf-8")
    quotes = dict(BENCH_QUOTE.findall(text))
    assert {"corpus_features", "training_epochs", "training_time", "job_time", "workflow_start", "blstm_members",
            "predict", "egemaps"} <= set(quotes), sorted(quotes)
    for name, body in quotes.items():
        assert body == (readme.REPO / "bench" / "results" / f"{name}.txt").read_text(encoding="utf-8").rstrip("\n"), (
            f"README's bench:{name} quote differs from bench/results/{name}.txt: run python bench/quote.py")
    prose = re.sub(r"```.*?```", "", benchmarks_section(text), flags=re.S)
    assert not MEASURED.findall(prose), MEASURED.findall(prose)


def test_a_typed_figure_in_the_benchmarks_section_is_caught():
    assert MEASURED.findall("took 19 min 58 s, 534× real time, 2.9 GB and 15 %; 2 cores, 5 members, L=2048") == [
        "19 min", "58 s", "534×", "2.9 GB", "15 %"]
