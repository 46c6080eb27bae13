# Enrichment tables -> plots, browsable pages, other tools' formats, provenance: the report.


localrules:
    provenance,


rule plots:
    input:
        library=library_gmt,
        tables=list_tables,
        settings=SETTINGS["plots"],
    output:
        dotplot_png=list_plots("dotplot", "png"),
        dotplot_svg=list_plots("dotplot", "svg"),
        barplot_png=list_plots("barplot", "png"),
        barplot_svg=list_plots("barplot", "svg"),
        heatmap_png=library_plot("heatmap", "png"),
        heatmap_svg=library_plot("heatmap", "svg"),
        set_sizes_png=library_plot("set_sizes", "png"),
        set_sizes_svg=library_plot("set_sizes", "svg"),
        pvalues_png=library_plot("pvalues", "png"),
        pvalues_svg=library_plot("pvalues", "svg"),
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
    script:
        "../../scripts/plot_library.py"


rule significant_page:
    input:
        tables=list_tables,
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
    script:
        "../../scripts/significant_page.py"


rule clusterprofiler_tables:
    input:
        tables=list_tables,
        summary=LIBRARY_MERGED.replace("{table}", "summary"),
        settings=SETTINGS["clusterprofiler_tables"],
    output:
        expand(CLUSTERPROFILER_TABLE, library="{library}", list=LIST_NAMES),
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
    script:
        "../../scripts/clusterprofiler_tables.py"


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
