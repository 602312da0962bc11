"""The results layout: the one contract for where every result lives below results_dir.

The workflow's rules (their inputs and outputs), the writers and the readers all take their paths
from here, so a file is named in one place. Every method returns a string; arguments may be
Snakemake wildcards ("{network}"), so the same call gives a rule's output pattern and, with real
values, the path of one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Files every trained or fitted method writes into its folder (Layout.method).
PREDICTIONS = "predictions.csv"
SCORES = "scores.csv"
HISTORY = "history.csv"
CONVERGENCE = "convergence.csv"
NOTE = "note.txt"
MODEL = "model.pt"
SUBMISSION = "per_recording"  # ARFF per recording, in the gold standard's format
TABLE_SUFFIXES = (".csv", ".md", ".tex")


@dataclass(frozen=True)
class Layout:
    root: str

    def _join(self, *parts) -> str:
        return str(Path(self.root, *map(str, parts)))

    # the corpus, its labels and features
    def corpus(self) -> str:
        return self._join("corpus")

    def labels(self, partition) -> str:
        """The partition's label rows (recording, frame, frameTime, one column per dimension)."""
        return self._join("labels", f"{partition}.csv")

    def frames(self, frontend, recording) -> str:
        """One recording's raw frames of a front end (a one-matrix Kaldi ark)."""
        return self._join("features", frontend, "recordings", f"{recording}.ark")

    def features(self, frontend, partition, kind="stacked", suffix=".scp") -> str:
        """A partition's Kaldi archive of a front end: kind raw (frames), cmvn (statistics) or stacked."""
        return self._join("features", frontend, partition, f"{kind}{suffix}")

    def features_root(self, frontend) -> str:
        return self._join("features", frontend)

    # the sweep, the search and the methods
    def sweep_runs(self, dimension, length) -> str:
        return self._join("sweep", "runs", f"{dimension}_L{length}.csv")

    def sweep(self, suffix=".csv") -> str:
        return self._join("sweep", f"sweep{suffix}")

    def sweep_all_runs(self) -> str:
        return self._join("sweep", "sweep_runs.csv")

    def control_sweep(self) -> str:
        return self._join("sweep", "control_sweep.csv")

    def search_point(self, network, dimension, point) -> str:
        return self._join("search", f"{network}_{dimension}", f"point_{point}.csv")

    def search_choice(self, network, dimension) -> str:
        """The chosen settings of a network and dimension (YAML), the only search output the final runs read."""
        return self._join("search", f"{network}_{dimension}.yaml")

    def search_points(self, network, dimension) -> str:
        """Every point of a network's search with its dev CCC, the chosen one flagged."""
        return self._join("search", f"{network}_{dimension}_points.csv")

    def method(self, method, dimension, name=None) -> str:
        """The folder of a method's final outputs for a dimension, or a file in it."""
        return self._join("final", method, dimension, *([name] if name else []))

    def timing(self, network) -> str:
        return self._join("timing", f"{network}.csv")

    # what a user reads
    def table(self, name, suffix=".md") -> str:
        return self._join("tables", f"{name}{suffix}")

    def figure(self, name) -> str:
        return self._join("figures", name)

    def bundle(self, network, dimension) -> str:
        return self._join("models", f"{network}_{dimension}.pt")

    def prediction(self, stem, suffix=".csv") -> str:
        return self._join("predictions", f"{stem}{suffix}")

    def prediction_arff(self, dimension, stem) -> str:
        return self._join("predictions", dimension, f"{stem}.arff")

    def summary(self) -> str:
        return self._join("summary.md")

    def docs(self, name="results.md") -> str:
        return self._join("docs", name)

    def versions(self) -> str:
        """Versions of Python and of every package and tool the run used."""
        return self._join("versions.yaml")

    def log(self, *parts) -> str:
        *folders, name = map(str, parts)
        return self._join("logs", *folders, f"{name}.log")

    def benchmark(self, *parts) -> str:
        *folders, name = map(str, parts)
        return self._join("benchmarks", *folders, f"{name}.tsv")
