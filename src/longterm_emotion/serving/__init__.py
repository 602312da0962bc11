"""Using what the pipeline trained: self-describing model bundles and prediction for any audio.

bundles: one file per trained network and dimension (weights of every ensemble
member, network settings, feature options, label rate, corpus, versions, dev CCC).
predict: features exactly as the pipeline computes them, ensemble predictions,
CSV / ARFF / PNG outputs. The console command lives in longterm_emotion.cli.
"""
