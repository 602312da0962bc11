"""Tests of the vectorised ensemble models and the CCC loss."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from longterm_emotion.nets.dilated.model import DilatedConvNet
from longterm_emotion.nets.downup.model import DownUpConvNet
from longterm_emotion.nets.single_filter.model import SingleFilterNet
from longterm_emotion.nets import (
    build_model,
    ccc_loss,
    make_activation,
)

IN_DIM = 7
SMALL = {
    "single_filter": dict(filter_length=9),
    "dilated": dict(width=6, depth=3, kernel_size=3, activation="tanh", dropout=0.0),
    "downup": dict(width=6, n_down=2, factor=3, kernel_size=3, n_intermediate=1, up_kernel=5,
                   activation="tanh", dropout=0.0),
    "blstm": dict(hidden=5, layers=2, dropout=0.0),
}
NAMES = sorted(SMALL)


pytestmark = pytest.mark.usefixtures("deterministic_single_thread")


def make(name, seeds, **overrides):
    return build_model(name, IN_DIM, seeds, **{**SMALL[name], **overrides})


def features(B, T, C=IN_DIM, seed=0):
    return torch.randn(B, C, T, generator=torch.Generator().manual_seed(seed))


def smooth_target(x, width=25):
    """Moving average of the first input channel, (B, T)."""
    box = torch.full((1, 1, width), 1.0 / width)
    return F.conv1d(x[:, :1], box, padding="same")[:, 0]


def adam_steps(model, x, y, steps, lr=1e-2):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ccc_loss(model(x), y)
        loss.sum().backward()
        opt.step()
        losses.append(loss.detach())
    return torch.stack(losses)


@pytest.mark.parametrize("name", NAMES)
def test_output_shape_odd_length(name):
    assert make(name, [1, 2, 3])(features(2, 101)).shape == (2, 3, 101)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_model(name):
    x = features(1, 57)
    assert torch.equal(make(name, [4, 9])(x), make(name, [4, 9])(x))
    assert not torch.allclose(make(name, [4])(x), make(name, [5])(x))


@pytest.mark.parametrize("name", NAMES)
def test_members_equal_separate_models(name):
    x, seeds = features(2, 83), [11, 22]
    y = smooth_target(x, 5)
    joint = make(name, seeds)
    alone = [make(name, [s]) for s in seeds]
    for m, single in enumerate(alone):
        state, ref = joint.member_state(m), single.member_state(0)
        assert state.keys() == ref.keys()
        assert all(torch.equal(state[k], ref[k]) for k in ref)
    assert joint.n_parameters_per_member() == alone[0].n_parameters_per_member()

    def outputs():
        return joint(x), torch.cat([single(x) for single in alone], dim=1)

    torch.testing.assert_close(*outputs(), atol=1e-5, rtol=0)
    adam_steps(joint, x, y, 3)
    for single in alone:
        adam_steps(single, x, y, 3)
    torch.testing.assert_close(*outputs(), atol=1e-5, rtol=0)


@pytest.mark.parametrize("name", NAMES)
def test_load_member_state_moves_one_member(name):
    x = features(1, 40)
    a, b = make(name, [7, 8]), make(name, [5, 6])
    before = a(x)
    state = b.member_state(1)
    a.load_member_state(0, state)
    after = a(x)
    torch.testing.assert_close(after[:, 0], b(x)[:, 1])
    torch.testing.assert_close(after[:, 1], before[:, 1])
    with torch.no_grad():
        next(b.parameters()).add_(1.0)
    assert all(torch.equal(state[k], v) for k, v in a.member_state(0).items())


@pytest.mark.parametrize("name", NAMES)
def test_training_increases_ccc(name):
    x = features(1, 500, seed=3)
    y = smooth_target(x)
    model = make(name, [0, 1])
    losses = adam_steps(model, x, y, 20, lr=2e-2)
    assert torch.all(losses[-1] < losses[0] - 0.15), losses[[0, -1]]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize("L", [2, 3, 64, 1000])
@pytest.mark.parametrize("T", [301, 777])
def test_fft_convolution_equals_direct(L, T):
    model = SingleFilterNet(IN_DIM, L, seeds=[0, 1, 2])
    with torch.no_grad():
        model.bias.copy_(torch.tensor([0.1, -0.2, 0.3]))
    x = features(2, T)
    direct = F.conv1d(x, model.weight, model.bias, padding="same")
    torch.testing.assert_close(model.conv(x), direct, atol=1e-4, rtol=0)
    expected = model.out_weight[:, None] * torch.tanh(direct) + model.out_bias[:, None]
    torch.testing.assert_close(model(x), expected, atol=1e-4, rtol=0)


def test_single_filter_alignment():
    """Output t sees inputs t - (L-1)//2 ... t + L//2: an impulse at p reaches p - L//2 ... p + (L-1)//2."""
    L, T, p = 6, 40, 20
    model = SingleFilterNet(1, L, seeds=[0], fft_size=16).double()
    with torch.no_grad():
        model.weight.fill_(1.0)
    x = torch.zeros(1, 1, T, dtype=torch.float64)
    x[0, 0, p] = 1.0
    reached = torch.nonzero(model.conv(x)[0, 0].abs() > 1e-9).ravel()  # FFT round-off elsewhere
    assert reached.tolist() == list(range(p - L // 2, p + (L - 1) // 2 + 1))


@pytest.mark.parametrize("L,T", [(2, 7501), (2048, 7501), (5, 3)])
def test_fft_size_does_not_limit_length(L, T):
    """One FFT size serves every filter length and any input length (blocks overlap-add)."""
    model = SingleFilterNet(IN_DIM, L, seeds=[3], fft_size=3072)
    x = features(1, T)
    direct = F.conv1d(x, model.weight, model.bias, padding="same") if L < 100 else None
    out = model.conv(x)
    assert out.shape == (1, 1, T)
    if direct is not None:
        torch.testing.assert_close(out, direct, atol=1e-4, rtol=0)


def test_fft_size_must_exceed_filter_length():
    with pytest.raises(ValueError, match="fft_size"):
        SingleFilterNet(IN_DIM, 2048, [0], fft_size=2048)


@pytest.mark.parametrize("k,depth,base", [(3, 4, 2), (5, 3, 2), (3, 3, 3)])
def test_dilated_receptive_field(k, depth, base):
    model = DilatedConvNet(IN_DIM, 4, depth, k, "tanh", 0.0, [0], dilation_base=base).double()
    if base == 2:
        assert model.receptive_field == 1 + (k - 1) * (2**depth - 1)
    T, t = 301, 150
    x = features(1, T).double().requires_grad_()
    model(x)[0, 0, t].backward()
    seen = torch.nonzero(x.grad[0].abs().sum(0)).ravel()
    half = (model.receptive_field - 1) // 2
    assert seen.tolist() == list(range(t - half, t + half + 1))


def test_dilated_parameter_count():
    model = DilatedConvNet(160, 32, 10, 3, "relu", 0.1, [0, 1])
    expected = (160 * 32 * 3 + 32) + 9 * (32 * 32 * 3 + 32) + (32 + 1)
    assert model.n_parameters_per_member() == expected


@pytest.mark.parametrize("T", [1, 80, 81, 82, 1000, 7501])
def test_downup_any_length(T):
    """Paper's configuration (4 x pool by 3) on lengths that are not multiples of 81."""
    model = DownUpConvNet(IN_DIM, 4, 4, 3, 3, 1, 3, "relu", 0.0, [0, 1])
    assert model(features(1, T)).shape == (1, 2, T)


def test_downup_per_layer_widths():
    model = DownUpConvNet(IN_DIM, [3, 4, 5, 6, 7], 2, 2, 3, 1, 4, "elu", 0.0, [0, 1])
    assert model(features(1, 33)).shape == (1, 2, 33)


def test_bad_arguments():
    with pytest.raises(ValueError, match="kernel_size"):
        DilatedConvNet(IN_DIM, 4, 3, 4, "tanh", 0.0, [0])
    with pytest.raises(ValueError, match="up_kernel"):
        DownUpConvNet(IN_DIM, 4, 2, 3, 3, 1, 2, "tanh", 0.0, [0])
    with pytest.raises(ValueError, match="up_kernel"):
        DownUpConvNet(IN_DIM, 4, 2, 3, 3, 1, 4, "tanh", 0.0, [0])
    with pytest.raises(ValueError, match="kernel_size"):
        DownUpConvNet(IN_DIM, 4, 2, 3, 2, 1, 3, "tanh", 0.0, [0])
    with pytest.raises(ValueError, match="width"):
        DownUpConvNet(IN_DIM, [4, 4], 2, 3, 3, 1, 3, "tanh", 0.0, [0])
    with pytest.raises(ValueError, match="seeds"):
        SingleFilterNet(IN_DIM, 5, [])
    with pytest.raises(ValueError, match="elu.*relu.*tanh"):
        make_activation("sigmoid")
    with pytest.raises(ValueError, match="blstm.*dilated.*downup.*single_filter"):
        build_model("wavenet", IN_DIM, [0])


def test_activations():
    z = torch.tensor([-1.0, 0.5])
    torch.testing.assert_close(make_activation("tanh")(z), torch.tanh(z))
    torch.testing.assert_close(make_activation("relu")(z), torch.relu(z))
    torch.testing.assert_close(make_activation("elu")(z), F.elu(z))


def test_ccc_loss_special_cases():
    y = torch.randn(2, 50, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(ccc_loss(y[:, None].repeat(1, 3, 1), y), -torch.ones(3))
    torch.testing.assert_close(ccc_loss(torch.full((2, 1, 50), 0.7), y), torch.zeros(1))


def test_ccc_loss_matches_numpy_and_has_gradients():
    g = torch.Generator().manual_seed(1)
    pred = torch.randn(2, 3, 50, generator=g).requires_grad_()
    y = torch.randn(2, 50, generator=g) + 0.5
    loss = ccc_loss(pred, y)
    yn = y.numpy().ravel().astype(np.float64)
    for m in range(3):
        p = pred[:, m].detach().numpy().ravel().astype(np.float64)
        cov = np.mean((yn - yn.mean()) * (p - p.mean()))
        ccc = 2 * cov / (yn.var() + p.var() + (yn.mean() - p.mean()) ** 2)
        assert loss[m].item() == pytest.approx(-ccc, abs=1e-5)
    loss.sum().backward()
    assert torch.isfinite(pred.grad).all() and pred.grad.abs().sum() > 0
    with pytest.raises(ValueError):
        ccc_loss(pred, y[:, :10])



def test_declared_networks_import_their_class_once_and_check_its_settings():
    """The catalog's networks resolve to their classes (settings = constructor arguments); a declaration whose
    settings do not match its class fails on first use, naming both."""
    import dataclasses

    from longterm_emotion.nets import NETWORKS, registry

    for name, found in NETWORKS.items():
        if found.module.startswith("longterm_emotion."):
            assert found.model is found.model and found.model.__module__ == found.module, name

    @dataclasses.dataclass(frozen=True)
    class Wrong:
        width: int = 1

    try:
        registry.declare("wrong_settings", label="Wrong", settings=Wrong,
                         model="longterm_emotion.nets.dilated.model:DilatedConvNet")
        with pytest.raises(TypeError, match=r"settings Wrong has fields \['width'\], the constructor of "
                                            r"DilatedConvNet takes"):
            NETWORKS["wrong_settings"].model
        with pytest.raises(ValueError, match="registered twice"):
            registry.declare("wrong_settings", label="Wrong", settings=Wrong,
                             model="longterm_emotion.nets.downup.model:DownUpConvNet")
    finally:
        NETWORKS.pop("wrong_settings", None)
