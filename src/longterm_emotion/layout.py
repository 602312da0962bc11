"""The results layout: the one contract for where every result lives below results_dir.

The workflow's rules (their inputs, outputs, logs and benchmarks, in workflow/rules/common.smk
``LAYOUT = Layout(RESULTS)``), the writers and the readers all take their paths and file names from
here, so a file is named in one place. Every method returns a string joined with "/" (the root as
given, not normalised, so a rule's path is the one it always was); arguments may be Snakemake
wildcards ("{network}"), so the same call gives a rule's output pattern and, with real values, the
path of one file.

This module imports nothing of the package: every layer may use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Files every trained or fitted method writes into its folder (Layout.method).
MODEL = "model.pt"
PREDICTIONS = "predictions.csv"
SCORES = "scores.csv"
HISTORY = "history.csv"
CONVERGENCE = "convergence.csv"  # methods trained by gradient descent: one row per run
NOTE = "note.txt"  # a method's row note in the tables (e.g. the settings it chose on dev)
PER_RECORDING = "per_recording"  # folder: the ensemble's ARFF per recording, in the gold standard's format

# A partition's features folder (Layout.features): Kaldi archives and indexes, and the aligned label rows.
ARK, SCP = ".ark", ".scp"
FBANK, CMVN, FRAMES, STACKED = "fbank", "cmvn", "frames", "stacked"
LABELS = "labels.csv"
RECORDINGS = "recordings"  # a front end's folder of one frame archive per recording

# The front end whose features live in features/ (with the label rows every other front end aligns to).
PAPER_FRONTEND = "fbank"
FBANK_FOLDER = "features"

TABLE_SUFFIXES = (".csv", ".md", ".tex")
BUNDLE_SUFFIX = ".pt"
MODELS = "models"  # the folder of model bundles
CONTROL_SWEEP = "sweep/control_{number}.csv"  # control run number's sweep table, copied into this run's results


@dataclass(frozen=True)
class Layout:
    root: str

    def _join(self, *parts) -> str:
        return "/".join([str(self.root), *map(str, parts)])

    # ---- the corpus and the features ----
    def corpus(self) -> str:
        """The synthetic corpus (made by rule synthetic_corpus; a data_dir or manifest corpus lives elsewhere)."""
        return self._join("corpus")

    def features_root(self, frontend=PAPER_FRONTEND) -> str:
        """The folder of a front end's partition folders: features/ for fbank, <frontend>/ for the others."""
        return self._join(FBANK_FOLDER if frontend == PAPER_FRONTEND else frontend)

    def features(self, frontend, partition, name=STACKED + SCP) -> str:
        """A file of a partition's features folder, e.g. stacked.scp, frames.ark, labels.csv."""
        return f"{self.features_root(frontend)}/{partition}/{name}"

    def labels(self, partition, frontend=PAPER_FRONTEND) -> str:
        """A partition's label rows (recording, frame, frameTime, one column per dimension), as aligned to features."""
        return self.features(frontend, partition, LABELS)

    def frames(self, frontend, recording) -> str:
        """One recording's frames of a front end other than fbank (a one-matrix Kaldi ark)."""
        return f"{self.features_root(frontend)}/{RECORDINGS}/{recording}{ARK}"

    # ---- the label study and the sweep ----
    def label_study(self, name) -> str:
        """A label-study output (`name` without suffix for a table stem: spectrum, downsampling)."""
        return self._join("label_study", name)

    def sweep_runs(self, dimension, length) -> str:
        """One filter length's runs of the sweep."""
        return self._join("sweep", "runs", f"{dimension}_L{length}.csv")

    def sweep(self, suffix="") -> str:
        """The sweep table (its stem without `suffix`)."""
        return self._join("sweep", f"sweep{suffix}")

    def sweep_all_runs(self) -> str:
        """Every run of the sweep, one row each."""
        return self._join("sweep", "sweep_runs.csv")

    def control_sweep(self, number: int) -> str:
        """The copy of the sweep table of the control run listed `number`-th (from 1) in evidence.control_sweeps."""
        return self._join(CONTROL_SWEEP.format(number=number))

    def control_sweeps(self, count: int | None = None) -> list[str]:
        """The copies of `count` control runs' sweep tables; None: those this folder holds."""
        if count is None:
            count = 0
            while Path(self.control_sweep(count + 1)).is_file():
                count += 1
        return [self.control_sweep(number) for number in range(1, count + 1)]

    # ---- the search, the methods, the timing ----
    def tune_point(self, network, dimension, point) -> str:
        """The one-row table of one grid point of a network's dev search."""
        return self._join("tune", f"{network}_{dimension}", f"point_{point}.csv")

    def tune_settings(self, network, dimension) -> str:
        """The chosen settings of a network and dimension (YAML), the only search output the final runs read."""
        return self._join("tune", f"{network}_{dimension}.yaml")

    def tune_grid(self, network, dimension) -> str:
        """Every point of a network's search with its dev CCC."""
        return self._join("tune", f"{network}_{dimension}_grid.csv")

    def method(self, method, dimension, name=None) -> str:
        """The folder of a method's outputs for a dimension, or file `name` in it (SCORES, PREDICTIONS, ...)."""
        return self._join("train", method, dimension, *([name] if name else []))

    def timing(self, network) -> str:
        return self._join("timing", f"{network}.csv")

    # ---- what a user reads ----
    def table(self, name, suffix=".md") -> str:
        return self._join("tables", f"{name}{suffix}")

    def figure(self, name) -> str:
        return self._join("figures", name)

    def models(self) -> str:
        return self._join(MODELS)

    def bundle(self, network, dimension) -> str:
        return self._join(MODELS, f"{network}_{dimension}{BUNDLE_SUFFIX}")

    def prediction(self, stem, suffix=".csv") -> str:
        return self._join("predictions", f"{stem}{suffix}")

    def prediction_arff(self, dimension, stem) -> str:
        return self._join("predictions", dimension, f"{stem}.arff")

    def robustness_condition(self, condition) -> str:
        return self._join("robustness", "conditions", f"{condition}.csv")

    # ---- target ablations ----

    def ablation_run(self, variant, network, dimension, name="") -> str:
        """A trained variant's folder (or a file in it): ablations/runs/<variant>/<network>_<dimension>/."""
        return self._join("ablations", "runs", variant, f"{network}_{dimension}", *([name] if name else []))

    def ablation_postprocessing(self, network, dimension, suffix=".csv") -> str:
        return self._join("ablations", "postprocessing", f"{network}_{dimension}{suffix}")

    def ablation_timing(self, network) -> str:
        return self._join("ablations", "timing", f"{network}.csv")

    def summary(self) -> str:
        return self._join("summary.md")

    def docs(self, name="results.md") -> str:
        """The README's results section and, as figures/<name>, its figures."""
        return self._join("docs", name)

    def versions(self, suffix=".csv") -> str:
        """The versions of every package of every conda environment of the run (one table)."""
        return self._join(f"versions{suffix}")

    def environment_versions(self, environment) -> str:
        return self._join("versions", f"{environment}.csv")

    # ---- logs and benchmarks ----
    def log(self, *parts) -> str:
        """logs/<folders...>/<name>.log (the last part is the name)."""
        *folders, name = map(str, parts)
        return self._join("logs", *folders, f"{name}.log")

    def benchmark(self, *parts) -> str:
        """benchmarks/<folders...>/<name>.tsv (the last part is the name)."""
        *folders, name = map(str, parts)
        return self._join("benchmarks", *folders, f"{name}.tsv")
