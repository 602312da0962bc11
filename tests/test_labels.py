"""Tests of the label study (paper Section 5.2, Figure 4) and its figures."""

import numpy as np
import pytest

from longterm_emotion.analysis import downsampling, spectrum
from longterm_emotion.reporting import plots
from longterm_emotion.metrics import ccc

RATE = 25.0
N_RECOLA = 7501  # 300 s at 25 Hz, both ends included


def sine(freq_hz, n, amplitude=1.0, phase=0.0):
    t = np.arange(n) / RATE
    return amplitude * np.sin(2 * np.pi * freq_hz * t + phase)


def two_tone(n=1000, a_low=2.0, a_high=0.5, offset=3.0):
    """0.2 Hz + 3 Hz over 40 s: whole periods of both, both exactly on FFT bins."""
    return offset + sine(0.2, n, a_low) + sine(3.0, n, a_high, phase=0.7)


@pytest.fixture
def corpus():
    rng = np.random.default_rng(0)
    slow = {f"dev_{i}": sine(0.05 * (i + 1), N_RECOLA, phase=i) for i in range(3)}
    noisy = {f"dev_{i}": rng.standard_normal(N_RECOLA) for i in range(3)}
    return {"arousal": slow, "valence": noisy}


# --- spectrum ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [500, 501])  # even n has a Nyquist bin, counted once
def test_power_spectrum_sums_to_variance_and_ignores_mean(n):
    y = np.random.default_rng(1).standard_normal(n) + 10.0
    freqs, power = spectrum.power_spectrum(y, RATE)
    assert freqs.size == power.size == n // 2 + 1
    assert freqs[-1] == pytest.approx(12.5, abs=RATE / n)
    assert power.sum() == pytest.approx(y.var(), rel=1e-12)
    assert power[0] == pytest.approx(0.0, abs=1e-20)


def test_sinusoid_on_a_bin_has_power_a_squared_over_two():
    freqs, power = spectrum.power_spectrum(sine(0.2, 1000, amplitude=2.0), RATE)
    assert freqs[8] == 0.2
    assert power[8] == pytest.approx(2.0, rel=1e-9)
    assert np.delete(power, 8).max() < 1e-20


def test_power_share_below_matches_analytic_value():
    expected = 2.0**2 / (2.0**2 + 0.5**2)
    assert spectrum.power_share_below(two_tone(), RATE, 1.0) == pytest.approx(expected, abs=1e-6)


def test_bin_on_the_cutoff_is_not_below_it():
    y = two_tone()
    low_only = 2.0**2 / (2.0**2 + 0.5**2)
    assert spectrum.power_share_below(y, RATE, 3.0) == pytest.approx(low_only, abs=1e-9)
    assert spectrum.power_share_below(y, RATE, 3.01) == pytest.approx(1.0, abs=1e-9)
    assert spectrum.power_share_below(y, RATE, 0.2) == pytest.approx(0.0, abs=1e-9)


def test_cumulative_power_rises_to_one():
    freqs, cumshare = spectrum.cumulative_power(two_tone(), RATE)
    assert freqs[0] > 0 and freqs[-1] == 12.5
    assert np.all(np.diff(cumshare) >= 0)
    assert cumshare[-1] == pytest.approx(1.0)


def test_constant_trajectory_has_no_power_share():
    with pytest.raises(ValueError, match="constant"):
        spectrum.power_share_below(np.ones(100), RATE, 1.0)


def test_spectrum_table_all_row_is_energy_weighted():
    recordings = {"low": sine(0.2, 1000, 1.0), "high": sine(3.0, 500, 2.0)}
    table = spectrum.spectrum_table({"arousal": recordings}, RATE, 1.0)
    assert list(table.columns) == [
        "dimension", "recording", "n_samples", "duration_s", "cutoff_hz", "share_below"]
    assert list(table["recording"]) == ["low", "high", "ALL"]
    share = dict(zip(table["recording"], table["share_below"]))
    assert share["low"] == pytest.approx(1.0) and share["high"] == pytest.approx(0.0)
    low_energy, high_energy = 1000 * 1.0**2 / 2, 500 * 2.0**2 / 2
    assert share["ALL"] == pytest.approx(low_energy / (low_energy + high_energy), abs=1e-9)
    assert table["n_samples"].iloc[-1] == 1500


def test_spectrum_table_names_recording_with_nan():
    y = sine(0.2, 1000)
    y[17] = np.nan
    with pytest.raises(ValueError, match=r"valence / recording 'dev_7'.*non-finite.*index 17"):
        spectrum.spectrum_table({"valence": {"dev_1": sine(0.2, 1000), "dev_7": y}}, RATE, 1.0)


# --- downsampling / reconstruction ------------------------------------------------------


def test_slow_sinusoid_survives_factor_8():
    y = sine(0.05, N_RECOLA, phase=0.3)
    rebuilt = downsampling.downsample_reconstruct(y, 8)
    assert rebuilt.shape == y.shape
    assert ccc(y, rebuilt) > 0.99


def test_white_noise_loses_its_ccc_at_factor_64():
    y = np.random.default_rng(2).standard_normal(N_RECOLA)
    assert ccc(y, downsampling.downsample_reconstruct(y, 64)) < 0.2


def test_factor_one_returns_the_signal_unchanged():
    y = np.random.default_rng(3).standard_normal(300)
    rebuilt = downsampling.downsample_reconstruct(y, 1)
    assert np.array_equal(rebuilt, y)
    assert ccc(y, rebuilt) == 1.0


@pytest.mark.parametrize("spline, degree", [("linear", 1), ("quadratic", 2), ("cubic", 3)])
def test_spline_rebuilds_polynomials_of_its_degree_exactly(spline, degree):
    x = np.linspace(-1.0, 1.0, 1001)
    y = np.polynomial.polynomial.polyval(x, [0.3, -1.0, 0.5, 2.0][: degree + 1])
    np.testing.assert_allclose(downsampling.downsample_reconstruct(y, 16, spline), y, atol=1e-9)


def test_kept_samples_include_the_last_one_and_are_interpolated_through():
    y = np.random.default_rng(4).standard_normal(N_RECOLA)
    kept = downsampling.kept_indices(N_RECOLA, 128)
    assert kept[0] == 0 and kept[-2] == 7424 and kept[-1] == 7500
    assert np.all(np.diff(kept[:-1]) == 128)
    np.testing.assert_allclose(downsampling.downsample_reconstruct(y, 128)[kept], y[kept], atol=1e-9)
    assert downsampling.kept_indices(N_RECOLA, 4)[-1] == 7500  # already on the grid, not repeated
    assert downsampling.kept_indices(N_RECOLA, 4).size == 1876


@pytest.mark.parametrize("factor", [0, -2])
def test_factor_below_one_is_rejected(factor):
    with pytest.raises(ValueError, match="factor must be >= 1"):
        downsampling.downsample_reconstruct(np.zeros(100), factor)


def test_non_integer_factor_is_rejected():
    with pytest.raises(ValueError, match="must be an integer"):
        downsampling.downsample_reconstruct(np.zeros(100), 2.5)


def test_non_finite_values_are_rejected():
    y = np.zeros(100)
    y[5] = np.inf
    with pytest.raises(ValueError, match="non-finite"):
        downsampling.downsample_reconstruct(y, 2)


def test_too_short_for_cubic_spline():
    downsampling.downsample_reconstruct(np.arange(10.0), 4)  # keeps 0, 4, 8, 9: enough
    with pytest.raises(ValueError, match="at least 4 kept samples.*keep only 3"):
        downsampling.downsample_reconstruct(np.arange(8.0), 4)  # keeps 0, 4, 7
    downsampling.downsample_reconstruct(np.arange(8.0), 4, "quadratic")


def test_unknown_spline_is_rejected():
    with pytest.raises(ValueError, match="spline must be one of"):
        downsampling.downsample_reconstruct(np.zeros(100), 2, "quintic")


def test_downsampling_table_shapes_and_values(corpus):
    factors = [1, 8, 64]
    summary, per_recording = downsampling.downsampling_table(corpus, factors)
    assert list(summary.columns) == [
        "dimension", "factor", "spline", "n_recordings", "ccc_mean", "ccc_std",
        "ccc_min", "ccc_max", "ccc_concat", "relative_loss"]
    assert list(per_recording.columns) == [
        "dimension", "factor", "spline", "recording", "n_samples", "n_kept", "ccc"]
    assert len(summary) == 2 * 3 and len(per_recording) == 2 * 3 * 3
    row = summary.set_index(["dimension", "factor"])
    assert row.loc[("arousal", 1), "ccc_mean"] == 1.0
    assert row.loc[("arousal", 1), "relative_loss"] == 0.0
    assert row.loc[("arousal", 8), "ccc_min"] > 0.99
    assert row.loc[("valence", 64), "ccc_max"] < 0.2
    assert np.allclose(summary["relative_loss"], 1 - summary["ccc_mean"])
    assert (summary["ccc_min"] <= summary["ccc_mean"]).all()
    assert (summary["ccc_mean"] <= summary["ccc_max"]).all()
    means = per_recording.groupby(["dimension", "factor"], sort=False)["ccc"].mean()
    np.testing.assert_allclose(means.to_numpy(), summary["ccc_mean"].to_numpy())


def test_downsampling_table_names_recording_with_nan(corpus):
    corpus["valence"]["dev_2"][100] = np.nan
    with pytest.raises(ValueError, match=r"valence / recording 'dev_2'.*non-finite"):
        downsampling.downsampling_table(corpus, [2])


# --- figures ----------------------------------------------------------------------------


def _assert_png_with_labels(path, fig, corpus_name):
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 1000
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel()
    assert "(" in ax.get_xlabel() and "(" in ax.get_ylabel()  # units in parentheses
    assert corpus_name in ax.get_title()


def test_plot_downsampling_writes_labelled_png(corpus, tmp_path):
    summary, _ = downsampling.downsampling_table(corpus, [2, 8, 64])
    path = tmp_path / "fig" / "downsampling.png"
    fig = plots.plot_downsampling(summary, path, "synthetic RECOLA-layout corpus")
    _assert_png_with_labels(path, fig, "synthetic RECOLA-layout corpus")
    ax = fig.axes[0]
    assert list(ax.get_xticks()) == [2, 8, 64]
    assert any("0.95" in t.get_text() for t in fig.legends[0].get_texts())


def test_plot_spectrum_writes_labelled_png(tmp_path):
    freqs, cumshare = spectrum.cumulative_power(two_tone(), RATE)
    path = tmp_path / "spectrum.png"
    fig = plots.plot_spectrum({"arousal": freqs}, {"arousal": cumshare}, path, "RECOLA")
    _assert_png_with_labels(path, fig, "RECOLA")
    assert "Hz" in fig.axes[0].get_xlabel()
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "arousal: 94.1% of power below 1 Hz" in legend


def test_figure_path_needs_png_or_pdf_suffix(tmp_path):
    freqs, cumshare = spectrum.cumulative_power(two_tone(), RATE)
    with pytest.raises(ValueError, match=r"\.png or \.pdf"):
        plots.plot_spectrum({"a": freqs}, {"a": cumshare}, tmp_path / "x.jpg", "RECOLA")
