# Enrichment tables -> plots, browsable pages, other tools' formats, provenance: the report.


localrules:
    provenance,


rule plots:
    input:
        library=library_gmt,
        tables=RESULT_TABLES,
        settings=SETTINGS["plots"],
    output:
        plots_folder(),
    log:
        "logs/plots/{library}.log",
    # The report's per-library jobs share a group, batched several to a cluster job
    # (group-components in the SLURM profile); local runs ignore groups.
    group:
        "report"
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        lists=lambda wildcards: library_lists(wildcards.library),
        # built from this run's records: a PFOCR library whatever its set ids look like
        built_here=lambda wildcards: built_here(wildcards.library),
    script:
        "../../scripts/plot_library.py"


rule significant_page:
    input:
        tables=RESULT_TABLES,
        cover=COVER_TABLE,
        settings=SETTINGS["significant_page"],
    output:
        report(
            SIGNIFICANT_PAGE,
            caption="../report/significant.rst",
            category="{library}",
            subcategory="All lists",
            labels={"list": "all lists", "plot": "significant figures (table)"},
        ),
    log:
        "logs/significant_page/{library}.log",
    group:
        "report"
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        lists=lambda wildcards: library_lists(wildcards.library),
    script:
        "../../scripts/significant_page.py"


# Built libraries only, with or without lists: figures can be browsed before any enrichment.
rule figure_browser:
    input:
        unpack(figure_browser_inputs),
    output:
        report(
            FIGURE_BROWSER,
            caption="../report/figure_browser.rst",
            category="{library}",
            subcategory="All lists",
            labels={"list": "all lists", "plot": "figure browser (search)"},
        ),
    log:
        "logs/figure_browser/{library}.log",
    group:
        "report"
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        lists=lambda wildcards: library_lists(wildcards.library),
        species=lambda wildcards: built_species(wildcards.library),
    script:
        "../../scripts/figure_browser.py"


# Per list (enrichment.tables per_list, both) and/or one compareCluster-shaped table (combined, both).
rule clusterprofiler_tables:
    input:
        tables=RESULT_TABLES,
        summary=LIBRARY_MERGED.replace("{table}", "summary"),
        settings=SETTINGS["clusterprofiler_tables"],
    output:
        per_list=[directory(CLUSTERPROFILER_DIR)] if PER_LIST_TABLES else [],
        combined=[CLUSTERPROFILER_TABLE] if COMBINED_TABLES else [],
    log:
        "logs/clusterprofiler_tables/{library}.log",
    group:
        "report"
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=60,
    params:
        lists=lambda wildcards: library_lists(wildcards.library),
        unwritten=lambda wildcards: unwritten_outputs(
            CLUSTERPROFILER_DIR, CLUSTERPROFILER_TABLE, wildcards.library
        ),
    script:
        "../../scripts/clusterprofiler_tables.py"


# Per list and/or one file per library with a `list` column, as the clusterProfiler tables.
rule enrichmentmap_files:
    input:
        tables=RESULT_TABLES,
        settings=SETTINGS["enrichmentmap_files"],
    output:
        per_list=[directory(ENRICHMENTMAP_DIR)] if PER_LIST_TABLES else [],
        combined=[ENRICHMENTMAP_TABLE] if COMBINED_TABLES else [],
    log:
        "logs/enrichmentmap_files/{library}.log",
    group:
        "report"
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=60,
    params:
        lists=lambda wildcards: library_lists(wildcards.library),
        unwritten=lambda wildcards: unwritten_outputs(
            ENRICHMENTMAP_DIR, ENRICHMENTMAP_TABLE, wildcards.library
        ),
    script:
        "../../scripts/enrichmentmap_files.py"


rule provenance:
    input:
        unpack(provenance_inputs),
    output:
        json=PROVENANCE_JSON,
        page=report(
            PROVENANCE_PAGE,
            caption="../report/provenance.rst",
            category="Run",
            labels={"page": "provenance"},
        ),
    log:
        "logs/provenance/provenance.log",
    conda:
        "../envs/pfocr-enrich.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=30,
    script:
        "../../scripts/provenance.py"
