"""Tests of the local-attention transformer ensemble (nets/transformer/)."""

from dataclasses import asdict, fields

import pytest
import torch
import torch.nn.functional as F

from longterm_emotion.nets.loss import ccc_loss
from longterm_emotion.nets.transformer import TransformerSettings
from longterm_emotion.nets.transformer.model import TransformerNet, local_attention

pytestmark = pytest.mark.usefixtures("deterministic_single_thread")

IN_DIM = 7
SMALL = dict(width=16, layers=2, heads=2, ff_mult=2, window=8, dropout=0.0)


def features(B, T, C=IN_DIM, seed=0):
    return torch.randn(B, C, T, generator=torch.Generator().manual_seed(seed))


def make(seeds, **overrides):
    return TransformerNet(in_dim=IN_DIM, seeds=seeds, **{**SMALL, **overrides})


def test_settings_are_the_constructor_keywords():
    settings = TransformerSettings()
    net = TransformerNet(in_dim=IN_DIM, seeds=[0], **asdict(settings))
    assert net(features(1, 50)).shape == (1, 1, 50)
    assert {f.name for f in fields(TransformerSettings)} == set(asdict(settings))
    with pytest.raises(Exception):
        settings.width = 3  # frozen


@pytest.mark.parametrize("positions", ["relative", "sinusoidal"])
@pytest.mark.parametrize("T", [1, 7, 8, 9, 61])
def test_output_shape(positions, T):
    net = make([0, 1, 2], positions=positions)
    y = net(features(2, T))
    assert y.shape == (2, 3, T)
    assert torch.isfinite(y).all()


@pytest.mark.parametrize("positions", ["relative", "sinusoidal"])
def test_members_equal_separate_models(positions):
    x = features(2, 45)
    pair, a, b = make([3, 7], positions=positions), make([3], positions=positions), make([7], positions=positions)
    assert pair.n_parameters_per_member() == a.n_parameters_per_member()
    assert sum(p.numel() for p in pair.parameters()) == 2 * a.n_parameters_per_member()
    for m, single in enumerate((a, b)):
        state = pair.member_state(m)
        assert state.keys() == single.member_state(0).keys()
        for key, value in single.member_state(0).items():
            torch.testing.assert_close(state[key], value, rtol=0, atol=0)
    y = pair(x)
    torch.testing.assert_close(y[:, 0], a(x)[:, 0], rtol=0, atol=0)
    torch.testing.assert_close(y[:, 1], b(x)[:, 0], rtol=0, atol=0)
    assert not torch.allclose(y[:, 0], y[:, 1])


def test_load_member_state_moves_one_member():
    x = features(1, 30)
    pair, other = make([3, 7]), make([11])
    before = pair(x)
    pair.load_member_state(1, other.member_state(0))
    after = pair(x)
    torch.testing.assert_close(after[:, 0], before[:, 0], rtol=0, atol=0)
    torch.testing.assert_close(after[:, 1], other(x)[:, 0], rtol=0, atol=0)


def test_local_attention_equals_dense_banded_attention():
    g = torch.Generator().manual_seed(1)
    B, H, T, d, W = 2, 3, 37, 5, 4
    q, k, v = (torch.randn(B, H, T, d, generator=g) for _ in range(3))
    bias = torch.randn(H, 2 * W + 1, generator=g)
    offset = torch.arange(T)[None, :] - torch.arange(T)[:, None]  # key - query
    dense_bias = bias[:, offset.clamp(-W, W) + W].masked_fill(offset.abs()[None] > W, float("-inf"))
    torch.testing.assert_close(local_attention(q, k, v, W, bias),
                               F.scaled_dot_product_attention(q, k, v, attn_mask=dense_bias))
    torch.testing.assert_close(local_attention(q, k, v, W, None),
                               F.scaled_dot_product_attention(q, k, v, attn_mask=offset.abs() <= W))


@pytest.mark.parametrize("positions", ["relative", "sinusoidal"])
def test_window_is_honoured(positions):
    """Output frame t depends on inputs t - layers*window ... t + layers*window and no farther."""
    net = make([5, 6], positions=positions).eval()
    T, t = 120, 60
    reach = SMALL["layers"] * SMALL["window"]
    x = features(1, T)
    y = net(x)
    far = x.clone()
    far[:, :, t + reach + 1 :] += 3.0  # everything beyond the reach on the right
    far[:, :, : t - reach] -= 3.0  # and on the left
    torch.testing.assert_close(net(far)[..., t], y[..., t], rtol=0, atol=1e-6)
    for frame in (t - reach, t + reach, t + 3):  # at the edge of the reach, and near
        near = x.clone()
        near[:, :, frame] += 3.0
        assert (net(near)[..., t] - y[..., t]).abs().min() > 1e-6, frame
    assert net.receptive_field == 2 * reach + 1


def test_long_recording_forward_backward():
    """A 300 s recording at 25 Hz (7,501 frames), batch 1, with the default settings: finite outputs and
    gradients reaching every parameter."""
    torch.set_num_threads(2)
    net = TransformerNet(in_dim=160, seeds=[0], **asdict(TransformerSettings()))
    x = features(1, 7501, C=160)
    target = torch.sin(torch.arange(7501) / 200.0)[None]
    loss = ccc_loss(net(x), target).sum()
    loss.backward()
    assert torch.isfinite(loss)
    for name, p in net.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def test_training_reduces_the_ccc_loss():
    torch.manual_seed(0)
    x = features(2, 200)
    target = F.avg_pool1d(x[:, :1], 9, stride=1, padding=4, count_include_pad=False)[:, 0]
    net = make([0, 1])
    optimiser = torch.optim.Adam(net.parameters(), lr=3e-3)
    losses = []
    for _ in range(30):
        optimiser.zero_grad()
        loss = ccc_loss(net(x), target)
        loss.sum().backward()
        optimiser.step()
        losses.append(loss.detach())
    assert (losses[-1] < losses[0] - 0.3).all(), (losses[0], losses[-1])
    assert (losses[-1] < -0.6).all(), losses[-1]


def test_deterministic_for_fixed_seeds():
    x = features(2, 40)
    a, b = make([4, 9], dropout=0.1), make([4, 9], dropout=0.1)
    a.eval(), b.eval()
    torch.testing.assert_close(a(x), b(x), rtol=0, atol=0)
    a.train(), b.train()
    torch.manual_seed(123)
    ya = a(x)
    torch.manual_seed(123)
    torch.testing.assert_close(b(x), ya, rtol=0, atol=0)
    assert not torch.allclose(make([5])(x), make([4])(x))


def test_bad_arguments():
    for bad in (dict(width=15), dict(layers=0), dict(window=0), dict(positions="rotary"), dict(dropout=1.0),
                dict(ff_mult=0)):
        with pytest.raises(ValueError):
            make([0], **bad)
    with pytest.raises(ValueError):
        make([])
