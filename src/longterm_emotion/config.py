"""Config validation with short messages that name the offending key."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml

# Keys of earlier versions and where their settings live now.
MOVED_KEYS = {
    ("training",): "compute (device, gpus_per_job, threads)",
    ("sweep", "lr"): "sweep.optim.lr",
    ("sweep", "l2"): "sweep.optim.l2",
    ("sweep", "max_epochs"): "sweep.protocol.max_epochs",
    ("sweep", "patience"): "sweep.protocol.patience",
    ("sweep", "shuffle_seed"): "sweep.protocol.shuffle_seed",
    ("train", "max_epochs"): "train.protocol.max_epochs",
    ("train", "patience"): "train.protocol.patience",
    ("train", "shuffle_seed"): "train.protocol.shuffle_seed",
    ("sweep", "runs"): "sweep.seeds, a list (runs: N with seed: S was [S, S+1, ..., S+N-1])",
    ("sweep", "seed"): "sweep.seeds, a list (runs: N with seed: S was [S, S+1, ..., S+N-1])",
    ("grid", "runs"): "grid.seeds, a list (runs: N was [train.seeds[0] + 1000, ..., train.seeds[0] + 999 + N])",
}
OPTIMISER_KEYS = ("lr", "l2")


class ConfigError(ValueError):
    """The config does not match the schema; the message names every bad key."""


def moved_keys(config: dict) -> list[str]:
    """One line per key of an earlier config layout, naming its new place."""
    lines = []
    for path, new_place in MOVED_KEYS.items():
        section = config
        for part in path[:-1]:
            section = section.get(part) if isinstance(section, dict) else None
        if isinstance(section, dict) and path[-1] in section:
            lines.append(f"config key {'.'.join(path)}: moved; set it as {new_place}")
    from .nets import NETWORKS

    network_keys = {key for entry in NETWORKS.values() for key in entry.field_names()}
    for network, by_dimension in (config.get("models") or {}).items():
        for dimension, settings in (by_dimension or {}).items() if isinstance(by_dimension, dict) else ():
            flat = sorted(set(settings) & {*OPTIMISER_KEYS, *network_keys}) if isinstance(settings, dict) else []
            for key in flat:
                group = "optim" if key in OPTIMISER_KEYS else "net"
                lines.append(f"config key models.{network}.{dimension}.{key}: moved; set it as "
                             f"models.{network}.{dimension}.{group}.{key}")
    return lines


def prepare(config: dict, schema_path, defaults_path) -> dict:
    """The workflow's one check at load, in order: settings left out come from `defaults_path` (config.yaml, the
    one place of the defaults; also when the workflow is a module of another), the config's plugins register
    their networks and front ends, the schema checks every key (one line per problem), then the values the
    schema cannot relate are checked and network settings left out take their registered defaults."""
    from . import plugins

    fill_missing(config, yaml.safe_load(Path(defaults_path).read_text()))
    plugins.load(config.get("plugins"))
    check(config, schema_path)
    check_semantics(config)
    complete_models(config)
    return config


def problems(config: dict, schema_path) -> list[str]:
    """One line per problem: keys of an earlier layout first, then schema violations ('config key a.b.c: ...')."""
    lines = moved_keys(config)
    if lines:
        return lines
    schema = yaml.safe_load(Path(schema_path).read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    for error in sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path))):
        key = ".".join(str(part) for part in error.absolute_path) or "(top level)"
        if error.validator == "additionalProperties":
            lines.append(f"config key {key}: {error.message.split('(')[-1].rstrip(')')} (unknown key)")
        else:
            lines.append(f"config key {key}: {error.message}")
    if lines:
        return lines
    return optim_grid_problems(config, schema) + network_problems(config) + frontend_problems(config)


def optim_grid_problems(config: dict, schema: dict) -> list[str]:
    """Every searched optimiser value checked exactly as models.<network>.<dimension>.optim is."""
    lines = []
    properties = schema["$defs"]["optim"]["properties"]
    for network, space in sorted((config.get("grid", {}).get("space") or {}).items()):
        for key, values in sorted((space.get("optim") or {}).items()):
            validator = _validator(properties[key])
            lines += [f"config key grid.space.{network}.optim.{key}[{index}]: {error.message} "
                      f"(as models.{network}.<dimension>.optim.{key})"
                      for index, value in enumerate(values) for error in validator.iter_errors(value)]
    return lines


def check(config: dict, schema_path) -> None:
    """Raise ConfigError listing every problem, before any job runs."""
    found = problems(config, schema_path)
    if found:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(found))


def device_problems(device: str) -> list[str]:
    """compute.device `cuda[:N]` on a machine without a visible GPU (torch is imported only for such a device)."""
    if not device.startswith("cuda"):
        return []
    from .nets.training import DeviceError, resolve_device

    try:
        resolve_device(device)
    except DeviceError as exc:
        return [str(exc)]
    return []


def check_device(device: str) -> None:
    """Raise ConfigError when the configured device does not exist here (checked when a local run starts)."""
    found = device_problems(device)
    if found:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(found))


def fill_missing(config: dict, defaults: dict) -> dict:
    """Add, in place, every key of `defaults` that `config` lacks, recursing into dicts
    (lists and values given in `config` are kept whole). Returns `config`."""
    for key, value in defaults.items():
        if key not in config:
            config[key] = value
        elif isinstance(config[key], dict) and isinstance(value, dict):
            fill_missing(config[key], value)
    return config


def load_files(*paths) -> dict:
    """The config of several YAML files, each updating the ones before it key by key (recursing into
    dicts), as Snakemake merges `--configfile a.yaml b.yaml`."""

    def update(base: dict, extra: dict) -> None:
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(base.get(key), dict):
                update(base[key], value)
            else:
                base[key] = value

    config: dict = {}
    for path in paths:
        update(config, yaml.safe_load(Path(path).read_text()) or {})
    return config


def semantic_problems(config: dict, cwd=None) -> list[str]:
    """One line per setting that passes the schema but would fail (or do harm) once jobs run.

    `config` has config.yaml's values filled in. Relative results_dir and data_dir
    are taken from `cwd` (default: the working directory), as Snakemake does.
    """
    return (
        _path_problems(config, Path.cwd() if cwd is None else Path(cwd))
        + _sweep_problems(config)
        + _feature_problems(config["features"])
        + _synthetic_problems(config)

        + _grid_problems(config)
        + _claim_problems(config)
        + _robustness_problems(config.get("robustness") or {})
    )


def check_semantics(config: dict, cwd=None) -> None:
    """Raise ConfigError listing every problem found by semantic_problems, before any job runs."""
    found = semantic_problems(config, cwd)
    if found:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(found))


def _path_problems(config: dict, cwd: Path) -> list[str]:
    lines = []
    results, data = config["results_dir"], config["data_dir"]
    if data is not None and not data.strip():
        lines.append("config key data_dir: empty; set a RECOLA release folder, or null for the synthetic corpus")
        data = None
    if not results.strip():
        return lines + ["config key results_dir: empty; outputs would go to the file-system root ('/corpus', '/features', ...)"]
    results_path = (cwd / results).resolve()
    if results_path == Path(results_path.anchor):
        return lines + [f"config key results_dir: {results!r} is the file-system root; give a folder of its own"]
    if data is not None:
        data_path = (cwd / data).resolve()
        if results_path == data_path or data_path in results_path.parents:
            where = "is" if results_path == data_path else "is inside"
            lines.append(
                f"config key results_dir: {results!r} {where} data_dir {data!r}; "
                "the pipeline must not write into the corpus, give a folder outside it"
            )
    return lines


def _grid_problems(config: dict) -> list[str]:
    """Every network must have at least grid.points combinations (the same search budget for all), and the
    search's seeds are not the final runs'."""
    from .experiments.grid import grid_size

    points, spaces = config["grid"]["points"], config["grid"]["space"]
    lines = [
        f"config key grid.space.{network}: {grid_size(spaces.get(network, {}))} combinations, fewer than grid.points "
        f"({points}); every network is searched with the same number of points"
        for network in config["networks"] if grid_size(spaces.get(network, {})) < points
    ]
    shared = sorted(set(config["grid"]["seeds"]) & set(config["train"]["seeds"]))
    if shared:
        lines.append(f"config key grid.seeds: {shared} also in train.seeds; a final run would repeat a search run "
                     "(the default search seeds are 1000, 1001, ...)")
    return lines


def _validator(schema: dict):
    return jsonschema.validators.validator_for(schema)(schema)


def network_problems(config: dict) -> list[str]:
    """The networks against the network registry (plugins loaded): every name registered, every setting of
    `models` and every searched value of `grid.space` a valid value of the network's settings."""
    from .nets import NETWORKS

    lines = []
    known = ", ".join(sorted(NETWORKS))
    hint = "a network of your own registers from a module in the config's plugins list"
    config = {"comparisons": [], "figure5": {}, "robustness": {}, "models": {}, "grid": {}, **config}
    for i, name in enumerate(config["networks"]):
        if name not in NETWORKS:
            lines.append(f"config key networks[{i}]: {name!r} is not a registered network ({known}); {hint}")
    for i, pair in enumerate(config["comparisons"]):
        lines += [f"config key comparisons[{i}]: {name!r} is not a registered network ({known})"
                  for name in pair if name not in NETWORKS]
    lines += [f"config key figure5.networks: {name!r} is not in networks ({', '.join(config['networks'])})"
              for name in config["figure5"].get("networks", []) if name not in config["networks"]]
    lines += [f"config key ablations.networks: {name!r} is not a registered network ({known})"
              for name in (config.get("ablations") or {}).get("networks", []) if name not in NETWORKS]
    for i, pair in enumerate(config["robustness"].get("comparisons", [])):
        lines += [f"config key robustness.comparisons[{i}]: {name!r} is not a registered network ({known})"
                  for name in pair if name not in NETWORKS]
    for name in config["networks"]:
        if name not in NETWORKS:
            continue
        entry = NETWORKS[name]
        schema = entry.schema()
        by_dimension = config["models"].get(name) or {}
        for dimension in config["dimensions"]:
            where = f"config key models.{name}.{dimension}"
            if dimension not in by_dimension:
                lines.append(f"{where}: missing; give at least its optim (lr, l2); net settings left out take "
                             f"{name}'s defaults")
                continue
            net = by_dimension[dimension].get("net", {})
            for error in sorted(_validator(schema).iter_errors(net), key=lambda e: list(map(str, e.absolute_path))):
                key = ".".join(map(str, error.absolute_path))
                if error.validator == "additionalProperties":
                    extra = sorted(set(net) - set(entry.field_names()))
                    lines.append(f"{where}.net: unknown setting(s) {', '.join(extra)} of {name} "
                                 f"(its settings: {', '.join(entry.field_names())})")
                else:
                    lines.append(f"{where}.net{'.' + key if key else ''}: {error.message}")
        space = (config["grid"].get("space") or {}).get(name, {})
        for key, values in sorted((space.get("net") or {}).items()):
            if key not in schema["properties"]:
                lines.append(f"config key grid.space.{name}.net.{key}: not a setting of {name} "
                             f"(its settings: {', '.join(entry.field_names())})")
                continue
            validator = _validator(schema["properties"][key])
            for index, value in enumerate(values):
                lines += [f"config key grid.space.{name}.net.{key}[{index}]: {error.message} "
                          f"(as models.{name}.<dimension>.net.{key})" for error in validator.iter_errors(value)]
    return lines


def frontend_problems(config: dict) -> list[str]:
    """The front end against the front-end registry (plugins loaded): registered, its options valid, its frame
    shift dividing the label period; every options sub-section features.<name> names a registered front end."""
    from . import constants
    from .frontends import FRONTENDS
    from .frontends.registry import stack_problem

    features = config["features"]
    known = ", ".join(sorted(FRONTENDS))
    lines = [f"config key features.{key}: not a registered front end ({known}), so not an options section"
             for key, value in features.items() if isinstance(value, dict) and key not in FRONTENDS]
    name = features["frontend"]
    if name not in FRONTENDS:
        return lines + [f"config key features.frontend: {name!r} is not a registered front end ({known}); a front end "
                        "of your own registers from a module in the config's plugins list"]
    front = FRONTENDS[name]
    try:
        options = front.options_of(features)
    except (TypeError, ValueError) as exc:
        return lines + [f"config key features.{name}: {exc}"]
    problem = stack_problem(front, options, constants.label_rate(features["stack"], features["frame_shift_ms"]))
    return lines + ([f"config key features.frontend: {name}: {problem}"] if problem else [])


def complete_models(config: dict) -> dict:
    """Fill, in place, every network's settings left out of models.<network>.<dimension>.net with the
    network's registered defaults (run after the checks). Returns `config`."""
    from .nets import NETWORKS

    for name in config["networks"]:
        for dimension, settings in config["models"].get(name, {}).items():
            settings["net"] = {**NETWORKS[name].defaults(), **(settings.get("net") or {})}
    return config


# The fields each kind of claim needs (claims.paper), beyond id, section, kind and statement.
CLAIM_FIELDS = {"greater": ("a", "b"), "not_worse": ("a", "b"), "smoother": ("a", "b"), "sweep_gain": ("short", "long"),
                "label_power": ("threshold",), "downsampling": ("factor", "threshold"), "faster": ("a", "b")}


def _robustness_problems(section: dict) -> list[str]:
    """The telephone band fits below the telephone rate's Nyquist frequency, low edge first."""
    telephone = section.get("telephone") or {}
    if "band_hz" not in telephone or "rate" not in telephone:
        return []
    (low, high), rate = telephone["band_hz"], telephone["rate"]
    if not low < high < rate / 2:
        return [f"config key robustness.telephone.band_hz: {[low, high]} must rise and stay below half of "
                f"robustness.telephone.rate ({rate / 2:g} Hz)"]
    return []


def _claim_problems(config: dict) -> list[str]:
    """Each claim names known methods and has the fields of its kind; ids are unique."""
    from .methods import REFERENCES
    from .nets import NETWORKS

    networks = sorted(NETWORKS)  # a claim on a network this run leaves out is reported as not run
    methods = [*REFERENCES, *networks]
    lines, seen = [], set()
    listed = [(f"claims.{family}[{i}]", claim) for family in ("paper", "beyond_paper")
              for i, claim in enumerate(config["claims"].get(family, []))]
    for key, claim in listed:
        where = f"config key {key} ({claim['id']})"
        if claim["id"] in seen:
            lines.append(f"{where}: id given twice")
        seen.add(claim["id"])
        missing = [f for f in CLAIM_FIELDS[claim["kind"]] if f not in claim]
        if missing:
            lines.append(f"{where}: kind {claim['kind']} needs {', '.join(missing)}")
            continue
        if claim["kind"] in ("greater", "not_worse", "smoother", "faster"):
            known = networks if claim["kind"] == "faster" else methods
            a = claim["a"] if isinstance(claim["a"], list) else [claim["a"]]
            if claim["kind"] != "faster" and isinstance(claim["a"], list):
                lines.append(f"{where}: a is one method for kind {claim['kind']}")
            lines += [f"{where}: unknown method {m!r}; one of {', '.join(known)}" for m in [*a, claim["b"]]
                      if m not in known]
    return lines


def _synthetic_problems(config: dict) -> list[str]:
    """Figure 5's segment against the synthetic corpus, whose recordings are known from the config
    (a real corpus's lengths are known only when its files are read)."""
    if config["data_dir"] is not None:
        return []
    lines = []
    synthetic, figure = config["synthetic"], config["figure5"]
    if figure["start_s"] >= synthetic["duration_s"]:
        lines.append(
            f"config key figure5.start_s: {figure['start_s']:g} s is past the end of the synthetic recordings "
            f"(synthetic.duration_s: {synthetic['duration_s']:g} s)"
        )
    dev = [f"dev_{n}" for n in range(1, synthetic["recordings"]["dev"] + 1)]
    if figure["recording"] is not None and figure["recording"] not in dev:
        lines.append(f"config key figure5.recording: {figure['recording']!r} is not a synthetic dev recording ({dev[0]} ... {dev[-1]})")
    return lines


def _sweep_problems(config: dict) -> list[str]:
    sweep = config["sweep"]
    longest = max(sweep["filter_lengths"])
    if sweep["fft_size"] <= longest:
        return [
            f"config key sweep.fft_size: {sweep['fft_size']} must exceed the longest of sweep.filter_lengths "
            f"({longest}); the filter is applied by FFT blocks of fft_size - L + 1 frames"
        ]
    return []


def _feature_problems(features: dict) -> list[str]:
    """kaldi-native-fbank's own checks (MelBanks::InitKaldiMelBanks, FrameExtractionOptions), made at load time."""
    rate = float(features["sample_rate"])
    window = int(rate * 0.001 * features["frame_length_ms"])  # Kaldi truncates, as here
    shift = int(rate * 0.001 * features["frame_shift_ms"])
    lines = []
    if window < 2:
        lines.append(f"config key features.frame_length_ms: {features['frame_length_ms']} ms is {window} samples at features.sample_rate {rate:g} Hz; need at least 2")
    if shift < 1:
        lines.append(f"config key features.frame_shift_ms: {features['frame_shift_ms']} ms is less than one sample at features.sample_rate {rate:g} Hz")
    nyquist = rate / 2
    low, high = float(features["low_freq"]), float(features["high_freq"])
    effective_high = high if high > 0 else nyquist + high  # Kaldi convention: <= 0 is an offset from Nyquist
    if not 0 <= low < nyquist:
        lines.append(f"config key features.low_freq: {low:g} Hz is outside [0, {nyquist:g}) Hz (Nyquist frequency of features.sample_rate {rate:g} Hz)")
    if not 0 < effective_high <= nyquist:
        shown = f"{high:g} Hz" if high > 0 else f"{high:g} (Nyquist {nyquist:g} Hz {high:+g} Hz = {effective_high:g} Hz)"
        lines.append(f"config key features.high_freq: {shown} is outside (0, {nyquist:g}] Hz; values <= 0 are offsets from Nyquist")
    elif 0 <= low < nyquist and effective_high <= low:
        lines.append(f"config key features.high_freq: {effective_high:g} Hz is not above features.low_freq ({low:g} Hz)")
    bins = int(features["num_mel_bins"])
    if bins < 3:
        lines.append(f"config key features.num_mel_bins: {bins}; kaldi-native-fbank needs at least 3")
    if lines:
        return lines
    padded = 1 << (window - 1).bit_length()  # round_to_power_of_two, kaldi-native-fbank's default
    if not mel_bins_fit(bins, rate, padded, low, effective_high):
        fits, fails = 2, bins  # bisect for a count that fits and the next that does not
        while fails - fits > 1:
            middle = (fits + fails) // 2
            fits, fails = (middle, fails) if mel_bins_fit(middle, rate, padded, low, effective_high) else (fits, middle)
        lines.append(
            f"config key features.num_mel_bins: {bins} mel bins between {low:g} and {effective_high:g} Hz leave some bin "
            f"without an FFT bin (window of {window} samples padded to {padded}: {padded // 2} FFT bins); "
            + (f"{fits} fit, {fits + 1} do not" if fits >= 3 else "fewer than 3 fit")
        )
    return lines


def mel_bins_fit(num_bins: int, sample_rate: float, padded_window: int, low_freq: float, high_freq: float) -> bool:
    """Whether every Kaldi mel triangle holds at least one FFT bin centre (kaldi-native-fbank's
    "You may have set num_mel_bins too large" check), computed in float32 as it does."""
    import numpy as np

    f32 = np.float32

    def mel(freq):
        return f32(1127.0) * np.log(f32(1.0) + np.asarray(freq, dtype=f32) / f32(700.0))

    mel_low, mel_high = mel(low_freq), mel(high_freq)
    delta = (mel_high - mel_low) / f32(num_bins + 1)
    index = np.arange(num_bins, dtype=f32)
    left, right = mel_low + index * delta, mel_low + (index + f32(2)) * delta
    centres = mel(f32(f32(sample_rate) / f32(padded_window)) * np.arange(padded_window // 2, dtype=f32))
    inside = (centres[None, :] > left[:, None]) & (centres[None, :] < right[:, None])
    return bool(inside.any(axis=1).all())
