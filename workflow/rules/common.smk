# The only Snakemake file with logic: config checks, settings files, output paths, input functions.
import re
import sys
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

import yaml

from pfocr_enrich.config import coerce_to_schema, config_problems, write_settings
from pfocr_enrich.enrichment.genelists import ignored_files, read_gene_lists
from pfocr_enrich.enrichment.idsources import is_remote_source
from pfocr_enrich.entities import (
    ENTITY_ID_TYPES,
    GENES,
    MESH,
    library_entity,
    members_entity,
)
from pfocr_enrich.errors import InputError
from pfocr_enrich.records.files import is_archive
from pfocr_enrich.species import species_token


def stop(message: str):
    """End the run with the message alone: a raised error would add a traceback line."""
    print(f"Error: {message}", file=sys.stderr)
    sys.exit(1)


# --config values arrive as text or numbers whatever the key: read them as the schema's types.
SCHEMA = yaml.safe_load(
    (Path(workflow.current_basedir) / "../schemas/config.schema.yaml").read_text()
)
config.update(coerce_to_schema(config, SCHEMA))
if problems := config_problems(config, SCHEMA):
    stop(
        "\n".join(problems)
        + "\nFix config.yaml or the --config value (README, 'Configuration')."
    )

GMT_CONFIG = config["gmt"]
ENRICHMENT = config["enrichment"]
REPORT = config["report"]
for section, low, high in [
    ("enrichment", "min_set_size", "max_set_size"),
    ("gmt", "min_genes", "max_genes"),
]:
    if (config[section][high] or float("inf")) < config[section][low]:
        stop(
            f"config '{section}.{low}' ({config[section][low]}) is above '{section}.{high}' "
            f"({config[section][high]}): no set could pass. Lower {low} or raise {high}."
        )
_years = GMT_CONFIG["years"] or {}
if None not in (_years.get("from"), _years.get("to")) and _years["from"] > _years["to"]:
    stop(f"config 'gmt.years': from {_years['from']} is after to {_years['to']}.")


def existing_path(key: str, value: str) -> str:
    if not Path(value).exists():
        stop(f"config '{key}': {value} does not exist. Fix the path in config.yaml.")
    return value


# Every output path of the workflow is named here and nowhere else.
SETTINGS_DIR = "results/settings"
GMT_DIR = "results/gmt"
WORK_DIR = f"{GMT_DIR}/work"
UNPACKED_RECORDS = f"{WORK_DIR}/unpacked_records"
INVENTORY = f"{WORK_DIR}/inventory.txt"
SHARD_JSON = f"{WORK_DIR}/shards/{{shard}}.json"
GENE_SETS_JSON = f"{WORK_DIR}/gene_sets.json"
FIGURES_TSV = f"{GMT_DIR}/figures.tsv"
SKIPPED_TSV = f"{GMT_DIR}/skipped.tsv"
ID_MAP_TSV = f"{GMT_DIR}/id_map.tsv"
ID_TABLES = f"{GMT_DIR}/id_tables/{{species}}.tsv"
ID_TABLE_CACHE = "resources/id_maps"
GMT_FILE = f"{GMT_DIR}/pfocr_{config['release']}_{{species}}_{{id_type}}.gmt"
GMT_ID_TYPES = ("entrez", "symbol")
# Chemical and disease libraries (gmt.entities): no species, one file an entity and ID type.
ENTITY_LIBRARIES = [entity for entity in GMT_CONFIG["entities"] if entity != GENES]
ENTITY_GMT = f"{GMT_DIR}/pfocr_{config['release']}_{{entity}}_{{id_type}}.gmt"
ENTITY_SETS_JSON = f"{WORK_DIR}/entity_sets.json"
ENTITY_NAMES_TSV = f"{GMT_DIR}/entity_names.tsv"
BUILT_PREFIX = f"pfocr_{config['release']}_"
DOWNLOADS = "resources/libraries"
ENRICH_DIR = "results/enrichment"
ENRICH_WORK = "results/work/enrichment"
CHUNK_DIR = f"{ENRICH_WORK}/{{library}}/chunks/{{chunk}}"
LIBRARY_MERGED = f"{ENRICH_WORK}/{{library}}/{{table}}.tsv"
# One folder per library holds its lists' tables ({list}.tsv): the lists tested against a
# library are those of its species, so the files a library job writes depend on the library,
# which Snakemake expresses as a directory output.
LIST_TABLES = f"{ENRICH_DIR}/{{library}}"
# Every list's rows in one Parquet table per library (enrichment.tables: combined, both, auto).
COMBINED_TABLE = f"{ENRICH_DIR}/{{library}}.parquet"
# Each list's covering sets (weighted set cover), every list of a library in one table.
COVER_TABLE = f"{ENRICH_DIR}/{{library}}.cover.tsv"
SUMMARY_TSV = f"{ENRICH_DIR}/summary.tsv"
SIGNIFICANT_TSV = f"{ENRICH_DIR}/significant.tsv"
UNMAPPED_TSV = f"{ENRICH_DIR}/unmapped.tsv"
RENAMED_SETS_TSV = f"{ENRICH_DIR}/renamed_sets.tsv"
PLOT_DIR = "results/plots/{library}"  # {list}.{dotplot,barplot}.{png,svg}, heatmap, ...
CLUSTERPROFILER_DIR = "results/interop/clusterprofiler/{library}"  # {list}.tsv
# compareCluster's shape: a Cluster column naming the list, then enrichResult's columns
CLUSTERPROFILER_TABLE = "results/interop/clusterprofiler/{library}.tsv"
# Cytoscape EnrichmentMap generic results: per list, or one file per library with a `list` column.
ENRICHMENTMAP_DIR = "results/interop/enrichmentmap/{library}"  # {list}.txt
ENRICHMENTMAP_TABLE = "results/interop/enrichmentmap/{library}.txt"
SIGNIFICANT_PAGE = "results/report/significant/{library}.html"
# Every figure of a library built here, searchable, with its padj in the first lists.
FIGURE_BROWSER = "results/report/figures/{library}.html"
PROVENANCE_JSON = "results/provenance.json"
PROVENANCE_PAGE = "results/report/provenance.html"
# Folders holding one file or folder per library: what a run finds there for a library it no
# longer has is left from an earlier run, and the run says so.
LIBRARY_FOLDERS = (
    ENRICH_DIR,
    "results/plots",
    "results/interop/clusterprofiler",
    "results/interop/enrichmentmap",
    "results/report/significant",
)


def parse_libraries(
    entries,
) -> tuple[bool, dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """'built' or not, library name -> GMT path, name -> URL for downloads, name -> species,
    name -> what its sets hold (genes, chemicals or diseases)."""
    use_built, paths, urls, species, types = False, {}, {}, {}, {}
    for item in ["built"] if entries == "built" else entries:
        if item == "built":
            use_built = True
            continue
        entry = item["path"] if isinstance(item, dict) else item
        is_url = entry.startswith(("http://", "https://"))
        filename = PurePosixPath(urlparse(entry).path if is_url else entry).name
        name = filename.removesuffix(".gmt").removesuffix(".txt")
        if not name or not all(c.isalnum() or c in "_.+-" for c in name):
            stop(
                f"enrichment.libraries: cannot name a library after {entry!r}; "
                "use a file name of letters, digits and _ . + -"
            )
        if name in paths:
            stop(
                f"enrichment.libraries: two libraries are named {name!r} ({paths[name]}, {entry}); "
                "library names are file stems and must be unique: rename one."
            )
        if is_url:
            urls[name] = entry
            paths[name] = f"{DOWNLOADS}/{filename}"
        else:
            paths[name] = existing_path("enrichment.libraries", entry)
        species[name] = item.get("species") if isinstance(item, dict) else None
        species[name] = species[name] or ENRICHMENT["species"]
        given = item.get("type") if isinstance(item, dict) else None
        try:
            types[name] = given or library_entity(
                filename, None if is_url else Path(paths[name])
            )
        except InputError as err:
            stop(f"enrichment.libraries: {err}")
    return use_built, paths, urls, species, types


USE_BUILT, LIBRARY_PATHS, LIBRARY_URLS, LIBRARY_SPECIES, LIBRARY_TYPES = (
    parse_libraries(ENRICHMENT["libraries"])
)
# Built libraries: genes per species (pfocr_{release}_{Genus_species}_entrez) and, with
# gmt.entities, the chemical and disease libraries (pfocr_{release}_{entity}_{id_type}).
BUILT_ENTITY_LIBRARIES = (
    {
        f"{BUILT_PREFIX}{entity}_{id_type}": (entity, id_type)
        for entity in ENTITY_LIBRARIES
        for id_type in ENTITY_ID_TYPES[entity]
    }
    if USE_BUILT
    else {}
)
BUILT_LIBRARY = "|".join(
    [
        f"pfocr_{re.escape(config['release'])}_[A-Za-z0-9_]+_entrez",
        *map(re.escape, BUILT_ENTITY_LIBRARIES),
    ]
)
if USE_BUILT:
    for name, path in LIBRARY_PATHS.items():
        if re.fullmatch(BUILT_LIBRARY, name) or name in BUILT_ENTITY_LIBRARIES:
            stop(
                f"enrichment.libraries: {path} would be named {name!r}, the name of a library "
                "built from the records in this run. Rename the file."
            )
RECORDS = None if config["records"] is None else Path(config["records"])
if RECORDS is None and USE_BUILT:
    stop(
        "config 'records' is null, but 'enrichment.libraries' uses 'built' (the GMTs built from "
        "records). Set records to a folder or archive of PFOCR records, or list GMT files under "
        "enrichment.libraries."
    )
if RECORDS is not None and not RECORDS.exists():
    stop(
        f"config 'records': {RECORDS} does not exist. Set it to a folder or .tar.gz/.zip "
        "of PFOCR records (config.yaml, or --config records=PATH), or to null."
    )
SHARDS = list(range(config["shards"]))

if config["lists"] is None:
    LISTS = []
else:
    try:
        LISTS = read_gene_lists(Path(existing_path("lists", config["lists"])))
    except InputError as err:
        stop(str(err))
    if ignored := ignored_files(Path(config["lists"])):
        print(
            f"Note: lists folder {config['lists']}: {len(ignored)} file(s) not read as gene lists "
            f"(lists are .txt, .tsv, .csv or .gmt): {', '.join(p.name for p in ignored)}",
            file=sys.stderr,
        )
LIST_NAMES = [gene_list.name for gene_list in LISTS]


def species_of_lists() -> dict[str, str]:
    """Each list's species: list_species in the config, else its table's species column, else
    enrichment.species. Lists are tested only against libraries of their species."""
    configured = config["list_species"] or {}
    if unknown := sorted(set(configured) - set(LIST_NAMES)):
        stop(
            f"config 'list_species' names {', '.join(unknown)}, not among the gene lists "
            f"({', '.join(LIST_NAMES[:5])}{', ...' if len(LIST_NAMES) > 5 else ''}). Fix the names."
        )
    species = {}
    for gene_list in LISTS:
        given = configured.get(gene_list.name)
        if given and gene_list.species and given != gene_list.species:
            stop(
                f"list {gene_list.name!r} is {given!r} in config 'list_species' but {gene_list.species!r} "
                f"in its species column ({gene_list.source}). Make them agree."
            )
        species[gene_list.name] = given or gene_list.species or ENRICHMENT["species"]
    return species


LIST_SPECIES = species_of_lists()


def types_of_lists() -> dict[str, str]:
    """What each list holds: list_types in the config, else its table's type column, else what
    its IDs say (chebi:/CHEBI: chemicals, DOID: diseases), else genes. Lists of chemicals or
    diseases are tested against libraries of their type, whatever their species."""
    configured = config.get("list_types") or {}
    if unknown := sorted(set(configured) - set(LIST_NAMES)):
        stop(
            f"config 'list_types' names {', '.join(unknown)}, not among the lists "
            f"({', '.join(LIST_NAMES[:5])}{', ...' if len(LIST_NAMES) > 5 else ''}). Fix the names."
        )
    types = {}
    for gene_list in LISTS:
        given = configured.get(gene_list.name)
        if given and gene_list.type and given != gene_list.type:
            stop(
                f"list {gene_list.name!r} is {given!r} in config 'list_types' but {gene_list.type!r} "
                f"in its type column ({gene_list.source}). Make them agree."
            )
        found = given or gene_list.type
        if not found:
            found = members_entity(list(gene_list.genes)) or GENES
            if found == MESH:
                stop(
                    f"list {gene_list.name!r} ({gene_list.source}) holds MeSH IDs, which name chemicals "
                    "and diseases alike: say which in config 'list_types' "
                    f"({{{gene_list.name}: chemicals}}) or in a 'type' column."
                )
        types[gene_list.name] = found
    return types


LIST_TYPES = types_of_lists()
ID_MAP_ENTRIES = (
    []
    if config["id_map"] is None
    else [config["id_map"]] if isinstance(config["id_map"], str) else config["id_map"]
)
# Paths (gene_info, HGNC, symbol/entrez TSVs) are read as they are; `ncbi` and URLs are fetched
# once per species by rule id_tables and cached under ID_TABLE_CACHE.
USER_ID_MAPS = [
    existing_path("id_map", p) for p in ID_MAP_ENTRIES if not is_remote_source(p)
]
REMOTE_ID_MAPS = [p for p in ID_MAP_ENTRIES if is_remote_source(p)]
BACKGROUND = (
    None
    if ENRICHMENT["universe"] == "annotated"
    else existing_path("enrichment.universe", ENRICHMENT["universe"])
)
# Per-list dot and bar plots cost ~0.4 s a list and library (bench_plots.py): drawn only for small batches.
PLOTTED_LISTS = LIST_NAMES if len(LIST_NAMES) <= REPORT["max_list_plots"] else []


def table_kinds(tables: str, n_lists: int) -> tuple[bool, bool]:
    """(per-list TSVs, combined Parquet) that enrichment.tables writes for n_lists lists."""
    if tables == "auto":
        tables = "both" if n_lists <= REPORT["max_list_plots"] else "combined"
    return tables in ("per_list", "both"), tables in ("combined", "both")


PER_LIST_TABLES, COMBINED_TABLES = table_kinds(ENRICHMENT["tables"], len(LIST_NAMES))
# What the report reads: the Parquet table when there is one (one file, read by row groups).
RESULT_TABLES = COMBINED_TABLE if COMBINED_TABLES else LIST_TABLES
SIGNIFICANT_PAGE_ROWS = 5000


def settings_file(rule_name: str, values: dict) -> str:
    """results/settings/{rule_name}.json holding the settings that rule's outputs depend on.

    An input of the rule (and of whatever must rerun with it), rewritten only when a value
    changes: Snakemake then reruns exactly the jobs a changed setting changes. The scripts read
    their settings from it, so outputs and provenance.json cannot disagree with it.
    """
    path = f"{SETTINGS_DIR}/{rule_name}.json"
    write_settings(Path(path), values)
    return path


SETTINGS = {
    # Chemicals and diseases are read (both, a figure without genes being kept for its
    # chemicals) whenever either library is built.
    "parse_records": settings_file(
        "parse_records",
        {"sources": GMT_CONFIG["sources"], "entities": bool(ENTITY_LIBRARIES)},
    ),
    "gene_sets": settings_file("gene_sets", {"gmt": GMT_CONFIG}),
    "enrich": settings_file(
        "enrich",
        {
            # lists_per_job only splits the work: chunk count changes rerun through the inputs
            "enrichment": {
                key: value
                for key, value in ENRICHMENT.items()
                if key not in ("libraries", "lists_per_job")
            },
            # top_n: the number of covering sets written with the tables
            "report": {
                "cluster_jaccard": REPORT["cluster_jaccard"],
                "top_n": REPORT["top_n"],
            },
            "per_list_tables": PER_LIST_TABLES,
            "combined_tables": COMBINED_TABLES,
            "id_map": config["id_map"],
            "ncbi_gene_info_url": config["ncbi_gene_info_url"],
            "lists": LIST_SPECIES,
        },
    ),
    "enrichment_summary": settings_file(
        "enrichment_summary",
        {
            "libraries": ENRICHMENT["libraries"],
            "release": config["release"],
            "per_list_tables": PER_LIST_TABLES,
        },
    ),
    # Which lists a library has is in each library's tables folder (an input of these rules).
    "plots": settings_file(
        "plots",
        {
            "report": {k: v for k, v in REPORT.items() if k != "max_list_plots"},
            "alpha": ENRICHMENT["alpha"],
            "size_range": [ENRICHMENT["min_set_size"], ENRICHMENT["max_set_size"]],
            "plot_lists": bool(PLOTTED_LISTS),
        },
    ),
    "clusterprofiler_tables": settings_file(
        "clusterprofiler_tables",
        {
            "alpha": ENRICHMENT["alpha"],
            "per_list": PER_LIST_TABLES,
            "combined": COMBINED_TABLES,
        },
    ),
    "enrichmentmap_files": settings_file(
        "enrichmentmap_files",
        {
            "alpha": ENRICHMENT["alpha"],
            "per_list": PER_LIST_TABLES,
            "combined": COMBINED_TABLES,
        },
    ),
    "significant_page": settings_file(
        "significant_page",
        {
            "alpha": ENRICHMENT["alpha"],
            "cluster_jaccard": REPORT["cluster_jaccard"],
            "max_rows": SIGNIFICANT_PAGE_ROWS,
        },
    ),
    # The lists shown are the first max_list_plots of the library's (lists come through the tables).
    "figure_browser": settings_file(
        "figure_browser",
        {"alpha": ENRICHMENT["alpha"], "max_lists": REPORT["max_list_plots"]},
    ),
    # provenance.json records the whole config, so any change reruns it (and only it).
    "provenance": settings_file("run", config),
}


wildcard_constraints:
    library="|".join(
        [*([BUILT_LIBRARY] if USE_BUILT else []), *map(re.escape, LIBRARY_PATHS)]
    ),
    chunk=r"\d+",
    filename=r"[^/]+",
    shard=r"\d+",
    species=r"[A-Za-z0-9_]+",
    entity="|".join(ENTITY_ID_TYPES),
    id_type="|".join(sorted({t for types in ENTITY_ID_TYPES.values() for t in types})),


def records_folder(wildcards):
    """The folder the records are read from: the user's, or the unpacked archive."""
    return UNPACKED_RECORDS if is_archive(RECORDS) else str(RECORDS)


def built_species_tokens() -> list[str]:
    """Species tokens of the GMTs built from the records (known once gene sets are built)."""
    import json

    if RECORDS is None:
        return []
    gene_sets = checkpoints.gene_sets.get().output.gene_sets
    species = json.loads(Path(gene_sets).read_text(encoding="utf-8"))["species"]
    return [species_token(s) for s in species]


def gmt_files(id_types=GMT_ID_TYPES) -> list[str]:
    return expand(GMT_FILE, species=built_species_tokens(), id_type=id_types)


def entity_gmt_files(entities=ENTITY_LIBRARIES) -> list[str]:
    """The chemical and disease GMTs of `entities` (known from the config alone)."""
    return [
        ENTITY_GMT.format(entity=entity, id_type=id_type)
        for entity in entities
        for id_type in ENTITY_ID_TYPES[entity]
    ]


# The gene_sets checkpoint writes the chemical and disease sets and names when they are built.
ENTITY_OUTPUTS = (
    {"entity_sets": ENTITY_SETS_JSON, "entity_names": ENTITY_NAMES_TSV}
    if ENTITY_LIBRARIES
    else {}
)
# What an earlier run with other gmt.entities left: removed by the build that decides it.
STALE_ENTITY_OUTPUTS = [
    *entity_gmt_files([e for e in ENTITY_ID_TYPES if e not in ENTITY_LIBRARIES]),
    *([] if ENTITY_LIBRARIES else [ENTITY_NAMES_TSV]),
]


def built_species(library: str) -> str | None:
    """The species token of a gene library built here, or None (a user's, a chemical or disease one)."""
    if (
        library in LIBRARY_PATHS
        or library in BUILT_ENTITY_LIBRARIES
        or not library.startswith(BUILT_PREFIX)
    ):
        return None
    return library.removeprefix(BUILT_PREFIX).removesuffix("_entrez")


def built_here(library: str) -> bool:
    """Built from this run's records (gene, chemical or disease sets named by figure)."""
    return built_species(library) is not None or library in BUILT_ENTITY_LIBRARIES


def library_type(library: str) -> str:
    """What a library's sets hold: genes, chemicals or diseases."""
    if library in BUILT_ENTITY_LIBRARIES:
        return BUILT_ENTITY_LIBRARIES[library][0]
    return LIBRARY_TYPES.get(library, GENES)


def library_gmt(wildcards) -> str:
    if wildcards.library in BUILT_ENTITY_LIBRARIES:
        entity, id_type = BUILT_ENTITY_LIBRARIES[wildcards.library]
        return ENTITY_GMT.format(entity=entity, id_type=id_type)
    species = built_species(wildcards.library)
    if species is None:
        return LIBRARY_PATHS[wildcards.library]
    return GMT_FILE.format(species=species, id_type="entrez")


def library_species(library: str) -> str:
    """The species of a library: a built one's own, else its entry's or enrichment.species;
    "" for chemical and disease libraries, which have none.

    A built library's name carries its species token, and its lists spell the species as people
    write it. Reading gene_sets.json instead would make every rule that calls this depend on the
    checkpoint, which cluster jobs refuse in params."""
    if library_type(library) != GENES:
        return ""
    token = built_species(library)
    if token is None:
        return LIBRARY_SPECIES[library]
    spelled = [name for name in LIST_SPECIES.values() if species_token(name) == token]
    return spelled[0] if spelled else token.replace("_", " ")


def library_lists(library: str) -> list[str]:
    """The lists tested against a library: those of its type and, for genes, of its species."""
    kind = library_type(library)
    if kind != GENES:
        return [name for name in LIST_NAMES if LIST_TYPES[name] == kind]
    token = species_token(library_species(library))
    return [
        name
        for name in LIST_NAMES
        if LIST_TYPES[name] == GENES and species_token(LIST_SPECIES[name]) == token
    ]


def list_chunks(library: str) -> list[list[str]]:
    names, size = library_lists(library), ENRICHMENT["lists_per_job"]
    return [names[start : start + size] for start in range(0, len(names), size)]


def all_library_names() -> list[str]:
    built = (
        [Path(p).name.removesuffix(".gmt") for p in gmt_files(("entrez",))]
        if USE_BUILT and GENES in GMT_CONFIG["entities"]
        else []
    )
    return built + list(BUILT_ENTITY_LIBRARIES) + list(LIBRARY_PATHS)


def library_names() -> list[str]:
    """The libraries tested in this run: those with at least one list of their species."""
    return [name for name in all_library_names() if library_lists(name)]


def enrich_inputs(wildcards) -> dict[str, str | list[str]]:
    """What one library's enrichment reads. The chunk jobs' outputs are temporary, so the
    library's merge takes the same inputs: any change reruns the merge and, with it, the chunks.
    """
    genes = library_type(wildcards.library) == GENES
    return {
        "library": library_gmt(wildcards),
        "lists": config["lists"],
        # Chemicals and diseases never go through the gene ID tables, but through the records'
        # names of them, when this run builds those libraries.
        "id_map": [ID_MAP_TSV] if RECORDS is not None and genes else [],
        "user_id_maps": USER_ID_MAPS if genes else [],
        "id_tables": (
            [
                ID_TABLES.format(
                    species=species_token(library_species(wildcards.library))
                )
            ]
            if REMOTE_ID_MAPS and genes
            else []
        ),
        "entity_names": (
            [ENTITY_NAMES_TSV]
            if not genes and RECORDS is not None and ENTITY_LIBRARIES
            else []
        ),
        "background": [BACKGROUND] if BACKGROUND else [],
        "figures": [FIGURES_TSV] if built_here(wildcards.library) else [],
        "settings": SETTINGS["enrich"],
    }


def unwritten_outputs(per_list: str, combined_form: str, library: str) -> list[str]:
    """The outputs of the table kinds enrichment.tables does not write (now), which an earlier
    run may have left: the rule that writes the other kind deletes them."""
    return [
        *([per_list.format(library=library)] if not PER_LIST_TABLES else []),
        *([combined_form.format(library=library)] if not COMBINED_TABLES else []),
    ]


def library_chunks(wildcards) -> list[str]:
    chunks = range(len(list_chunks(wildcards.library)))
    return expand(CHUNK_DIR, library=wildcards.library, chunk=chunks)


def merged_tables(table: str) -> list[str]:
    return expand(LIBRARY_MERGED, library=library_names(), table=table)


def untested(wildcards) -> dict[str, list[str]]:
    """Lists with no library of their species (genes) or type (chemicals, diseases), and
    libraries with no list of theirs."""
    libraries = all_library_names()
    tested = {name for library in libraries for name in library_lists(library)}
    return {
        "lists": [
            f"{n} ({LIST_SPECIES[n] if LIST_TYPES[n] == GENES else LIST_TYPES[n]})"
            for n in LIST_NAMES
            if n not in tested
        ],
        "libraries": [
            f"{lib} ({library_species(lib) or library_type(lib)})"
            for lib in libraries
            if not library_lists(lib)
        ],
    }


# --- stage targets: snakemake gmt | enrich | report; the default target is all three ---
def gmt_outputs(wildcards) -> list[str]:
    if RECORDS is None:
        stop(
            "'snakemake gmt' builds GMTs from records, but config 'records' is null. "
            "Set records to a folder or archive of PFOCR records."
        )
    return [
        FIGURES_TSV,
        SKIPPED_TSV,
        ID_MAP_TSV,
        *gmt_files(),
        *entity_gmt_files(),
        *([ENTITY_NAMES_TSV] if ENTITY_LIBRARIES else []),
    ]


def enrich_outputs(wildcards) -> list[str]:
    if not LIST_NAMES:
        return []
    return [
        SUMMARY_TSV,
        *([SIGNIFICANT_TSV] if PER_LIST_TABLES else []),
        UNMAPPED_TSV,
        RENAMED_SETS_TSV,
        *expand(LIST_TABLES if PER_LIST_TABLES else [], library=library_names()),
        *expand(COMBINED_TABLE if COMBINED_TABLES else [], library=library_names()),
        *expand(COVER_TABLE, library=library_names()),
    ]


def all_outputs(wildcards) -> list[str]:
    return [
        *(gmt_outputs(wildcards) if RECORDS is not None else []),
        *enrich_outputs(wildcards),
        *report_outputs(wildcards),
    ]


# --- report ---
# Per-list plots go into the Snakemake report only up to this many lists; beyond it the
# report keeps the library-wide plots and tables (thousands of embedded images would not load).
REPORT_MAX_LISTS = 50


def plots_folder():
    """One library's plots folder, its PNGs shown in the report under the library."""
    if len(PLOTTED_LISTS) > REPORT_MAX_LISTS:
        return directory(PLOT_DIR)
    return report(
        directory(PLOT_DIR),
        patterns=["{name}.png"],
        caption="../report/plots.rst",
        category="{library}",
        subcategory="Plots",
        labels={"plot": "{name}"},
    )


def provenance_inputs(wildcards) -> dict[str, list[str]]:
    """Every file the results derive from, by role (built GMTs once the records are parsed)."""
    return {
        "records": [] if RECORDS is None else [str(RECORDS)],
        "lists": [] if config["lists"] is None else [config["lists"]],
        "libraries": [
            *(gmt_files(("entrez",)) if USE_BUILT else []),
            *LIBRARY_PATHS.values(),
        ],
        "background": [BACKGROUND] if BACKGROUND else [],
        "id_map": USER_ID_MAPS,
        # which NCBI/HGNC tables each species used, with their SHA-256
        "id_tables": (
            expand(
                ID_TABLES,
                species={species_token(library_species(n)) for n in library_names()},
            )
            if REMOTE_ID_MAPS and LIST_NAMES
            else []
        ),
        "settings": [SETTINGS["provenance"]],
    }


def built_library_names() -> list[str]:
    """The libraries built from this run's records (a user's GMT has no records to browse)."""
    return [n for n in all_library_names() if built_species(n) is not None]


def figure_browser_inputs(wildcards) -> dict[str, str | list[str]]:
    """The figures, their symbols and, when the library was tested with lists, its result tables."""
    species = built_species(wildcards.library)
    return {
        "figures": FIGURES_TSV,
        "symbols": GMT_FILE.format(species=species, id_type="symbol"),
        "tables": (
            [RESULT_TABLES.format(library=wildcards.library)]
            if library_lists(wildcards.library)
            else []
        ),
        "settings": SETTINGS["figure_browser"],
    }


def report_outputs(wildcards) -> list[str]:
    libraries = library_names() if LIST_NAMES else []
    return [
        *expand(FIGURE_BROWSER, library=built_library_names()),
        *expand(PLOT_DIR, library=libraries),
        *expand(CLUSTERPROFILER_DIR if PER_LIST_TABLES else [], library=libraries),
        *expand(CLUSTERPROFILER_TABLE if COMBINED_TABLES else [], library=libraries),
        *expand(ENRICHMENTMAP_DIR if PER_LIST_TABLES else [], library=libraries),
        *expand(ENRICHMENTMAP_TABLE if COMBINED_TABLES else [], library=libraries),
        *expand(SIGNIFICANT_PAGE, library=libraries),
        PROVENANCE_JSON,
        PROVENANCE_PAGE,
    ]
