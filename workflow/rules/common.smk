import functools
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError

from longterm_emotion import constants
from longterm_emotion import frontends
from longterm_emotion import layout
from longterm_emotion import methods
from longterm_emotion import plugins
from longterm_emotion import versions
from longterm_emotion.settings import Compute
from longterm_emotion.nets import registry as networks
from longterm_emotion.data import audio as audio_io
from longterm_emotion.data import digests
from longterm_emotion.data import index as corpus_index
from longterm_emotion.data.corpus import display_name
from longterm_emotion.errors import InputDataError
from longterm_emotion.experiments import grid as search_grid
from longterm_emotion.reporting import results_doc
from longterm_emotion.robustness import conditions as robustness_conditions

NETWORKS = list(config["networks"])
TABLE_METHODS = methods.table_methods(NETWORKS)
COMPARISONS = methods.comparisons(NETWORKS, config["comparisons"])
# The workflow's conda environments (envs/*.yaml): the versions table lists what each has installed.
ENVIRONMENTS = sorted(
    path.stem
    for path in Path(workflow.current_basedir, "..", "..", "envs").glob("*.yaml")
)


# Plugin modules as absolute paths: jobs and bundles import them wherever they run.
PLUGINS = plugins.resolved(config["plugins"])
DIMENSIONS = config["dimensions"]
# Where training runs (device, GPUs per job, torch threads); it changes no result on a given device.
COMPUTE = Compute.from_config(config["compute"])
RESULTS = config["results_dir"]
# Every path below results_dir, of every rule: src/longterm_emotion/layout.py.
LAYOUT = layout.Layout(RESULTS)
# Fbank features (and the aligned labels.csv) always live in features/; the networks read the
# stacked features of the configured front end (features.frontend): fbank's, or results/<front end>/.
FRONTEND = config["features"]["frontend"]
MANIFEST = config["manifest"]
SYNTHETIC = config["data_dir"] is None and MANIFEST is None
CORPUS = LAYOUT.corpus() if SYNTHETIC else config["data_dir"]
# Where the features read the recordings from: an AVEC 2016-layout folder or a manifest CSV.
CORPUS_SOURCE = {"manifest": MANIFEST} if MANIFEST else {"data_dir": CORPUS}
# sweep/sweep.csv of runs on control corpora (config evidence.control_sweeps), and their copies here.
CONTROL_SWEEPS = config["evidence"]["control_sweeps"]
CONTROL_COPIES = LAYOUT.control_sweeps(len(CONTROL_SWEEPS))
LABEL_RATE = constants.label_rate(
    config["features"]["stack"], config["features"]["frame_shift_ms"]
)

if MANIFEST and config["data_dir"] is not None:
    raise WorkflowError(
        "config keys data_dir and manifest: set one of them (or neither, for the synthetic corpus)"
    )
if MANIFEST and not Path(MANIFEST).is_file():
    raise WorkflowError(
        f"config key manifest: {MANIFEST!r} does not exist (or is not a file)"
    )
if not SYNTHETIC and not MANIFEST and not Path(CORPUS).is_dir():
    raise WorkflowError(
        f"config key data_dir: {CORPUS!r} does not exist (or is not a folder)"
    )
if not SYNTHETIC and not MANIFEST and not Path(CORPUS, "recordings_audio").is_dir():
    raise WorkflowError(
        f"config key data_dir: {CORPUS!r} is not a RECOLA AVEC 2016 release "
        "(no recordings_audio/ folder there); set data_dir: null for the synthetic corpus"
    )

# The partitions of this run: train, dev and, when the corpus has one, test.
PARTITIONS = (
    list(constants.PARTITIONS)
    if SYNTHETIC
    else corpus_index.partitions(**CORPUS_SOURCE)
)


wildcard_constraints:
    partition="|".join(PARTITIONS),
    dimension="|".join(DIMENSIONS),
    network="|".join(NETWORKS),
    frontend="|".join(name for name in frontends.FRONTENDS if name != "fbank"),
    recording=r"[^/]+",
    length=r"\d+",
    point=r"\d+",
    stem=r"[^/]+",


def corpus_name():
    """Name printed on figures and tables, so corpora are never mixed up (no path of this machine)."""
    return display_name(config["data_dir"], config["corpus_name"], manifest=MANIFEST)


def _first(files):
    return files if isinstance(files, str) else files[0]


def features_root(wildcards, input):
    """Param: the folder holding one feature folder per partition (input `train` is train/stacked.scp)."""
    return str(Path(input.train).parent.parent)


def folder_of(name, levels=1):
    """Param function: the folder `levels` up from output `name` (its first file if a list)."""

    def folder(wildcards, output):
        return str(Path(_first(output[name])).parents[levels - 1])

    return folder


def stem_of(name):
    """Param function: output `name` (its first file if a list) without its suffix."""

    def stem(wildcards, output):
        return str(Path(_first(output[name])).with_suffix(""))

    return stem


def stacked_features(partitions=PARTITIONS):
    """The stacked-feature index of each partition, by partition name."""
    return {p: LAYOUT.features(FRONTEND, p) for p in partitions}


def network_settings(wildcards):
    """models.<network>.<dimension>: the network's constructor and optimiser settings."""
    return config["models"][wildcards.network][wildcards.dimension]


def grid_space(wildcards):
    """The dev search space of one network ({net: {...}, optim: {...}} of value lists)."""
    return config["grid"]["space"].get(wildcards.network, {})


GRID_POINTS = config["grid"]["points"]


def grid_point_settings(wildcards):
    """The {net, optim} settings of one grid point: a job's params, so changing them reruns that point."""
    points = search_grid.grid_points(
        network_settings(wildcards),
        grid_space(wildcards),
        GRID_POINTS,
        config["grid"]["sample_seed"],
    )
    return points[int(wildcards.point)]


def grid_point_files(wildcards):
    """The one-row tables of every grid point of a network and dimension (the selection's input)."""
    return expand(
        LAYOUT.tune_point(wildcards.network, wildcards.dimension, "{point}"),
        point=range(GRID_POINTS),
    )


def timing_settings(wildcards):
    """The settings the training-time table times: the network's for the first dimension."""
    return config["models"][wildcards.network][DIMENSIONS[0]]


def grid_tables():
    """The grid table of every network and dimension, keyed '<network>_<dimension>'."""
    return {
        f"{network}_{dimension}": LAYOUT.tune_grid(network, dimension)
        for network in NETWORKS
        for dimension in DIMENSIONS
    }


def whole_machine(wildcards):
    """Threads of a measurement job: every core of a local run, so that no other job runs beside it
    (its torch threads are compute.threads). A cluster run without --cores counts one core, so the
    job asks its scheduler for compute.threads CPUs, a node share of its own.
    """
    try:
        return max(workflow.cores, COMPUTE.threads)
    except WorkflowError:
        return COMPUTE.threads


def table_inputs(wildcards):
    """scores_<method> and predictions_<method> of every method of the dimension's table."""
    files = {}
    for method in TABLE_METHODS:
        for kind, name in (
            ("scores", layout.SCORES),
            ("predictions", layout.PREDICTIONS),
        ):
            files[f"{kind}_{method}"] = LAYOUT.method(method, wildcards.dimension, name)
    return files


def figure5_predictions():
    """predictions.csv of the networks Figure 5 shows, keyed '<network>/<dimension>'."""
    return {
        f"{network}/{dimension}": LAYOUT.method(network, dimension, layout.PREDICTIONS)
        for network in config["figure5"]["networks"]
        for dimension in DIMENSIONS
    }


def sweep_settings():
    """The sweep section without its list of lengths: adding a length must not rerun the others."""
    return {k: v for k, v in config["sweep"].items() if k != "filter_lengths"}


def all_corpus_files(wildcards):
    """Input of target corpus: the synthetic corpus's folder, or every file of every partition."""
    if SYNTHETIC:
        return [CORPUS]
    files = [path for p in PARTITIONS for path in partition_corpus_files(p)]
    return list(dict.fromkeys(files))


def corpus_files(wildcards):
    """Input of a partition's features: every corpus file they read (audio, labels, the manifest),
    so that an edited, added, removed or renamed file reruns that partition and what depends on it,
    and shows in `--list-changes input`. The synthetic corpus is made by rule synthetic_corpus, so
    its files are unknown before the run: its folder is the input (a directory output, rebuilt
    whole when the synthetic settings change, and not meant to be edited by hand)."""
    if SYNTHETIC:
        return [CORPUS]
    return partition_corpus_files(wildcards.partition)


def partition_corpus_files(partition):
    """Every file of one partition of a data_dir or manifest corpus (see corpus_files)."""
    return [
        str(path)
        for path in corpus_index.partition_files(partition, DIMENSIONS, **CORPUS_SOURCE)
    ]


# ---- model bundles and prediction (workflow/rules/models.smk) ----
PREDICT_AUDIO = config["predict_audio"]


def model_config(wildcards):
    """The config sections a trained network depends on; their hash goes into the bundle."""
    return {
        "data_dir": config["data_dir"],
        "manifest": config["manifest"],
        "synthetic": config["synthetic"] if SYNTHETIC else None,
        "dimensions": config["dimensions"],
        "features": config["features"],
        "model": config["models"][wildcards.network][wildcards.dimension],
        "grid": {
            **{k: v for k, v in config["grid"].items() if k != "space"},
            "space": config["grid"]["space"].get(wildcards.network, {}),
        },
        "train": config["train"],
    }


def predict_audio_files():
    """{stem: path} of the audio files in config key predict_audio (a folder)."""
    if not PREDICT_AUDIO:
        raise WorkflowError(
            "target predict needs a folder of audio files: --config predict_audio=DIR"
        )
    if not Path(PREDICT_AUDIO).is_dir():
        raise WorkflowError(
            f"config key predict_audio: {PREDICT_AUDIO!r} is not a folder"
        )
    try:
        files = audio_io.by_stem(audio_io.folder_audio_files(PREDICT_AUDIO))
    except InputDataError as exc:
        raise WorkflowError(f"config key predict_audio: {exc}") from None
    return {stem: str(path) for stem, path in files.items()}


def predict_audio_input(wildcards):
    """The audio file of one prediction job."""
    return predict_audio_files()[wildcards.stem]


def predicted_csvs(wildcards):
    """Target predict: one CSV per audio file of config key predict_audio."""
    return [LAYOUT.prediction(stem) for stem in predict_audio_files()]


@functools.cache
def recording_sources(partition):
    """The recordings of a partition (RecordingSource), indexed once; [] when the corpus is broken
    (the partition's extract_features job then fails naming the problem)."""
    try:
        return corpus_index.index_partition(partition, DIMENSIONS, **CORPUS_SOURCE)
    except InputDataError:
        return []


DIGEST_CACHE = Path(".snakemake", "longterm-emotion", "corpus-digests.json")


@functools.cache
def corpus_digests():
    """{resolved path: sha256} of every file of every recording of a data_dir or manifest corpus (cached by
    size, mtime, ctime and inode in .snakemake/), so that new content under an old mtime reruns its jobs.
    """
    if SYNTHETIC:
        return {}
    files = [
        path for p in PARTITIONS for s in recording_sources(p) for path in s.files()
    ]
    return digests.file_digests(files, DIGEST_CACHE)


def partition_digests(wildcards):
    """Param of a partition's features: {recording: digest of its audio and label files}."""
    if SYNTHETIC:
        return {}
    return {
        s.name: digests.recording_digest(s, corpus_digests())
        for s in recording_sources(wildcards.partition)
    }


def recording_digest(wildcards):
    """Param of one recording's eGeMAPS job: the digest of its audio file."""
    if SYNTHETIC:
        return ""
    return corpus_digests().get(str(Path(_audio_of(wildcards.recording)).resolve()), "")


def recording_names(partition):
    """Recording ids of a partition, known before any job runs (the synthetic corpus names them from its config)."""
    if SYNTHETIC:
        count = config["synthetic"]["recordings"][partition]
        return [f"{partition}_{n}" for n in range(1, count + 1)]
    return [source.name for source in recording_sources(partition)]


def _audio_of(recording):
    if SYNTHETIC:
        return f"{CORPUS}/recordings_audio/{recording}.wav"
    by_name = {s.name: s for p in PARTITIONS for s in recording_sources(p)}
    return str(by_name[recording].audio)


def recording_audio(wildcards):
    """Input of one eGeMAPS job: its audio file (the synthetic corpus's folder, made by a rule)."""
    return CORPUS if SYNTHETIC else _audio_of(wildcards.recording)


def recording_audio_file(wildcards):
    """Param: the audio file of one eGeMAPS job."""
    return _audio_of(wildcards.recording)


def frontend_recordings(wildcards):
    """The per-recording frame archives of a front end and partition."""
    return [
        LAYOUT.frames(wildcards.frontend, recording)
        for recording in recording_names(wildcards.partition)
    ]


def frontend_settings(wildcards):
    """Param of a front end's jobs: the features keys it reads (sample_rate, std_floor, its own options), so that
    changing another front end's options reruns none of its jobs."""
    section = config["features"]
    own = {wildcards.frontend: section.get(wildcards.frontend) or {}}
    return {
        "sample_rate": section["sample_rate"],
        "std_floor": section["std_floor"],
        **own,
    }


def frontend_plugins(wildcards):
    """Param of a front end's jobs: the plugin modules when the front end is registered by one."""
    source = type(frontends.entry(wildcards.frontend)).__module__
    return [] if source.startswith("longterm_emotion.") else PLUGINS


def frontend_memory(wildcards):
    """MB a recording's extraction may take: the front end's `memory_mb` (large models), else 2000."""
    return getattr(frontends.entry(wildcards.frontend), "memory_mb", 2000)


def frontend_env(wildcards):
    """The conda environment of a front end's jobs: envs/<front end>.yaml, or for a front end of a plugin without
    one, envs/features.yaml (numpy, scipy, soundfile, kaldiio: what the shared front-end code needs).
    """
    own = Path(REPO, "envs", f"{wildcards.frontend}.yaml")
    return str(own if own.is_file() else Path(REPO, "envs", "features.yaml"))


def frontend_gpus(wildcards):
    """GPUs a recording's extraction asks its scheduler for: compute.gpus_per_job for a front end that uses one."""
    front = frontends.entry(wildcards.frontend)
    return COMPUTE.gpus_per_job if getattr(front, "uses_gpu", False) else 0


def frontend_stack(name):
    """Frames per label row of front end `name` (its frame shift against the label period)."""
    front = frontends.entry(name)
    return front.stack(front.options_of(config["features"]), LABEL_RATE)


def fbank_settings():
    """The features section without the front-end switch: switching it must not rerun fbank extraction."""
    return {k: v for k, v in config["features"].items() if k != "frontend"}


def method_descriptions():
    """Param of the reporting rules: {network: {label, color}} from the network registry (their jobs may run
    where torch is not installed)."""
    return {
        name: {"label": networks.entry(name).label, "color": networks.entry(name).color}
        for name in NETWORKS
    }


def network_plugins(wildcards):
    """Param of the jobs that build a network: the plugin modules, for a network registered by one ([] for the
    package's own, so adding a plugin reruns none of their jobs)."""
    source = networks.entry(wildcards.network).module
    return [] if source.startswith("longterm_emotion.") else PLUGINS


def bundle_plugins(wildcards):
    """Param of a bundle: the plugin modules when its network or its front end is registered by one (predict
    imports them)."""
    source = type(frontends.entry(FRONTEND)).__module__
    return network_plugins(wildcards) or (
        [] if source.startswith("longterm_emotion.") else PLUGINS
    )


def robustness_comparisons():
    """The robustness report's pairs among this run's networks (pairs naming another network are skipped)."""
    return [
        list(pair)
        for pair in config["robustness"]["comparisons"]
        if all(name in NETWORKS for name in pair)
    ]


def comparison_methods():
    """The methods the comparisons table compares (in the order of the table's rows)."""
    return list(dict.fromkeys(m for pair in COMPARISONS for m in pair))


def _predictions(methods):
    return {
        f"predictions_{dimension}_{method}": LAYOUT.method(
            method, dimension, layout.PREDICTIONS
        )
        for dimension in DIMENSIONS
        for method in methods
    }


def comparison_inputs(wildcards):
    """predictions_<dimension>_<method> of every method the comparisons table compares."""
    return _predictions(comparison_methods())


def claim_tests():
    """The claims section's test settings (settings.ClaimTests), without its lists of claims."""
    return {
        k: v for k, v in config["claims"].items() if k not in ("paper", "beyond_paper")
    }


def claim_methods():
    """The methods the claims scorecard compares (claims.paper and beyond_paper, kinds with methods a and b)."""
    chosen = []
    for claim in config["claims"]["paper"] + config["claims"]["beyond_paper"]:
        if claim["kind"] in ("greater", "not_worse", "smoother"):
            chosen += [claim["a"], claim["b"]]
    return [m for m in dict.fromkeys(chosen) if m in TABLE_METHODS]


def claims_inputs(wildcards):
    """predictions_<dimension>_<method> of the claims' methods, and the sweep, label study and timing."""
    return {
        **_predictions(claim_methods()),
        "sweep_runs": LAYOUT.sweep_all_runs(),
        "spectrum": LAYOUT.label_study("spectrum.csv"),
        "downsampling": LAYOUT.label_study("downsampling.csv"),
        "timing": expand(LAYOUT.timing("{network}"), network=NETWORKS),
        "control_sweeps": CONTROL_COPIES,
    }


def per_recording_inputs(wildcards):
    """predictions_<dimension>_<method> of every method of Tables 1 and 2."""
    return _predictions(TABLE_METHODS)


def results_doc_inputs(wildcards):
    """The files of this run the README's results section is made from (results_doc.results_files)."""
    return results_doc.results_files(
        RESULTS,
        DIMENSIONS,
        controls=len(CONTROL_SWEEPS),
        robustness=config["robustness"]["in_results"],
    )


def bootstrap_settings():
    """The evidence section without control_sweeps: naming control runs must not rerun the tables."""
    return {k: v for k, v in config["evidence"].items() if k != "control_sweeps"}


# ---- robustness report (workflow/rules/robustness.smk) ----

ROBUSTNESS = config["robustness"]
ROBUSTNESS_CONDITIONS = {c.id: c for c in robustness_conditions.conditions(ROBUSTNESS)}


def _test_labelled():
    if "test" not in PARTITIONS:
        return False
    if SYNTHETIC:
        return bool(config["synthetic"]["test_labels"])
    sources = recording_sources("test")
    return bool(sources) and all(s.labels is not None for s in sources)


def robustness_partition():
    """The partition the report degrades: robustness.partition, auto = test where labelled, else dev."""
    wanted = ROBUSTNESS["partition"]
    if wanted == "auto":
        return "test" if _test_labelled() else "dev"
    if wanted == "test" and not _test_labelled():
        raise WorkflowError(
            "config key robustness.partition: test has no labels in this corpus; use dev or auto"
        )
    return wanted


def partition_audio(partition):
    """{recording: audio file} of a partition."""
    return {name: _audio_of(name) for name in recording_names(partition)}


def robustness_labels(wildcards):
    """Input: the label rows of the degraded partition (its rows and gold standard, as the pipeline aligned them)."""
    return LAYOUT.labels(robustness_partition())


def robustness_recordings(wildcards):
    """Param: {recording: audio file} of the degraded partition."""
    return partition_audio(robustness_partition())


def babble_recordings(wildcards):
    """Param: {recording: audio file} of every recording of the corpus (babble mixes others than the degraded one)."""
    return {name: path for p in PARTITIONS for name, path in partition_audio(p).items()}


def robustness_condition_settings(wildcards):
    return ROBUSTNESS_CONDITIONS[wildcards.condition].as_dict()


def robustness_condition_files():
    return {c: LAYOUT.robustness_condition(c) for c in ROBUSTNESS_CONDITIONS}


# One audio file backing two recordings (by path or by content) leaks one recording into two places.
SHARED_AUDIO = (
    []
    if SYNTHETIC
    else digests.shared_audio(
        [s for p in PARTITIONS for s in recording_sources(p)], corpus_digests()
    )
)
if SHARED_AUDIO and config["shared_audio"] == "error":
    raise WorkflowError(
        f"{SHARED_AUDIO[0]} (shared_audio: error; {len(SHARED_AUDIO)} such recordings)"
    )
for line in SHARED_AUDIO:
    print(f"Warning: {line}; its scores are not held-out", file=sys.stderr)
