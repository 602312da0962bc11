"""Benchmark: the networks' training epochs against this machine's measured matrix-multiply peak.

Peak: torch.matmul of two random n x n matrices on one torch thread (the peak per core), the best
of `--repeats` products, 2 n^3 FLOPs each; in fp32, and in bf16 where the CPU has AMX-BF16 or
AVX512-BF16 (the /proc/cpuinfo flags amx_bf16, avx512_bf16; with `--device cuda`: the GPU's peak,
bf16 where torch.cuda.is_bf16_supported()).

Networks: each of dilated, downup and blstm with the config's settings (models.<network>.<dimension>,
the first dimension by default) as an ensemble of len(train.seeds) members, trained as
experiments.timing.time_epochs trains one (Adam at the configured lr, one step per recording, the
summed negative CCC of the members) on a synthetic training partition shaped like the built-in
corpus's (9 recordings x 7,501 frames x 160 features; random normal features and targets: the cost
does not depend on the values). Seconds per epoch: the median of `--epochs` epochs after `--warmup`
untimed ones, on `--threads` torch threads (default compute.threads).

FLOPs are counted from the layer shapes met in one forward pass (multiply and add = 2 FLOPs, per
member of the ensemble): Conv1d 2 (C_in / groups) C_out k T_out, ConvTranspose1d the same with
T_in, Linear 2 in out per row, LSTM 2 * 4 (in + hidden) hidden per step and direction (layer by
layer). Elementwise work (activations, pooling, gates, loss, Adam) is not counted. Training =
forward + weight gradient (as much as the forward) + input gradient (as much again), i.e. about 3x
the forward, less the input gradient of a layer whose input needs none (the layer reading the
features; for an LSTM the input projection's part of it, the recurrent part is always needed).
Achieved GFLOP/s = training FLOPs of an epoch / seconds per epoch; share = achieved / (fp32 peak per
core x threads); on a GPU, of the GPU's peak.

Last, the conv nets' epochs under torch.autocast(dtype=torch.bfloat16) (the loss in fp32 on the
upcast predictions) next to fp32, to show whether bf16 pays on this machine (the pipeline does not
use it). Run it with the machine otherwise idle.
Usage: python bench/roofline.py [--quick] [--device cpu|cuda] [--threads N] [--recordings 9] [--frames 7501]
       [--epochs 5] [--warmup 1] [--size 2048] [--networks dilated downup blstm] [--configfile config.yaml]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch
import yaml
from torch import nn

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "src"))
from longterm_emotion.nets import build_model, ccc_loss  # noqa: E402
from longterm_emotion.settings import NetworkSettings  # noqa: E402

CONV_NETS = ("dilated", "downup")


# ---- FLOPs from layer shapes ---------------------------------------------------------------------


def conv1d_flops(c_in: int, c_out: int, kernel: int, groups: int, t_out: int, batch: int = 1) -> int:
    """Forward FLOPs of a Conv1d: each output element is a dot product of length (c_in / groups) * kernel."""
    return 2 * (c_in // groups) * c_out * kernel * t_out * batch


def conv_transpose1d_flops(c_in: int, c_out: int, kernel: int, groups: int, t_in: int, batch: int = 1) -> int:
    """Forward FLOPs of a ConvTranspose1d: each input element is scattered to (c_out / groups) * kernel outputs."""
    return 2 * (c_out // groups) * c_in * kernel * t_in * batch


def linear_flops(in_features: int, out_features: int, rows: int) -> int:
    return 2 * in_features * out_features * rows


def lstm_flops(input_size: int, hidden: int, steps: int, layers: int = 1, bidirectional: bool = True,
               batch: int = 1) -> int:
    """Forward FLOPs of an LSTM: 4 gates of (input + hidden) -> hidden per step, direction and layer."""
    directions = 2 if bidirectional else 1
    total, size = 0, input_size
    for _ in range(layers):
        total += 2 * 4 * (size + hidden) * hidden * steps * directions * batch
        size = hidden * directions
    return total


def layer_flops(module: nn.Module, x: torch.Tensor, y) -> tuple[int, int]:
    """(forward, training) FLOPs of one call of a counted layer (input x, output y), else (0, 0)."""
    needs_input_grad = x.requires_grad
    if isinstance(module, nn.Conv1d):
        forward = conv1d_flops(module.in_channels, module.out_channels, module.kernel_size[0], module.groups,
                               y.shape[-1], y.shape[0] if y.dim() == 3 else 1)
    elif isinstance(module, nn.ConvTranspose1d):
        forward = conv_transpose1d_flops(module.in_channels, module.out_channels, module.kernel_size[0],
                                         module.groups, x.shape[-1], x.shape[0] if x.dim() == 3 else 1)
    elif isinstance(module, nn.Linear):
        forward = linear_flops(module.in_features, module.out_features, x.numel() // module.in_features)
    elif isinstance(module, nn.LSTM):
        steps, batch = (x.shape[1], x.shape[0]) if module.batch_first else (x.shape[0], x.shape[1])
        if x.dim() == 2:
            steps, batch = x.shape[0], 1
        forward = lstm_flops(module.input_size, module.hidden_size, steps, module.num_layers,
                             module.bidirectional, batch)
        if not needs_input_grad:  # the first layer's input projection needs no input gradient
            directions = 2 if module.bidirectional else 1
            return forward, 3 * forward - 2 * 4 * module.input_size * module.hidden_size * steps * directions * batch
        return forward, 3 * forward
    else:
        return 0, 0
    return forward, (3 if needs_input_grad else 2) * forward


def count_flops(model: nn.Module, x: torch.Tensor) -> tuple[int, int]:
    """(forward, training step) FLOPs of model(x), from the shapes every Conv1d, ConvTranspose1d, Linear
    and LSTM sees in one forward pass (with autograd on, so that a layer knows whether its input needs a
    gradient)."""
    totals = [0, 0]

    def hook(module, inputs, output):
        y = output[0] if isinstance(output, tuple) else output
        forward, training = layer_flops(module, inputs[0], y)
        totals[0] += forward
        totals[1] += training

    counted = (nn.Conv1d, nn.ConvTranspose1d, nn.Linear, nn.LSTM)
    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, counted)]
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
    return totals[0], totals[1]


# ---- measurements --------------------------------------------------------------------------------


def synchronise(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_peak(n: int, dtype: torch.dtype, repeats: int, device: torch.device) -> float:
    """GFLOP/s of the fastest of `repeats` n x n matrix products (after one untimed product)."""
    g = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=g).to(device, dtype)
    b = torch.randn(n, n, generator=g).to(device, dtype)
    torch.matmul(a, b)
    best = float("inf")
    for _ in range(repeats):
        synchronise(device)
        started = time.perf_counter()
        torch.matmul(a, b)
        synchronise(device)
        best = min(best, time.perf_counter() - started)
    return 2 * n**3 / best / 1e9


def bf16_support(device: torch.device) -> str | None:
    """What gives this device bf16 matrix products (a description), or None."""
    if device.type == "cuda":
        return "CUDA bf16" if torch.cuda.is_bf16_supported() else None
    try:
        flags = set(next(line for line in Path("/proc/cpuinfo").read_text().splitlines()
                         if line.startswith("flags")).split(":", 1)[1].split())
    except (OSError, StopIteration):
        flags = set()
    found = [f for f in ("amx_bf16", "avx512_bf16") if f in flags]
    return ", ".join(found) or None


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def synthetic_partition(recordings: int, frames: int, features: int, device: torch.device):
    """(x, y) pairs shaped like the pipeline's recordings: x (1, features, frames), y (1, frames)."""
    g = torch.Generator().manual_seed(0)
    return [(torch.randn(1, features, frames, generator=g).to(device), torch.randn(1, frames, generator=g).to(device))
            for _ in range(recordings)]


def epoch_seconds(model: nn.Module, lr: float, partition, epochs: int, warmup: int, bf16: bool,
                  device: torch.device) -> float:
    """Median seconds of `epochs` training epochs after `warmup` untimed ones (time_epochs's loop)."""
    optimiser = torch.optim.Adam(model.param_groups(lr))
    autocast = (lambda: torch.autocast(device.type, dtype=torch.bfloat16)) if bf16 else contextlib.nullcontext
    seconds = []
    for _ in range(warmup + epochs):
        synchronise(device)
        started = time.perf_counter()
        for x, y in partition:
            optimiser.zero_grad(set_to_none=True)
            with autocast():
                pred = model(x)
            ccc_loss(pred.float(), y).sum().backward()
            optimiser.step()
        synchronise(device)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds[warmup:])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configfile", default=str(root / "config.yaml"))
    parser.add_argument("--device", default="cpu", help="cpu or cuda (cuda:N)")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads for the networks (default compute.threads)")
    parser.add_argument("--dimension", default=None, help="whose settings (default: the config's first dimension)")
    parser.add_argument("--networks", nargs="*", default=["dilated", "downup", "blstm"])
    parser.add_argument("--recordings", type=int, default=9)
    parser.add_argument("--frames", type=int, default=7501)
    parser.add_argument("--features", type=int, default=160)
    parser.add_argument("--epochs", type=int, default=None, help="timed epochs (default timing.epochs)")
    parser.add_argument("--warmup", type=int, default=None, help="untimed epochs first (default timing.warmup)")
    parser.add_argument("--size", type=int, default=2048, help="n of the n x n matrix products")
    parser.add_argument("--repeats", type=int, default=10, help="matrix products timed (the best counts)")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes (2 recordings x 500 frames, n=256, 1 epoch, no warm-up): "
                             "a check that it runs")
    if parser.parse_args(argv).quick:  # small defaults; sizes given explicitly still count
        parser.set_defaults(recordings=2, frames=500, size=256, repeats=3, epochs=1, warmup=0)
    args = parser.parse_args(argv)
    config = yaml.safe_load(Path(args.configfile).read_text())
    epochs = config["timing"]["epochs"] if args.epochs is None else args.epochs
    warmup = config["timing"]["warmup"] if args.warmup is None else args.warmup
    threads = config["compute"]["threads"] if args.threads is None else args.threads
    dimension = args.dimension or config["dimensions"][0]
    seeds = list(config["train"]["seeds"])
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: no CUDA GPU is visible")

    torch.set_num_threads(1)
    if device.type == "cuda":
        where = f"{torch.cuda.get_device_name(device)}; torch {torch.__version__}"
        per = "of the GPU"
    else:
        capability = torch.backends.cpu.get_cpu_capability()
        where = f"{cpu_name()}, {os.cpu_count()} cores; torch {torch.__version__}, CPU capability {capability}"
        per = "per core (1 torch thread)"
    print(f"device {device}: {where}")
    fp32_peak = matmul_peak(args.size, torch.float32, args.repeats, device)
    bf16 = bf16_support(device)
    if bf16:
        bf16_peak = matmul_peak(args.size, torch.bfloat16, args.repeats, device)
        bf16_text = f"bf16 {bf16_peak:.1f} GFLOP/s ({bf16_peak / fp32_peak:.1f}x fp32; {bf16})"
    else:
        bf16_text = "bf16: not measured (" + ("the GPU lacks it" if device.type == "cuda"
                                                 else "no AMX-BF16 or AVX512-BF16 on this CPU") + ")"
    print(f"matmul peak {per}, n={args.size}, best of {args.repeats}: fp32 {fp32_peak:.1f} GFLOP/s; {bf16_text}")

    torch.set_num_threads(threads)
    scale = 1 if device.type == "cuda" else threads
    reference = fp32_peak * scale
    partition = synthetic_partition(args.recordings, args.frames, args.features, device)
    plural = {"thread": "" if threads == 1 else "s", "epoch": "" if epochs == 1 else "s"}
    print(f"training epoch: {args.recordings} recordings x {args.frames} frames x {args.features} features "
          f"(synthetic), {len(seeds)}-member ensembles (train.seeds), {dimension} settings, {threads} torch "
          f"thread{plural['thread']}, median of {epochs} epoch{plural['epoch']} after {warmup} warm-up; share of "
          f"{reference:.1f} GFLOP/s (fp32 peak{' x threads' if device.type != 'cuda' else ''})")
    print(f"{'network':8s} {'params/member':>13s} {'members':>7s} {'s/epoch':>8s} {'GFLOP/epoch':>11s} "
          f"{'GFLOP/s':>8s} {'share':>6s}")
    fp32_seconds = {}
    for network in args.networks:
        settings = NetworkSettings.from_config(config["models"][network][dimension])
        torch.manual_seed(0)
        model = build_model(network, args.features, seeds, **settings.net).to(device)
        flops = sum(count_flops(model, x)[1] for x, _ in partition)
        seconds = epoch_seconds(model, settings.optim.lr, partition, epochs, warmup, False, device)
        fp32_seconds[network] = seconds
        achieved = flops / seconds / 1e9
        print(f"{network:8s} {model.n_parameters_per_member():13,d} {len(seeds):7d} {seconds:8.3f} "
              f"{flops / 1e9:11.2f} {achieved:8.2f} {achieved / reference:6.1%}")

    conv_nets = [n for n in args.networks if n in CONV_NETS]
    if not conv_nets:
        return
    if not bf16:
        print("bf16 autocast: not timed (no bf16 matrix units)")
        return
    print("bf16 autocast of the conv nets (same models and epochs; not used by the pipeline):")
    for network in conv_nets:
        settings = NetworkSettings.from_config(config["models"][network][dimension])
        torch.manual_seed(0)
        model = build_model(network, args.features, seeds, **settings.net).to(device)
        seconds = epoch_seconds(model, settings.optim.lr, partition, epochs, warmup, True, device)
        ratio = fp32_seconds[network] / seconds
        print(f"{network:8s} fp32 {fp32_seconds[network]:.3f} s/epoch, bf16 autocast {seconds:.3f} s/epoch: "
              f"{ratio:.2f}x the speed ({'faster' if ratio > 1 else 'slower'} in bf16)")


if __name__ == "__main__":
    main()
