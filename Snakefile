# Reproduction of Khorram et al., "Capturing Long-term Temporal Dependencies with
# Convolutional Networks for Continuous Emotion Recognition" (Interspeech 2017).
import sys
from pathlib import Path

from snakemake.utils import min_version, validate

sys.path.insert(0, str(Path(workflow.basedir) / "src"))
from longterm_emotion.config import check  # noqa: E402

min_version("8.0")


report: "workflow/report/workflow.rst"


configfile: "config.yaml"


check(config, "workflow/schemas/config.schema.yaml")
validate(config, "workflow/schemas/config.schema.yaml")  # fills in the defaults


include: "workflow/rules/common.smk"
include: "workflow/rules/corpus.smk"
include: "workflow/rules/features.smk"
include: "workflow/rules/label_study.smk"
include: "workflow/rules/sweep.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/egemaps.smk"
include: "workflow/rules/results.smk"


rule all:
    default_target: True
    input:
        rules.features.input,
        rules.label_study.input,
        rules.sweep.input,
        rules.train.input,
        rules.avec.input,
        rules.tables.input,
        rules.figures.input,
        rules.summary.output,
