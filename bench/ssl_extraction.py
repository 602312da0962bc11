"""Benchmark: SSL feature extraction (data/ssl.py) with a wav2vec2-base-sized model on the CPU.

The model: a randomly initialised Wav2Vec2Model with the sizes of facebook/wav2vec2-base (12 layers,
hidden 768, 12 heads, feed-forward 3072, the standard 7-layer convolutional front end with 512
channels and group normalisation; about 94 M parameters), saved in the Hugging Face format in a
temporary folder and loaded the way the pipeline loads it (the speed does not depend on the weights;
--checkpoint runs a real one instead). Audio: a speech-like 16 kHz signal (noise and a gliding tone
under a slowly varying envelope, as in bench/predict.py), on the 16-bit scale load_audio gives.

Speed: extraction of --speed-seconds (default 60 s) of audio with the default chunking (chunk_s 20,
context_s 2), after one untimed warm-up extraction of 5 s, in a fresh process per thread count (1 torch
thread, and all cores): seconds of audio per CPU second (time.process_time of the process, all its
threads) and the wall-clock real-time factor (wall seconds / audio seconds; below 1 is faster than
real time). Memory: a fresh process on all cores extracts --memory-seconds (default 300 s, a RECOLA
recording's length) with the default chunking; printed are its peak resident memory (ru_maxrss)
after imports, model loading and making the audio, and after the extraction (the difference is what
the extraction adds). Every hidden state is computed whatever the layer asked for (the layer only
selects), so the figures hold for any layer. Run it with the machine otherwise idle.

Usage: python bench/ssl_extraction.py [--speed-seconds 60] [--memory-seconds 300] [--threads 1 N]
       [--checkpoint FOLDER] > bench/results/ssl_extraction.txt
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

RATE = 16000


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speechlike(seconds: float, seed: int = 0):
    """16-bit-scale speech-like test signal (bench/predict.py's), float64."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 3.0 * t) * np.sin(2 * np.pi * 0.05 * t)
    tone = np.sin(2 * np.pi * (150 + 50 * np.sin(2 * np.pi * 0.2 * t)) * t)
    return 0.2 * envelope * (0.6 * tone + 0.4 * rng.standard_normal(n)) * 32768.0


def write_base_sized_checkpoint(folder: Path) -> Path:
    import torch
    from transformers import Wav2Vec2Config, Wav2Vec2FeatureExtractor, Wav2Vec2Model

    config = Wav2Vec2Config()  # the defaults are wav2vec2-base's sizes
    assert (config.num_hidden_layers, config.hidden_size, config.num_attention_heads, config.intermediate_size) == (
        12, 768, 12, 3072)
    torch.manual_seed(0)
    Wav2Vec2Model(config).eval().save_pretrained(folder, safe_serialization=True)
    Wav2Vec2FeatureExtractor(do_normalize=True, return_attention_mask=False).save_pretrained(folder)
    return folder


def child(args) -> None:
    """One measurement in this (fresh) process; prints a JSON line."""
    import torch

    torch.set_num_threads(args.child_threads)
    from longterm_emotion.frontends import ssl

    options = ssl.SSLOptions(checkpoint=args.checkpoint, layer=args.layer)
    t0 = time.perf_counter()
    model = ssl.load_model(options)
    load_s = time.perf_counter() - t0
    ssl.extract(speechlike(5.0, seed=1), RATE, options)  # warm-up
    x = speechlike(args.child_seconds)
    before = peak_mib()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    y = ssl.extract(x, RATE, options)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print(json.dumps({"threads": torch.get_num_threads(), "seconds": args.child_seconds, "wall": wall, "cpu": cpu,
                      "load_s": load_s, "peak_before_mib": before, "peak_after_mib": peak_mib(),
                      "frames": len(y), "dim": y.shape[1],
                      "parameters": sum(p.numel() for p in model.parameters())}))


def run_child(checkpoint: str, threads: int, seconds: float, layer: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child-threads", str(threads), "--child-seconds", str(seconds),
                          "--checkpoint", checkpoint, "--layer", str(layer)],
                         capture_output=True, text=True, check=True, env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--speed-seconds", type=float, default=60.0)
    parser.add_argument("--memory-seconds", type=float, default=300.0)
    parser.add_argument("--threads", type=int, nargs="+", default=None, help="default: 1 and all cores")
    parser.add_argument("--checkpoint", default=None, help="a real checkpoint folder instead of the random one")
    parser.add_argument("--layer", type=int, default=6)
    parser.add_argument("--child-threads", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child-seconds", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_threads is not None:
        child(args)
        return

    import torch
    import transformers

    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    threads = args.threads or sorted({1, cores})
    with tempfile.TemporaryDirectory() as tmp:
        if args.checkpoint is None:
            checkpoint = str(write_base_sized_checkpoint(Path(tmp) / "wav2vec2-base-random"))
            what = "random Wav2Vec2Model sized like facebook/wav2vec2-base"
        else:
            checkpoint, what = args.checkpoint, f"checkpoint {args.checkpoint}"
        speed = [run_child(checkpoint, n, args.speed_seconds, args.layer) for n in threads]
        memory = run_child(checkpoint, cores, args.memory_seconds, args.layer)

    print(f"device cpu: {cpu_name()}, {cores} cores; torch {torch.__version__}, transformers {transformers.__version__}, "
          f"python {platform.python_version()}; load average {load:.2f} at the start (1 min)")
    print(f"model: {what} ({speed[0]['parameters'] / 1e6:.1f} M parameters, hidden {speed[0]['dim']}); "
          f"layer {args.layer}; default chunking (chunk_s 20, context_s 2); loaded in {speed[0]['load_s']:.1f} s")
    print(f"speed: {args.speed_seconds:g} s of 16 kHz audio after a 5 s warm-up, fresh process per thread count")
    print("threads  audio s  wall s  CPU s  audio s per CPU s  real-time factor (wall)  x real time")
    for row in speed:
        print(f"{row['threads']:7d}  {row['seconds']:7.0f}  {row['wall']:6.2f}  {row['cpu']:5.2f}  "
              f"{row['seconds'] / row['cpu']:17.1f}  {row['wall'] / row['seconds']:23.4f}  {row['seconds'] / row['wall']:11.1f}")
    m = memory
    print(f"memory: {m['seconds']:g} s recording ({m['frames']} frames x {m['dim']}), {m['threads']} threads, fresh process: "
          f"peak RSS {m['peak_before_mib']:.0f} MiB after imports, model and audio, {m['peak_after_mib']:.0f} MiB after "
          f"extraction (+{m['peak_after_mib'] - m['peak_before_mib']:.0f} MiB); wall {m['wall']:.1f} s "
          f"(real-time factor {m['wall'] / m['seconds']:.4f}), CPU {m['cpu']:.1f} s")


if __name__ == "__main__":
    main()
