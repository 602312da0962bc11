"""Benchmark: `longterm-emotion predict` on long recordings, one CPU core: real-time factor and peak memory.

Per duration (default 15, 30, 60 min) a fresh process pinned to one core with one
torch thread reads a 16 kHz 16-bit WAV, computes the pipeline's features (fbank,
normalisation, stacking) and runs the down/up ensembles of both dimensions (the
default config's settings: width 32 for arousal, 128 for valence, 5 members each),
then writes the CSV, ARFFs and PNG. Printed per stage: wall seconds and real-time
factor; per process: peak resident memory (ru_maxrss) and what it adds to the
memory after imports. The weights are untrained unless --models points at a results
folder or a folder of bundles (the speed does not depend on the weights).

Usage: python bench/predict.py [--minutes 15 30 60] [--models results] [--cpu 0]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def rss_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_now_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def write_test_audio(path: Path, minutes: float, rate: int = 16000) -> None:
    """Speech-like test signal (noise shaped by a slowly varying envelope), written in blocks: 16-bit mono WAV."""
    import numpy as np
    import soundfile

    rng = np.random.default_rng(0)
    block = 60 * rate
    with soundfile.SoundFile(path, "w", samplerate=rate, channels=1, subtype="PCM_16") as out:
        for start in range(0, int(minutes * 60 * rate), block):
            n = min(block, int(minutes * 60 * rate) - start)
            t = (start + np.arange(n)) / rate
            envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 3.0 * t) * np.sin(2 * np.pi * 0.05 * t)
            tone = np.sin(2 * np.pi * (150 + 50 * np.sin(2 * np.pi * 0.2 * t)) * t)
            out.write((0.2 * envelope * (0.6 * tone + 0.4 * rng.standard_normal(n))).astype(np.float32))


def untrained_bundles() -> dict:
    """Down/Up ensembles with the default config's settings, as in-memory bundles."""
    import yaml

    from longterm_emotion.experiments.common import split_settings
    from longterm_emotion.nets import build_model
    from longterm_emotion.serving.bundles import Bundle

    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    cfg = config["features"]
    bundles = {}
    for dimension in ("arousal", "valence"):
        settings, _ = split_settings(config["models"]["downup"][dimension])
        seeds = config["train"]["seeds"]
        info = {"network": "downup", "dimension": dimension, "settings": settings, "seeds": seeds,
                "in_dim": cfg["num_mel_bins"] * cfg["stack"], "features": cfg, "label_rate": 25.0,
                "corpus_name": "untrained weights (benchmark)", "dev_ccc": 0.0, "config_hash": "-"}
        model = build_model("downup", info["in_dim"], seeds, **settings).eval()
        bundles[dimension] = Bundle(Path(f"downup_{dimension}.pt"), info, model)
    return bundles


class Clock:
    """Wall and CPU seconds of a stage (CPU time is the fair figure on a shared machine)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    @property
    def both(self) -> tuple[float, float]:
        return self.wall, self.cpu


def child(audio: Path, minutes: float, models: str | None, out: Path, mode: str) -> dict:
    """One measurement, in this (fresh) process. mode 'stream': what `longterm-emotion predict` does
    (audio read block by block); 'whole': the whole recording read first with load_audio."""
    import numpy as np
    import pandas as pd
    import torch

    torch.set_num_threads(1)
    from longterm_emotion.data.audio import audio_blocks, load_audio
    from longterm_emotion.data.features import features_for_audio
    from longterm_emotion.serving import bundles as bundles_mod
    from longterm_emotion.serving import predict

    if models:
        bundles = bundles_mod.choose(bundles_mod.find_bundles(models), ("arousal", "valence"), "downup")
    else:
        bundles = untrained_bundles()
    import matplotlib.pyplot  # noqa: F401  (imported before the baseline, like torch)

    baseline = rss_now_mib()
    cfg = bundles["arousal"].info["features"]
    stages = {}
    with Clock() as clock:
        if mode == "whole":
            samples = load_audio(audio, int(cfg["sample_rate"]))
        else:
            samples = audio_blocks(audio, int(cfg["sample_rate"]))
        _, stacked = features_for_audio(samples, cfg, source=audio)
        del samples
    stages["read audio + fbank + normalise + stack"] = clock.both
    after_features = rss_peak_mib()
    peaks = {}
    table = {"time": np.arange(len(stacked)) / bundles["arousal"].info["label_rate"]}
    for dimension, bundle in bundles.items():
        with Clock() as clock:
            members = predict.ensemble_predictions(bundle, stacked)
        peaks[dimension] = rss_peak_mib()
        stages[f"{dimension} {bundle.network} ({len(bundle.info['seeds'])} members, width {bundle.info['settings']['width']})"] = (
            clock.both)
        table[dimension], table[f"{dimension}_std"] = members.mean(axis=0), members.std(axis=0)
        del members
    del stacked
    with Clock() as clock:
        predict.write_prediction(pd.DataFrame(table), out, audio.stem, bundles, audio.name)
    stages["write csv + arff + png"] = clock.both
    return {"minutes": minutes, "seconds": minutes * 60, "mode": mode, "stages": stages, "baseline_mib": baseline,
            "peak_features_mib": after_features, "peak_after_models_mib": max(peaks.values()),
            "peak_mib": rss_peak_mib()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[15, 30, 60])
    parser.add_argument("--models", default=None, help="results folder or folder of bundles (default: untrained)")
    parser.add_argument("--cpu", type=int, default=None, help="core to pin to (default: the first allowed)")
    parser.add_argument("--modes", nargs="+", choices=["stream", "whole"], default=["stream", "whole"],
                        help="stream: audio read block by block (what the command does); whole: read first")
    parser.add_argument("--child", nargs=4, metavar=("AUDIO", "MINUTES", "OUT", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), float(args.child[1]), args.models, Path(args.child[2]), args.child[3])))
        return
    core = args.cpu if args.cpu is not None else min(os.sched_getaffinity(0))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for minutes in args.minutes:
            audio = Path(tmp) / f"bench_{minutes:g}min.wav"
            write_test_audio(audio, minutes)
            for mode in args.modes:
                command = ["taskset", "-c", str(core), sys.executable, __file__, "--child", str(audio), str(minutes),
                           str(Path(tmp) / "out"), mode] + (["--models", args.models] if args.models else [])
                env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
                proc = subprocess.run(command, capture_output=True, text=True, env=env)
                if proc.returncode:
                    sys.exit(proc.stderr)
                result = json.loads(proc.stdout.strip().splitlines()[-1])
                results.append(result)
                print(f"\n{minutes:g} min of 16 kHz mono audio, audio read {'whole' if mode == 'whole' else 'in blocks'}, "
                      f"one core (taskset -c {core}), one torch thread:")
                print(f"  {'stage':<50s} {'wall s':>7s} {'CPU s':>7s}   x real time: wall, CPU")
                rows = list(result["stages"].items())
                model = [(w, c) for stage, (w, c) in rows if "members" in stage]
                read = result["stages"]["read audio + fbank + normalise + stack"]
                rows.append(("features + both ensembles (no file writing)",
                             (read[0] + sum(w for w, _ in model), read[1] + sum(c for _, c in model))))
                rows.append(("total", (sum(w for _, (w, _) in rows[:-1]), sum(c for _, (_, c) in rows[:-1]))))
                for stage, (wall, cpu_s) in rows:
                    print(f"  {stage:<50s} {wall:7.2f} {cpu_s:7.2f}   {result['seconds'] / wall:8.0f} "
                          f"{result['seconds'] / max(cpu_s, 1e-9):8.0f}")
                print(f"  peak memory {result['peak_mib']:.0f} MiB: {result['baseline_mib']:.0f} MiB after imports + "
                      f"{result['peak_mib'] - result['baseline_mib']:.0f} MiB (peak up to the end of the features: "
                      f"+{result['peak_features_mib'] - result['baseline_mib']:.0f} MiB, of the ensembles: "
                      f"+{result['peak_after_models_mib'] - result['baseline_mib']:.0f} MiB)")
            audio.unlink()
    print("\npeak memory above the after-import baseline, per minute of audio:")
    for r in results:
        print(f"  {r['minutes']:5g} min, audio read {r['mode']:>6s}: "
              f"{(r['peak_mib'] - r['baseline_mib']) / r['minutes']:6.1f} MiB/min "
              f"({r['peak_mib'] - r['baseline_mib']:.0f} MiB)")


if __name__ == "__main__":
    main()
