# Reproduction of Khorram et al., "Capturing Long-term Temporal Dependencies with
# Convolutional Networks for Continuous Emotion Recognition" (Interspeech 2017).
import sys
from pathlib import Path

from snakemake.utils import min_version

# Every path the workflow owns is anchored at this file's folder (not the working
# directory), so it runs from any folder, with --directory, and as a module of another
# workflow (`module longterm: snakefile: ".../Snakefile"`; workflow.basedir would be the
# other workflow's folder there). Results go below results_dir, relative to the working directory.
REPO = Path(workflow.current_basedir.get_path_or_uri(secret_free=True))
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"

sys.path.insert(0, str(REPO / "src"))
from longterm_emotion.config import check_device, prepare  # noqa: E402

min_version("8.0")


report: "workflow/report/workflow.rst"


configfile: str(REPO / "config.yaml")


# Validated once, here (longterm_emotion.config.prepare): as a module (`config: ...` given) the
# configfile line above is skipped, and settings the caller leaves out come from config.yaml.
prepare(config, SCHEMA, REPO / "config.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/corpus.smk"
include: "workflow/rules/features.smk"
include: "workflow/rules/label_study.smk"
include: "workflow/rules/sweep.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/frontends.smk"
include: "workflow/rules/avec.smk"
include: "workflow/rules/evidence.smk"
include: "workflow/rules/results.smk"
include: "workflow/rules/results_doc.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/robustness.smk"
include: "workflow/rules/versions.smk"
include: "workflow/rules/ablations.smk"


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
        rules.models.input,
        rules.summary.output,
        rules.results_doc.output,
        rules.versions.output,


# A run on this machine (not a dry run, not a cluster's jobs) needs the configured device here: checked
# before any job starts.
onstart:
    if workflow.local_exec:
        check_device(config["compute"]["device"])
