"""bench/roofline.py: its FLOP counts against hand computations, a tiny run, and the README's quote of its output."""

import importlib.util
import re
from pathlib import Path

import torch
from torch import nn

from longterm_emotion.nets import build_model

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("roofline", REPO / "bench" / "roofline.py")
roofline = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(roofline)


def test_conv1d_flops_by_hand():
    # 4 -> 6 channels in 2 groups, kernel 3, 10 output frames: each of the 6 x 10 outputs is a
    # dot product of 2 channels x 3 taps = 6 multiply-adds, i.e. 12 FLOPs: 720
    assert roofline.conv1d_flops(4, 6, 3, 2, 10) == 720
    conv = nn.Conv1d(4, 6, 3, padding=1, groups=2)
    x = torch.randn(1, 4, 10)
    # training: forward + weight gradient; the input needs no gradient
    assert roofline.count_flops(conv, x) == (720, 2 * 720)
    # a layer whose input needs a gradient also pays the input gradient
    assert roofline.count_flops(conv, x.requires_grad_(True)) == (720, 3 * 720)
    # a batch of 2 and a stride-2 conv without padding: (10 - 3) // 2 + 1 = 4 outputs per row
    assert roofline.count_flops(nn.Conv1d(4, 6, 3, stride=2, groups=2), torch.randn(2, 4, 10))[0] == 2 * 12 * 6 * 4


def test_conv_transpose1d_and_linear_flops_by_hand():
    # 6 -> 4 channels in 2 groups, kernel 5, 7 input frames: each input element meets 2 x 5 weights
    up = nn.ConvTranspose1d(6, 4, 5, stride=3, padding=1, groups=2)
    assert roofline.conv_transpose1d_flops(6, 4, 5, 2, 7) == 2 * 6 * 7 * 2 * 5
    assert roofline.count_flops(up, torch.randn(1, 6, 7))[0] == 840
    assert roofline.count_flops(nn.Linear(8, 2), torch.randn(3, 5, 8)) == (2 * 8 * 2 * 15, 2 * 2 * 8 * 2 * 15)


def test_lstm_flops_by_hand():
    # input 3, hidden 5, 7 steps, both directions: per step and direction 4 gates x (3 + 5) x 5
    # multiply-adds = 160, i.e. 320 FLOPs; x 7 steps x 2 directions = 4480
    assert roofline.lstm_flops(3, 5, 7) == 4480
    lstm = nn.LSTM(3, 5, batch_first=True, bidirectional=True)
    forward, training = roofline.count_flops(lstm, torch.randn(1, 7, 3))
    # training: 3x forward less the input projection's input gradient (2 x 4 x 3 x 5 x 7 x 2 = 1680)
    assert (forward, training) == (4480, 3 * 4480 - 1680)
    # a second layer reads both directions (10) of the first
    assert roofline.lstm_flops(3, 5, 7, layers=2) == 4480 + 2 * 4 * (10 + 5) * 5 * 7 * 2
    assert roofline.lstm_flops(3, 5, 7, bidirectional=False, batch=2) == 4480


def test_a_networks_count_is_the_sum_of_its_layers():
    # a 2-member dilated net, width 4, depth 2, kernel 3, on 16 frames of 6 features
    model = build_model("dilated", 6, [0, 1], width=4, depth=2, kernel_size=3, activation="tanh", dropout=0.0)
    first, hidden, out = 2 * 6 * 8 * 3 * 16, 2 * 4 * 8 * 3 * 16, 2 * 4 * 2 * 1 * 16
    assert roofline.count_flops(model, torch.randn(1, 6, 16)) == (first + hidden + out,
                                                                    2 * first + 3 * (hidden + out))


def test_a_tiny_run_prints_every_network(capsys):
    roofline.main(["--quick", "--recordings", "1", "--frames", "64", "--size", "64", "--repeats", "1"])
    out = capsys.readouterr().out
    assert "matmul peak" in out and "fp32" in out
    for network in ("dilated", "downup", "blstm"):
        assert re.search(rf"^{network} +[\d,]+ +5 ", out, re.M), out


def test_readme_quotes_the_committed_roofline_output():
    """The README's roofline figures are bench/roofline.py's committed output, not typed by hand."""
    output = (REPO / "bench" / "results" / "roofline.txt").read_text().strip()
    block = re.search(r"<!-- roofline -->\n```text\n(.*?)\n```\n<!-- /roofline -->", (REPO / "README.md").read_text(),
                      re.S)
    assert block and block.group(1).strip() == output
    assert all(network in output for network in ("dilated", "downup", "blstm"))
