# The only Snakemake file with logic: config checks, output paths, input functions.
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from pfocr_enrich.enrich.engine import Settings
from pfocr_enrich.errors import InputError
from pfocr_enrich.enrich.genelists import read_gene_lists
from pfocr_enrich.records.genesets import GeneSetFilters
from pfocr_enrich.species import species_token
from pfocr_enrich.records.files import is_archive

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
ENRICHMENT = config["enrichment"]


def existing_path(key: str, value: str) -> str:
    if not Path(value).exists():
        raise WorkflowError(
            f"config '{key}': {value} does not exist. Fix the path in config.yaml."
        )
    return value


try:
    LIST_NAMES = [
        g.name for g in read_gene_lists(Path(existing_path("lists", config["lists"])))
    ]
except InputError as err:
    raise WorkflowError(str(err)) from None
LIST_CHUNKS = [
    LIST_NAMES[start : start + ENRICHMENT["lists_per_job"]]
    for start in range(0, len(LIST_NAMES), ENRICHMENT["lists_per_job"])
]
USER_ID_MAPS = [
    existing_path("id_map", p)
    for p in (
        []
        if config["id_map"] is None
        else (
            [config["id_map"]]
            if isinstance(config["id_map"], str)
            else config["id_map"]
        )
    )
]
BACKGROUND = (
    None
    if ENRICHMENT["universe"] == "annotated"
    else existing_path("enrichment.universe", ENRICHMENT["universe"])
)


def parse_libraries(entries) -> tuple[bool, dict[str, str], dict[str, str]]:
    """'built' or not, library name -> GMT path, and name -> URL for downloads."""
    use_built, paths, urls = False, {}, {}
    for entry in ["built"] if entries == "built" else entries:
        if entry == "built":
            use_built = True
            continue
        is_url = entry.startswith(("http://", "https://"))
        filename = PurePosixPath(urlparse(entry).path if is_url else entry).name
        name = filename.removesuffix(".gmt").removesuffix(".txt")
        if not name or not all(c.isalnum() or c in "_.+-" for c in name):
            raise WorkflowError(
                f"enrichment.libraries: cannot name a library after {entry!r}; "
                "use a file name of letters, digits and _ . + -"
            )
        if name in paths:
            raise WorkflowError(
                f"enrichment.libraries: two libraries are named {name!r} ({paths[name]}, {entry}); "
                "library names are file stems and must be unique: rename one."
            )
        if is_url:
            urls[name] = entry
            paths[name] = f"{DOWNLOADS}/{filename}"
        else:
            paths[name] = existing_path("enrichment.libraries", entry)
    return use_built, paths, urls


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
BUILT_PREFIX = f"pfocr_{config['release']}_"
DOWNLOADS = "resources/libraries"
ENRICH_DIR = "results/enrichment"
CHUNK_DIR = f"{ENRICH_DIR}/{{library}}/chunks/{{chunk}}"
LIST_TABLE = f"{ENRICH_DIR}/{{library}}/{{list}}.tsv"
LIBRARY_MERGED = f"{ENRICH_DIR}/{{library}}/_merged/{{table}}.tsv"
SUMMARY_TSV = f"{ENRICH_DIR}/summary.tsv"
SIGNIFICANT_TSV = f"{ENRICH_DIR}/significant.tsv"
UNMAPPED_TSV = f"{ENRICH_DIR}/unmapped.tsv"


USE_BUILT, LIBRARY_PATHS, LIBRARY_URLS = parse_libraries(ENRICHMENT["libraries"])


wildcard_constraints:
    library=r"[^/]+",
    chunk=r"\d+",
    filename=r"[^/]+",
    shard=r"\d+",
    species=r"[A-Za-z0-9_]+",


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
    return expand(
        GMT_FILE,
        species=[species_token(s) for s in species],
        id_type=id_types,
    )


def built_species(library: str) -> str | None:
    """The species token of a library built here, or None for a user's library."""
    if library in LIBRARY_PATHS or not library.startswith(BUILT_PREFIX):
        return None
    return library.removeprefix(BUILT_PREFIX).removesuffix("_entrez")


def library_gmt(wildcards) -> str:
    species = built_species(wildcards.library)
    if species is None:
        return LIBRARY_PATHS[wildcards.library]
    return GMT_FILE.format(species=species, id_type="entrez")


def library_figures(wildcards) -> list[str]:
    return [] if built_species(wildcards.library) is None else [FIGURES_TSV]


def library_species(wildcards) -> str:
    return built_species(wildcards.library) or species_token(ENRICHMENT["species"])


def enrichment_settings() -> Settings:
    return Settings(
        min_set_size=ENRICHMENT["min_set_size"],
        max_set_size=ENRICHMENT["max_set_size"],
        correction=ENRICHMENT["correction"],
        count_tests=ENRICHMENT["count_tests"],
        alpha=ENRICHMENT["alpha"],
        cluster_jaccard=config["report"]["cluster_jaccard"],
    )


def library_names() -> list[str]:
    built = (
        [Path(p).name.removesuffix(".gmt") for p in gmt_files(("entrez",))]
        if USE_BUILT
        else []
    )
    return built + list(LIBRARY_PATHS)


def library_chunks(wildcards) -> list[str]:
    return expand(CHUNK_DIR, library=wildcards.library, chunk=range(len(LIST_CHUNKS)))


def merged_tables(table: str) -> list[str]:
    return expand(LIBRARY_MERGED, library=library_names(), table=table)


def all_outputs(wildcards):
    return [
        FIGURES_TSV,
        SKIPPED_TSV,
        ID_MAP_TSV,
        *gmt_files(),
        SUMMARY_TSV,
        SIGNIFICANT_TSV,
        UNMAPPED_TSV,
        *expand(LIST_TABLE, library=library_names(), list=LIST_NAMES),
        *report_outputs(),
    ]


# --- report ---
REPORT = config["report"]
# Per-list plots go into the Snakemake report only up to this many lists; beyond it the
# report keeps the library-wide plots and tables (thousands of embedded images would not load).
REPORT_MAX_LISTS = 50
# Per-list dot and bar plots cost ~1 s a list and library: drawn only for small batches.
PLOTTED_LISTS = LIST_NAMES if len(LIST_NAMES) <= REPORT["max_list_plots"] else []
SIGNIFICANT_PAGE_ROWS = 5000
PLOT_DIR = "results/plots/{library}"
LIST_PLOT = f"{PLOT_DIR}/{{list}}.{{plot}}.{{ext}}"
LIBRARY_PLOT = f"{PLOT_DIR}/{{plot}}.{{ext}}"
CLUSTERPROFILER_TABLE = "results/interop/clusterprofiler/{library}/{list}.tsv"
SIGNIFICANT_PAGE = "results/report/significant/{library}.html"
PROVENANCE_JSON = "results/provenance.json"
PROVENANCE_PAGE = "results/report/provenance.html"
PLOT_NAMES = {
    "dotplot": "dot plot",
    "barplot": "bar plot",
    "heatmap": "heat map",
    "set_sizes": "set sizes",
    "pvalues": "p-values",
}


def tagged(path: str, plot: str, list_name: str | None):
    """A plot file flagged for the report under its library, and its list or "All lists"."""
    return report(
        path,
        caption=f"../report/{plot}.rst",
        category="{library}",
        subcategory=list_name or "All lists",
        labels={"list": list_name or "all lists", "plot": PLOT_NAMES.get(plot, plot)},
    )


def list_plots(plot: str, ext: str) -> list:
    """One library's per-list plot files; the PNGs tagged for the report when lists are few."""
    paths = expand(
        LIST_PLOT, library="{library}", list=PLOTTED_LISTS, plot=plot, ext=ext
    )
    if ext != "png" or len(PLOTTED_LISTS) > REPORT_MAX_LISTS:
        return paths
    return [
        tagged(path, plot, name)
        for path, name in zip(paths, PLOTTED_LISTS, strict=True)
    ]


def library_plot(plot: str, ext: str):
    path = LIBRARY_PLOT.replace("{plot}", plot).replace("{ext}", ext)
    return tagged(path, plot, None) if ext == "png" else path


def list_tables(wildcards) -> list[str]:
    return expand(LIST_TABLE, library=wildcards.library, list=LIST_NAMES)


def provenance_inputs(wildcards) -> dict[str, list[str]]:
    """Every file the results derive from, by role (built GMTs once the records are parsed)."""
    return {
        "records": [str(RECORDS)],
        "lists": [config["lists"]],
        "libraries": [
            *(gmt_files(("entrez",)) if USE_BUILT else []),
            *LIBRARY_PATHS.values(),
        ],
        "background": [BACKGROUND] if BACKGROUND else [],
        "id_map": USER_ID_MAPS,
    }


def report_outputs() -> list[str]:
    libraries = library_names()
    return [
        *expand(
            LIST_PLOT,
            library=libraries,
            list=PLOTTED_LISTS,
            plot=["dotplot", "barplot"],
            ext=["png", "svg"],
        ),
        *expand(
            LIBRARY_PLOT,
            library=libraries,
            plot=["heatmap", "set_sizes", "pvalues"],
            ext=["png", "svg"],
        ),
        *expand(CLUSTERPROFILER_TABLE, library=libraries, list=LIST_NAMES),
        *expand(SIGNIFICANT_PAGE, library=libraries),
        PROVENANCE_JSON,
        PROVENANCE_PAGE,
    ]
