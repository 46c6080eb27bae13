# The only Snakemake file with logic: config checks, output paths, input functions.
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from pfocr_enrich.genesets import GeneSetFilters
from pfocr_enrich.record_files import is_archive


validate(config, schema="../schemas/config.schema.yaml")

RECORDS = Path(config["records"])
if not RECORDS.exists():
    raise WorkflowError(
        f"config 'records': {RECORDS} does not exist. Set it to a folder or .tar.gz/.zip "
        "of PFOCR records (config.yaml, or --config records=PATH)."
    )
_years = config["gmt"]["years"] or {}
if None not in (_years.get("from"), _years.get("to")) and _years["from"] > _years["to"]:
    raise WorkflowError(
        f"config 'gmt.years': from {_years['from']} is after to {_years['to']}."
    )
SHARDS = list(range(config["shards"]))

# Every output path of the workflow is named here and nowhere else.
GMT_DIR = "results/gmt"
WORK_DIR = f"{GMT_DIR}/work"
UNPACKED_RECORDS = f"{WORK_DIR}/unpacked_records"
INVENTORY = f"{WORK_DIR}/inventory.txt"
SHARD_JSON = f"{WORK_DIR}/shards/{{shard}}.json"
GENE_SETS_JSON = f"{WORK_DIR}/gene_sets.json"
FIGURES_TSV = f"{GMT_DIR}/figures.tsv"
SKIPPED_TSV = f"{GMT_DIR}/skipped.tsv"
ID_MAP_TSV = f"{GMT_DIR}/id_map.tsv"
GMT_FILE = f"{GMT_DIR}/pfocr_{config['release']}_{{species}}_{{id_type}}.gmt"


wildcard_constraints:
    shard=r"\d+",
    species=r"[A-Za-z0-9_]+",
    id_type="entrez|symbol",


def records_folder(wildcards):
    """The folder the records are read from: the user's, or the unpacked archive."""
    return UNPACKED_RECORDS if is_archive(RECORDS) else str(RECORDS)


def gene_set_filters() -> GeneSetFilters:
    gmt = config["gmt"]
    years = config["gmt"]["years"]
    return GeneSetFilters(
        sources=None if gmt["sources"] == "all" else frozenset(gmt["sources"]),
        min_genes=gmt["min_genes"],
        max_genes=gmt["max_genes"],
        organisms=None if gmt["organisms"] == "all" else frozenset(gmt["organisms"]),
        years=None if years is None else (years.get("from"), years.get("to")),
        collapse_duplicates=gmt["collapse_duplicates"],
    )


def gmt_files(id_types=("entrez", "symbol")) -> list[str]:
    """The GMTs of every species the records yield (known once gene sets are built)."""
    import json

    gene_sets = checkpoints.gene_sets.get().output.gene_sets
    species = json.loads(Path(gene_sets).read_text(encoding="utf-8"))["species"]
    from pfocr_enrich.genesets import species_token

    return expand(
        GMT_FILE,
        species=[species_token(s) for s in species],
        id_type=id_types,
    )


def all_outputs(wildcards):
    return [FIGURES_TSV, SKIPPED_TSV, ID_MAP_TSV, *gmt_files()]
