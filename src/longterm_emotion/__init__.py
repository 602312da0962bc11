"""Reproduction of Khorram et al. (Interspeech 2017) as a Snakemake pipeline.

One module per concept: corpus (reading the AVEC 2016 layout), synthetic
(the built-in corpus), audio, features, labels, metrics, models, training,
sweep, plots, tables.
"""

__version__ = "0.1.0"
