# Gene lists x gene set libraries -> over-representation tables.


# Downloads need the network, which cluster nodes often lack; merges are quick file copies.
localrules:
    download_library,
    id_tables,
    enrichment_tables,
    enrichment_summary,


rule download_library:
    output:
        gmt=f"{DOWNLOADS}/{{filename}}",
        sha256=f"{DOWNLOADS}/{{filename}}.sha256",
    log:
        "logs/download_library/{filename}.log",
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=30,
    params:
        url=lambda wildcards: LIBRARY_URLS[
            wildcards.filename.removesuffix(".gmt").removesuffix(".txt")
        ],
    script:
        "../../scripts/download_library.py"


# ID tables (id_map: ncbi, URLs) of one species, fetched once into resources/id_maps/ with their
# SHA-256. Without network the manifest says "unavailable" and the records' table is used; after
# the network is back, `snakemake --forcerun id_tables` fetches them.
rule id_tables:
    output:
        ID_TABLES,
    log:
        "logs/id_tables/{species}.log",
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=30,
    params:
        sources=REMOTE_ID_MAPS,
        cache=ID_TABLE_CACHE,
        base_url=config["ncbi_gene_info_url"],
    script:
        "../../scripts/id_tables.py"


rule enrich_chunk:
    input:
        unpack(enrich_inputs),
    output:
        temp(directory(CHUNK_DIR)),
    log:
        "logs/enrich_chunk/{library}/{chunk}.log",
    # Batched several to a cluster job (group-components in the SLURM profile); local runs ignore groups.
    group:
        "enrich"
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        list_names=lambda wildcards: list_chunks(wildcards.library)[
            int(wildcards.chunk)
        ],
        species=lambda wildcards: library_species(wildcards.library),
        # chemicals or diseases (mapped through the records' names), None for genes
        entity=lambda wildcards: (
            None
            if library_type(wildcards.library) == GENES
            else library_type(wildcards.library)
        ),
    script:
        "../../scripts/enrich.py"


rule enrichment_tables:
    input:
        unpack(enrich_inputs),
        chunks=library_chunks,
    # Which tables exist follows enrichment.tables: per-list TSVs (with significant.tsv) and/or
    # the library's combined Parquet table.
    output:
        tables=[directory(LIST_TABLES)] if PER_LIST_TABLES else [],
        combined=[COMBINED_TABLE] if COMBINED_TABLES else [],
        cover=report(
            COVER_TABLE,
            caption="../report/cover.rst",
            category="{library}",
            subcategory="All lists",
            labels={"list": "all lists", "plot": "covering sets (table)"},
        ),
        summary=LIBRARY_MERGED.replace("{table}", "summary"),
        unmapped=LIBRARY_MERGED.replace("{table}", "unmapped"),
        significant=(
            [LIBRARY_MERGED.replace("{table}", "significant")]
            if PER_LIST_TABLES
            else []
        ),
        renamed=LIBRARY_MERGED.replace("{table}", "renamed_sets"),
    log:
        "logs/enrichment_tables/{library}.log",
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        lists=lambda wildcards: library_lists(wildcards.library),
        unwritten=lambda wildcards: unwritten_outputs(
            LIST_TABLES, COMBINED_TABLE, wildcards.library
        ),
    script:
        "../../scripts/enrichment_tables.py"


rule enrichment_summary:
    input:
        summaries=lambda wildcards: merged_tables("summary"),
        unmapped=lambda wildcards: merged_tables("unmapped"),
        significant=lambda wildcards: (
            merged_tables("significant") if PER_LIST_TABLES else []
        ),
        renamed=lambda wildcards: merged_tables("renamed_sets"),
        settings=SETTINGS["enrichment_summary"],
    output:
        summary=SUMMARY_TSV,
        unmapped=UNMAPPED_TSV,
        significant=[SIGNIFICANT_TSV] if PER_LIST_TABLES else [],
        renamed=RENAMED_SETS_TSV,
    log:
        "logs/enrichment_summary/enrichment_summary.log",
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        libraries=lambda wildcards: library_names(),
        library_folders=LIBRARY_FOLDERS,
        untested=untested,
        unwritten=[] if PER_LIST_TABLES else [SIGNIFICANT_TSV],
    script:
        "../../scripts/enrichment_summary.py"
