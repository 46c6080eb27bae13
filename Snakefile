# pfocr-enrich: PFOCR figure records -> gene sets -> GMT -> enrichment -> report.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/gmt.smk"
include: "workflow/rules/enrich.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        all_outputs,


# Stage targets: `snakemake gmt`, `snakemake enrich`, `snakemake report`.
rule gmt:
    input:
        gmt_outputs,


rule enrich:
    input:
        enrich_outputs,


rule report:
    input:
        report_outputs,
