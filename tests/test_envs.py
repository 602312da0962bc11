"""envs/*.yaml list what their rules import, pinned to the versions the tests run with.

conda is not available here, so each rule's environment is simulated: every
third-party package its env file does not list is blocked, and the modules the
rule's script imports are imported (for the packages the rule's functions load
lazily, the function's module is imported too).
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# distribution name -> import name, for every third-party package the project imports
IMPORT_NAMES = {"numpy": "numpy", "scipy": "scipy", "pandas": "pandas", "pyyaml": "yaml", "torch": "torch",
                "kaldiio": "kaldiio", "kaldi-native-fbank": "kaldi_native_fbank", "matplotlib": "matplotlib",
                "tabulate": "tabulate", "jinja2": "jinja2", "soundfile": "soundfile",
                "opensmile": "opensmile", "scikit-learn": "sklearn", "transformers": "transformers",
                "safetensors": "safetensors"}
# conda packages that install a PyPI distribution under another name
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}
# modules the functions a rule calls import lazily, by rule
LAZY = {"sweep_results": ["reporting.plots", "reporting.tables"], "predict_audio_file": ["reporting.plots"],
        "per_recording": ["reporting.plots"], "figure1_corpora": ["reporting.plots"],
        "robustness_report": ["reporting.plots"], "robustness_condition": ["robustness.degradations"],
}
# the same for a rule whose env depends on a wildcard: import statements by (rule, env file name)
LAZY_BY_ENV = {("frontend_recording", "egemaps"): ["import longterm_emotion.data.egemaps"],
               ("frontend_recording", "ssl"): ["import transformers", "import safetensors"]}


def env_packages(env_file: Path) -> dict[str, str]:
    """{distribution: pinned version} of a conda env file (conda and pip sections)."""
    pins = {}
    for dep in yaml.safe_load(env_file.read_text())["dependencies"]:
        for spec in dep["pip"] if isinstance(dep, dict) else [dep]:
            match = re.match(r"^([A-Za-z0-9_.-]+)\s*={1,2}\s*([^\s]+)$", spec)
            if match:
                name = match.group(1).lower()
                pins[CONDA_TO_PYPI.get(name, name)] = match.group(2)
    return pins


def expand_env(path: str) -> list[str]:
    """An env path with a wildcard, for every value it takes: {frontend} every registered front end but fbank
    (whose extraction has its own rule), {environment} every env file."""
    if path == "frontend_env":  # common.smk: envs/<front end>.yaml of every registered front end but fbank
        path = "../../envs/{frontend}.yaml"
    if "{frontend}" in path:
        from longterm_emotion.frontends import FRONTENDS

        return [path.replace("{frontend}", name) for name in sorted(FRONTENDS) if name != "fbank"]
    if "{environment}" in path:
        return [path.replace("{environment}", env.stem) for env in sorted((ROOT / "envs").glob("*.yaml"))]
    return [path]


def rules_with_scripts() -> list[tuple[str, str, str]]:
    """(rule, env file, script file) of every rule that runs a script."""
    found = []
    for smk in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        for block in re.split(r"\n(?=\s*rule )", smk.read_text()):
            name = re.search(r"rule (\w+):", block)
            conda = re.search(r'conda:\s*\n\s*"([^"]+)"', block) or re.search(r"conda:\s*\n\s*(frontend_env)\n", block)
            script = re.search(r'script:\s*\n\s*"([^"]+)"', block)
            if name and script:
                assert conda, f"rule {name.group(1)} has no conda environment"
                base = smk.parent
                for env in expand_env(conda.group(1)):
                    found.append((name.group(1), (base / env).resolve(), (base / script.group(1)).resolve()))
    return found


RULES = rules_with_scripts()


def test_every_env_is_pinned_to_the_tested_versions():
    requirements = dict(
        line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line
    )
    requirements = {k.lower(): v for k, v in requirements.items()}
    for env in sorted((ROOT / "envs").glob("*.yaml")):
        for package, version in env_packages(env).items():
            if package in requirements:
                assert version == requirements[package], f"{env.name}: {package}={version}, tests run {requirements[package]}"


ENVS = sorted({env for _, env, _ in RULES})


@pytest.mark.parametrize("env", ENVS, ids=[e.name for e in ENVS])
def test_rules_import_only_what_their_env_lists(env):
    """Every rule's script imports under its env's packages alone (one interpreter per env: the other
    packages blocked, so a rule importing one of them fails and is named)."""
    listed = {IMPORT_NAMES[p] for p in env_packages(env) if p in IMPORT_NAMES}
    blocked = sorted(set(IMPORT_NAMES.values()) - listed)
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {blocked!r}: raise ImportError('not in the env: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "failed = []\n"
    )
    rules = [(rule, script) for rule, rule_env, script in RULES if rule_env == env]
    for rule, script in rules:
        statements = [f"from longterm_emotion{package} import {names}" for package, names in
                      re.findall(r"from longterm_emotion((?:\.\w+)*) import ([\w, ]+)", script.read_text())]
        statements += [f"import longterm_emotion.{module}" for module in LAZY.get(rule, [])]
        statements += LAZY_BY_ENV.get((rule, env.stem), [])
        code += "try:\n" + "".join(f"    {line}\n" for line in statements or ["pass"])
        code += f"except ImportError as error:\n    failed.append('rule {rule}: ' + str(error))\n"
    code += "print('\\n'.join(failed)); sys.exit(1 if failed else 0)\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
    assert result.returncode == 0, f"{env.name}: {result.stdout.strip() or result.stderr.strip()}"
    assert rules


def test_plots_env_avoids_the_qt_metapackage():
    packages = [d for d in yaml.safe_load((ROOT / "envs" / "plots.yaml").read_text())["dependencies"] if isinstance(d, str)]
    assert any(d.startswith("matplotlib-base=") for d in packages)
    assert not any(d.split("=")[0] == "matplotlib" for d in packages)
