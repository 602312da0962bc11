"""Robustness report: the trained bundles on degraded audio (target robustness).

degradations: seeded plain functions (noise at an SNR, level, telephone band, lossy codec, reverberation);
conditions: the config's conditions and how each degrades a recording; experiment: one condition's
predictions (torch); report: the tables, paired tests and figures (no torch).
"""
