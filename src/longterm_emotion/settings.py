"""Typed settings, built once from the validated config and passed to the code that uses them.

Each dataclass mirrors one config section (or sub-section) and is built with
``from_config(section)``; the rules pass the section, the package builds the
dataclass, and nothing downstream indexes dicts by string keys.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from . import constants


class Section:
    """Base of the typed config sections: `of(value)` is `value` itself, or the section built from its config dict."""

    @classmethod
    def of(cls, value):
        return value if isinstance(value, cls) else cls.from_config(value)


@dataclass(frozen=True)
class Optimiser:
    """Adam's learning rate and the L2 penalty on the weights (biases free)."""

    lr: float
    l2: float

    @classmethod
    def from_config(cls, section: dict) -> Optimiser:
        return cls(lr=float(section["lr"]), l2=float(section["l2"]))


@dataclass(frozen=True)
class Protocol:
    """How long a training run goes and in which order it sees the recordings."""

    max_epochs: int
    patience: int
    shuffle_seed: int

    @classmethod
    def from_config(cls, section: dict) -> Protocol:
        return cls(int(section["max_epochs"]), int(section["patience"]), int(section["shuffle_seed"]))


@dataclass(frozen=True)
class NetworkSettings:
    """One network's settings for one dimension: constructor arguments and optimiser."""

    net: dict
    optim: Optimiser

    @classmethod
    def from_config(cls, section: dict) -> NetworkSettings:
        return cls(net=dict(section["net"]), optim=Optimiser.from_config(section["optim"]))

    def to_config(self) -> dict:
        """The config-shaped dict ({net: ..., optim: ...}), e.g. to write the chosen grid point."""
        return {"net": dict(self.net), "optim": asdict(self.optim)}


@dataclass(frozen=True)
class FinalRuns:
    """The `train` section: one run per seed with one protocol."""

    seeds: tuple[int, ...]
    protocol: Protocol

    @classmethod
    def from_config(cls, section: dict) -> FinalRuns:
        return cls(tuple(int(s) for s in section["seeds"]), Protocol.from_config(section["protocol"]))


@dataclass(frozen=True)
class SweepSettings:
    """The `sweep` section without its list of lengths (one job trains one length)."""

    seeds: tuple[int, ...]
    fft_size: int
    optim: Optimiser
    protocol: Protocol
    lr_per_length: bool

    @classmethod
    def from_config(cls, section: dict) -> SweepSettings:
        return cls(tuple(int(s) for s in section["seeds"]), int(section["fft_size"]),
                   Optimiser.from_config(section["optim"]), Protocol.from_config(section["protocol"]),
                   bool(section["lr_per_length"]))

    def net(self, filter_length: int) -> dict:
        """Constructor arguments of the single-filter network of length `filter_length`."""
        return {"filter_length": int(filter_length), "fft_size": self.fft_size, "lr_per_length": self.lr_per_length}


@dataclass(frozen=True)
class Compute:
    """The `compute` section: where training runs; it changes no result on a given device."""

    device: str
    gpus_per_job: int
    threads: int

    @classmethod
    def from_config(cls, section: dict) -> Compute:
        return cls(str(section["device"]), int(section["gpus_per_job"]), int(section["threads"]))


@dataclass(frozen=True)
class FeatureOptions(Section):
    """The `features` section: Kaldi fbank options, per-recording normalisation, stacking to the label rate."""

    sample_rate: int
    num_mel_bins: int
    frame_length_ms: float
    frame_shift_ms: float
    dither: float
    preemph_coeff: float
    remove_dc_offset: bool
    window_type: str
    snip_edges: bool
    low_freq: float
    high_freq: float
    stack: int
    std_floor: float

    @classmethod
    def from_config(cls, section: dict) -> FeatureOptions:
        names = [f.name for f in fields(cls)]
        missing = [name for name in names if name not in section]
        if missing:
            raise ValueError(f"features: {', '.join(missing)} missing (config.yaml's features section has them all)")
        return cls(**{name: section[name] for name in names})

    @property
    def label_rate(self) -> float:
        """Label frames per second implied by the stacking (25 Hz by default)."""
        return constants.label_rate(self.stack, self.frame_shift_ms)

    def to_config(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Evidence(Section):
    """The `evidence` config section: bootstrap resamples, seed and interval coverage."""

    resamples: int
    seed: int
    confidence: float

    @classmethod
    def from_config(cls, section: dict) -> Evidence:
        return cls(int(section["resamples"]), int(section["seed"]), float(section["confidence"]))


@dataclass(frozen=True)
class Dynamics:
    """Time scales the corpus builds in (config `synthetic.dynamics`): low-pass cutoffs of the latent
    trajectories, the raters' reaction lag and smoothing (ranges drawn per rater), the cutoff of the
    raters' slow noise. config.yaml gives the built-in corpus's (fluctuations over tens of seconds,
    raters 1.5-4.5 s late); config/control_fast.yaml sets time scales of about 1 s and no lag."""

    shared_cutoff_hz: float
    arousal_cutoff_hz: float
    valence_cutoff_hz: float
    rater_lag_s: tuple[float, float]
    rater_smoothing_s: tuple[float, float]
    rater_noise_cutoff_hz: float

    @classmethod
    def from_config(cls, section: dict) -> Dynamics:
        cutoffs = section["latent_cutoff_hz"]
        return cls(
            shared_cutoff_hz=float(cutoffs["shared"]),
            arousal_cutoff_hz=float(cutoffs["arousal"]),
            valence_cutoff_hz=float(cutoffs["valence"]),
            rater_lag_s=tuple(float(v) for v in section["rater_lag_s"]),
            rater_smoothing_s=tuple(float(v) for v in section["rater_smoothing_s"]),
            rater_noise_cutoff_hz=float(section["rater_noise_cutoff_hz"]),
        )


@dataclass(frozen=True)
class Svr:
    """`avec_baseline.svr`: sklearn's LinearSVR settings (loss, epsilon, tol, max_iter)."""

    loss: str
    epsilon: float
    tol: float
    max_iter: int

    @classmethod
    def from_config(cls, section: dict) -> Svr:
        return cls(str(section["loss"]), float(section["epsilon"]), float(section["tol"]), int(section["max_iter"]))


@dataclass(frozen=True)
class AvecBaseline(Section):
    """The `avec_baseline` section: the candidate windows, delays, complexities and post-processings searched on
    dev, the covariance floor of the functionals and the SVR settings."""

    window_s: tuple[float, ...]
    delay_s: tuple[float, ...]
    C: tuple[float, ...]
    postprocess: tuple[str, ...]
    cov_floor: float
    svr: Svr

    @classmethod
    def from_config(cls, section: dict) -> AvecBaseline:
        return cls(tuple(float(v) for v in section["window_s"]), tuple(float(v) for v in section["delay_s"]),
                   tuple(float(v) for v in section["C"]), tuple(str(v) for v in section["postprocess"]),
                   float(section["cov_floor"]), Svr.from_config(section["svr"]))


@dataclass(frozen=True)
class LabelStudy(Section):
    """The `label_study` section: the partitions whose gold standards are studied, the cutoff of the power share,
    the downsampling factors and the rebuilding spline."""

    partitions: tuple[str, ...]
    cutoff_hz: float
    factors: tuple[int, ...]
    spline: str

    @classmethod
    def from_config(cls, section: dict) -> LabelStudy:
        return cls(tuple(str(p) for p in section["partitions"]), float(section["cutoff_hz"]),
                   tuple(int(f) for f in section["factors"]), str(section["spline"]))


@dataclass(frozen=True)
class LinearContext(Section):
    """`baselines.linear_context`: the context window and frame spacing of the stacked frames (s) and the candidate
    ridge strengths chosen on dev."""

    context_s: float
    step_s: float
    ridge: tuple[float, ...]

    @classmethod
    def from_config(cls, section: dict) -> LinearContext:
        return cls(float(section["context_s"]), float(section["step_s"]), tuple(float(r) for r in section["ridge"]))


@dataclass(frozen=True)
class Segments:
    """`ablations.segments`: fixed-length training segments (s), segments per optimiser step, shuffle seed."""

    length_s: float
    batch: int
    seed: int

    @classmethod
    def from_config(cls, section: dict) -> Segments:
        return cls(float(section["length_s"]), int(section["batch"]), int(section["seed"]))


@dataclass(frozen=True)
class PostprocessingGrid(Section):
    """`ablations.postprocessing`: the median-filter windows and time shifts (s) the chain may choose on dev."""

    median_s: tuple[float, ...]
    shift_s: tuple[float, ...]

    @classmethod
    def from_config(cls, section: dict) -> PostprocessingGrid:
        return cls(tuple(float(v) for v in section["median_s"]), tuple(float(v) for v in section["shift_s"]))


@dataclass(frozen=True)
class SpeedTiming:
    """`ablations.speed`: timed epochs (interleaved repeats), untimed warm-up epochs, the BLSTM's units per
    direction (None: matched to the conv net's parameter count) and the ratio "much faster" must exceed."""

    epochs: int
    warmup: int
    blstm_hidden: int | None
    min_ratio: float

    @classmethod
    def from_config(cls, section: dict) -> SpeedTiming:
        hidden = section.get("blstm_hidden")
        return cls(int(section["epochs"]), int(section["warmup"]), None if hidden is None else int(hidden),
                   float(section["min_ratio"]))


@dataclass(frozen=True)
class AblationTraining(Section):
    """What every trained ablation variant shares (`ablations.seeds`, `.protocol`, `.segments`)."""

    seeds: tuple[int, ...]
    protocol: Protocol
    segments: Segments

    @classmethod
    def from_config(cls, section: dict) -> AblationTraining:
        return cls(tuple(int(s) for s in section["seeds"]), Protocol.from_config(section["protocol"]),
                   Segments.from_config(section["segments"]))


@dataclass(frozen=True)
class Ablations(Section):
    """`ablations`: the networks studied, what their trained variants share, the label delays (s), the
    post-processing grid, the other front end and the speed timing."""

    networks: tuple[str, ...]
    training: AblationTraining
    delay_s: tuple[float, ...]
    postprocessing: PostprocessingGrid
    frontend: str
    speed: SpeedTiming

    @classmethod
    def from_config(cls, section: dict) -> Ablations:
        return cls(tuple(section["networks"]), AblationTraining.from_config(section),
                   tuple(float(d) for d in section["label_delay"]["delay_s"]),
                   PostprocessingGrid.from_config(section["postprocessing"]), str(section["frontend"]["frontend"]),
                   SpeedTiming.from_config(section["speed"]))


@dataclass(frozen=True)
class ClaimTests(Section):
    """`claims` besides its list of claims: the level of every verdict (after Holm), the "at least as good" and
    "diminishing returns" margin, the difference at which power is reported and the equivalence margin (CCC)."""

    alpha: float
    margin: float
    effect: float
    equivalence_margin: float

    @classmethod
    def from_config(cls, section: dict) -> ClaimTests:
        return cls(float(section["alpha"]), float(section["margin"]), float(section["effect"]),
                   float(section["equivalence_margin"]))


@dataclass(frozen=True)
class SyntheticCorpus(Section):
    """`synthetic`: the built-in corpus (seed, audio rate, seconds per recording, recordings per partition,
    whether test is labelled, label rate, time scales)."""

    seed: int
    sample_rate: int
    duration_s: float
    recordings: dict
    test_labels: bool
    label_rate: float
    dynamics: Dynamics

    @classmethod
    def from_config(cls, section: dict) -> SyntheticCorpus:
        return cls(int(section["seed"]), int(section["sample_rate"]), float(section["duration_s"]),
                   {p: int(n) for p, n in section["recordings"].items()}, bool(section["test_labels"]),
                   float(section["label_rate"]), Dynamics.from_config(section["dynamics"]))


@dataclass(frozen=True)
class Figure5(Section):
    """`figure5`: whose dev predictions it shows, the recording (None: the first dev one) and the segment (s)."""

    networks: tuple[str, ...]
    recording: str | None
    start_s: float
    duration_s: float

    @classmethod
    def from_config(cls, section: dict) -> Figure5:
        recording = section["recording"]
        return cls(tuple(section["networks"]), None if recording is None else str(recording),
                   float(section["start_s"]), float(section["duration_s"]))
