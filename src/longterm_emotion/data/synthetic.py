"""The built-in synthetic corpus, written in RECOLA's AVEC 2016 layout.

Each recording has its own speaker (pitch range, vocal-tract length, channel
colouring, background noise) and latent arousal/valence trajectories that move
slowly (time scales of tens of seconds). Speech-like audio is made by
source-filter synthesis in the STFT domain: talk spurts and pauses, syllables
with a voiceless onset and a formant-shaped voiced nucleus. Arousal drives
loudness, pitch level and range, speaking rate, pause length and spectral tilt;
valence drives weaker cues (formant shift, small pitch offset, breathiness).
Six simulated raters observe the latent trajectory with their own reaction lag,
smoothing, scale, offset and noise; the gold standard is the mean of the
centred ratings. Frame-level acoustics are therefore a poor, and several
seconds of context a good, predictor of the label.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from scipy.io import wavfile
from scipy.signal import istft, lfilter, sosfiltfilt, butter, stft

from .. import constants
from ..settings import Dynamics, SyntheticCorpus
from . import corpus

HOP_S = 0.01  # control and STFT hop
VOWELS = np.array(  # F1, F2, F3 (Hz) of /a e i o u/ for an adult male vocal tract
    [[730, 1090, 2440], [530, 1840, 2480], [270, 2290, 3010], [570, 840, 2410], [300, 870, 2240]], dtype=float
)
BANDWIDTHS = np.array([90.0, 110.0, 170.0])
PRE_ROLL_S = 10.0  # latent history before t=0, so raters can lag into it


def recording_ids(recordings: dict) -> list[tuple[str, str]]:
    """(partition, recording id) of every recording the config asks for."""
    return [(p, f"{p}_{n}") for p in constants.PARTITIONS for n in range(1, int(recordings[p]) + 1)]


def _lowpass_noise(rng, n: int, rate: float, cutoff: float, order: int = 2) -> np.ndarray:
    """Zero-mean, unit-std Gaussian noise low-passed at `cutoff` Hz (zero phase)."""
    sos = butter(order, cutoff / (rate / 2), output="sos")
    pad = int(3 * rate / cutoff)
    z = sosfiltfilt(sos, rng.standard_normal(n + 2 * pad))[pad:-pad]
    return (z - z.mean()) / z.std()


def latent_trajectories(rng, n: int, rate: float, dynamics: Dynamics) -> dict[str, np.ndarray]:
    """Latent arousal and valence at `rate` Hz: a recording mean plus fluctuations low-passed at the
    cutoffs of `dynamics` (config.yaml's are slow: time scales of tens of seconds)."""
    shared = _lowpass_noise(rng, n, rate, dynamics.shared_cutoff_hz)
    arousal = rng.normal(0.08, 0.06) + rng.uniform(0.14, 0.22) * (
        0.8 * _lowpass_noise(rng, n, rate, dynamics.arousal_cutoff_hz) + 0.6 * shared
    )
    valence = rng.normal(0.10, 0.06) + rng.uniform(0.09, 0.14) * (
        0.9 * _lowpass_noise(rng, n, rate, dynamics.valence_cutoff_hz) + 0.45 * shared
    )
    return {"arousal": arousal, "valence": valence}


def _one_pole(x: np.ndarray, tau_s: float, rate: float) -> np.ndarray:
    if tau_s <= 0:
        return x  # no smoothing
    alpha = 1.0 - np.exp(-1.0 / (tau_s * rate))
    return lfilter([alpha], [1.0, alpha - 1.0], x, zi=[x[0] * (1 - alpha)])[0]


def rate_trajectory(rng, latent: np.ndarray, rate: float, n_out: int, dimension: str,
                    dynamics: Dynamics) -> np.ndarray:
    """Ratings of six raters (n_out, 6): lagged, smoothed, scaled, offset and noisy views of the latent
    (lag and smoothing time constant drawn per rater from the ranges of `dynamics`)."""
    noise_std = 0.05 if dimension == "arousal" else 0.07
    ratings = np.empty((n_out, len(corpus.RATERS)))
    pre = len(latent) - n_out
    for k in range(len(corpus.RATERS)):
        lag = int(round(rng.uniform(*dynamics.rater_lag_s) * rate))
        seen = _one_pole(latent, rng.uniform(*dynamics.rater_smoothing_s), rate)[pre - lag : pre - lag + n_out]
        noise = (noise_std * _lowpass_noise(rng, n_out, rate, dynamics.rater_noise_cutoff_hz)
                 + 0.004 * rng.standard_normal(n_out))
        ratings[:, k] = rng.normal(0.0, 0.08) + rng.uniform(0.7, 1.3) * seen + noise
    return np.clip(ratings, -1.0, 1.0)


def centre_ratings(ratings: np.ndarray) -> np.ndarray:
    """Remove each rater's mean and restore the mean over raters (AVEC 2016 centring)."""
    means = ratings.mean(axis=0)
    return ratings - means + means.mean()


def _speaker(rng) -> dict:
    female = rng.random() < 0.5
    return {
        "f0": rng.uniform(175, 240) if female else rng.uniform(95, 135),
        "vtl": rng.uniform(1.06, 1.20) if female else rng.uniform(0.90, 1.02),
        "channel": [(rng.uniform(np.log(200), np.log(6000)), rng.uniform(0.2, 0.8), rng.uniform(-8, 8)) for _ in range(3)],
        "noise_db": rng.uniform(-48, -32),
        "rate_bias": rng.uniform(-0.5, 0.5),
    }


def _control_tracks(rng, a: np.ndarray, v: np.ndarray, spk: dict) -> dict[str, np.ndarray]:
    """Per-10 ms control tracks: voicing and frication amplitude, f0, formants, gain, tilt."""
    n = len(a)
    voiced = np.zeros(n)
    fric = np.zeros(n)
    semitones = np.zeros(n)
    formants = np.tile(VOWELS[0], (n, 1))
    hop = HOP_S
    t = 0
    speaking = rng.random() < 0.7
    while t < n:
        arousal = a[t]
        if not speaking:
            t += max(1, int(rng.exponential(max(1.1 - 0.8 * arousal, 0.1)) / hop))
            speaking = True
            continue
        spurt_end = min(n, t + max(20, int(rng.exponential(max(2.5 + 3.0 * arousal, 0.5)) / hop)))
        declination = 0.0
        while t < spurt_end:
            syllable_rate = np.clip(4.5 + 3.0 * a[t] + spk["rate_bias"] + rng.normal(0, 0.6), 2.0, 9.0)
            duration = max(8, int(1.0 / syllable_rate / hop))
            onset = int(rng.uniform(0.03, 0.08) / hop) if rng.random() < 0.7 else 0
            end = min(spurt_end, t + duration)
            fric[t : min(end, t + onset)] = rng.uniform(0.3, 1.0)
            nucleus = np.arange(t + onset, end)
            if len(nucleus):
                shape = np.sin(np.pi * (np.arange(len(nucleus)) + 0.5) / len(nucleus)) ** 0.7
                accent = rng.uniform(0, 1) * (2.0 + 6.0 * max(a[t], 0.0))
                voiced[nucleus] = shape * 10 ** (rng.normal(0, 3.0) / 20)
                semitones[nucleus] = accent * shape - declination
                formants[nucleus] = VOWELS[rng.integers(len(VOWELS))]
            declination += 0.15
            t = end
        speaking = False
    kernel = np.ones(5) / 5
    formants = np.stack([np.convolve(formants[:, i], kernel, mode="same") for i in range(3)], axis=1)
    formants = formants * spk["vtl"] * (1.0 + 0.06 * v)[:, None]
    slow = _lowpass_noise(rng, n, 1 / hop, 0.5)
    semitones = semitones + 8.0 * a + 2.0 * v + 0.8 * slow
    return {
        "voiced": voiced,
        "fric": fric,
        "f0": spk["f0"] * 2 ** (semitones / 12),
        "formants": formants,
        "gain_db": 15.0 * a,
        "tilt": -12.0 + 8.0 * a + 2.0 * v,  # dB per octave
        "breath": np.clip(0.25 - 0.35 * v, 0.02, 0.5),
    }


def synthesize(rng, a: np.ndarray, v: np.ndarray, spk: dict, sample_rate: int, num_samples: int) -> np.ndarray:
    """Speech-like audio in [-1, 1] driven by latent tracks a, v sampled every 10 ms."""
    hop = int(round(HOP_S * sample_rate))
    nfft = int(2 ** np.ceil(np.log2(hop * 3)))
    tracks = _control_tracks(rng, a, v, spk)
    f0 = np.interp(np.arange(num_samples) / hop, np.arange(len(a)), tracks["f0"])
    phase = np.cumsum(f0 / sample_rate)
    pulses = np.diff(np.floor(phase), prepend=0.0)
    pulses *= 1.0 + 0.05 * rng.standard_normal(num_samples)
    voiced_spec = stft(pulses.astype(np.float32), nperseg=nfft, noverlap=nfft - hop, boundary="even")[2]
    bins, frames = voiced_spec.shape
    # White noise in the STFT domain: independent complex Gaussians with the windowed-noise scale.
    noise_scale = np.float32(np.sqrt(0.5 / nfft))
    noise_spec, background_spec = (
        noise_scale * (rng.standard_normal((bins, frames), np.float32) + 1j * rng.standard_normal((bins, frames), np.float32))
        for _ in range(2)
    )
    freqs = np.fft.rfftfreq(nfft, 1 / sample_rate).astype(np.float32)
    ctrl = {k: val[np.minimum(np.arange(frames), len(val) - 1)] for k, val in tracks.items() if np.ndim(val)}
    octaves = np.log2(np.maximum(freqs, 50.0) / 200.0)
    tilt = 10 ** (ctrl["tilt"][None, :] * octaves[:, None] / 20)
    resonance = 0.03 + sum(
        1.0 / (1.0 + ((freqs[:, None] - ctrl["formants"][None, :, i]) / BANDWIDTHS[i]) ** 2) for i in range(3)
    )
    gain = 10 ** (ctrl["gain_db"] / 20)
    fricative = np.clip((freqs - 2500.0) / 2500.0, 0.05, 1.0)[:, None]
    log_f = np.log(np.maximum(freqs, 20.0))
    channel = 10 ** (sum(g * np.exp(-0.5 * ((log_f - c) / w) ** 2) for c, w, g in spk["channel"]) / 20)[:, None]
    voiced_env = resonance * tilt * (ctrl["voiced"] * gain)[None, :]
    noise_env = fricative * (ctrl["fric"] * gain)[None, :] * 3.0 + resonance * (ctrl["voiced"] * ctrl["breath"] * gain)[None, :]
    background_env = 10 ** (spk["noise_db"] / 20) / (1.0 + freqs / 1000.0)[:, None]
    mixed = channel * (voiced_spec * voiced_env + 0.1 * noise_spec * noise_env + background_spec * background_env)
    audio = istft(mixed, nperseg=nfft, noverlap=nfft - hop, boundary=True)[1][:num_samples]
    return np.clip(audio * 0.2, -1.0, 1.0)


def generate_recording(seed: int, partition: str, recording: str, sample_rate: int, duration_s: float, label_rate: float,
                       dynamics: Dynamics) -> dict:
    """Audio, latent trajectories and ratings of one synthetic recording (deterministic in seed)."""
    index = int(recording.split("_")[1])
    rng = np.random.default_rng([seed, constants.PARTITIONS.index(partition), index])
    n_labels = constants.num_label_frames(duration_s, label_rate)
    n_pre = int(PRE_ROLL_S * label_rate)
    latent = latent_trajectories(rng, n_pre + n_labels, label_rate, dynamics)
    spk = _speaker(rng)
    num_samples = int(round(duration_s * sample_rate))
    control_times = np.arange(int(np.ceil(duration_s / HOP_S)) + 1) * HOP_S
    label_times = np.arange(n_pre + n_labels) / label_rate - PRE_ROLL_S
    a, v = (np.interp(control_times, label_times, latent[d]) for d in constants.DIMENSIONS)
    audio = synthesize(rng, a, v, spk, sample_rate, num_samples)
    ratings = {d: rate_trajectory(rng, latent[d], label_rate, n_labels, d, dynamics) for d in constants.DIMENSIONS}
    return {
        "audio": audio,
        "times": np.arange(n_labels) / label_rate,
        "latent": {d: latent[d][n_pre:] for d in latent},
        "ratings": ratings,
    }


def _write_recording(args) -> str:
    out_dir, seed, partition, recording, cfg = args
    rec = generate_recording(seed, partition, recording, cfg.sample_rate, cfg.duration_s, cfg.label_rate,
                             cfg.dynamics)
    audio16 = np.round(rec["audio"] * 32767).astype(np.int16)
    wavfile.write(corpus.audio_path(out_dir, recording), cfg.sample_rate, audio16)
    if partition == "test" and not cfg.test_labels:
        return recording  # like the public release: no test ratings at all
    for dimension, ratings in rec["ratings"].items():
        centred = centre_ratings(ratings)
        corpus.write_ratings(corpus.ratings_path(out_dir, dimension, recording), rec["times"], ratings)
        corpus.write_ratings(corpus.ratings_path(out_dir, dimension, recording, centred=True), rec["times"], centred)
        path = corpus.gold_standard_path(out_dir, dimension, recording)
        corpus.write_gold_standard(path, recording, dimension, rec["times"], centred.mean(axis=1))
    return recording


def write_corpus(out_dir, cfg: dict | SyntheticCorpus, workers: int = 1) -> list[str]:
    """Write the whole synthetic corpus described by the config's `synthetic` section."""
    cfg = SyntheticCorpus.of(cfg)
    out_dir = Path(out_dir)
    (out_dir / corpus.AUDIO_DIR).mkdir(parents=True, exist_ok=True)
    for folder in (corpus.GOLD_DIR, corpus.RATINGS_DIR, corpus.CENTRED_DIR):
        for dimension in constants.DIMENSIONS:
            (out_dir / folder / dimension).mkdir(parents=True, exist_ok=True)
    jobs = [(out_dir, cfg.seed, p, r, cfg) for p, r in recording_ids(cfg.recordings)]
    workers = max(1, min(workers, len(jobs), os.cpu_count() or 1))
    if workers == 1:
        return [_write_recording(job) for job in jobs]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_write_recording, jobs))
