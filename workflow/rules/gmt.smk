# Records -> gene sets (and chemical and disease sets) -> GMT files.


# Quick steps run where Snakemake runs, not as cluster jobs (see README, cluster section).
localrules:
    list_records,
    gmt_species,


rule unpack_records:
    input:
        str(RECORDS),
    output:
        directory(UNPACKED_RECORDS),
    log:
        "logs/unpack_records/unpack_records.log",
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    script:
        "../../scripts/unpack_records.py"


rule list_records:
    input:
        records_folder,
    output:
        INVENTORY,
    log:
        "logs/list_records/list_records.log",
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/list_records.py"


# The records folder is a parameter, not an input: as an input of every shard job, Snakemake
# spent seconds of CPU on its 91,000 files per job (measured, docs/benchmarks.md). The
# inventory, whose rule takes the folder as input, ties each shard to it.
rule parse_records:
    input:
        inventory=INVENTORY,
        settings=SETTINGS["parse_records"],
    output:
        SHARD_JSON,
    log:
        "logs/parse_records/{shard}.log",
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=60,
    params:
        records=records_folder,
        n_shards=len(SHARDS),
    script:
        "../../scripts/parse_records.py"


checkpoint gene_sets:
    input:
        shards=expand(SHARD_JSON, shard=SHARDS),
        settings=SETTINGS["gene_sets"],
    output:
        **ENTITY_OUTPUTS,
        figures=FIGURES_TSV,
        skipped=SKIPPED_TSV,
        id_map=ID_MAP_TSV,
        gene_sets=GENE_SETS_JSON,
    log:
        "logs/gene_sets/gene_sets.log",
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        gmt_file=lambda wildcards: GMT_FILE,
        id_types=GMT_ID_TYPES,
        stale_entity_outputs=STALE_ENTITY_OUTPUTS,
    script:
        "../../scripts/gene_sets.py"


rule gmt_species:
    input:
        GENE_SETS_JSON,
    output:
        entrez=GMT_FILE.replace("{id_type}", "entrez"),
        symbol=GMT_FILE.replace("{id_type}", "symbol"),
    log:
        "logs/gmt_species/{species}.log",
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/write_gmt.py"


rule entity_gmt:
    input:
        ENTITY_SETS_JSON,
    output:
        ENTITY_GMT,
    log:
        "logs/entity_gmt/{entity}_{id_type}.log",
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/entity_gmt.py"
