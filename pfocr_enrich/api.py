"""The Python API: the workflow's readers and engine for notebooks and other pipelines.

    >>> import pfocr_enrich as pe

Each function is a thin door into the same code the workflow runs (no second implementation):
`read_library` is the enrichment jobs' GMT reader, `enrich` their mapping, universe, statistics
and table columns, `build_gene_sets` and `write_gmt` the GMT stage's. A table `enrich` returns,
written with `pfocr_enrich.tables.write_frame`, is byte for byte the workflow's
`results/enrichment/{library}/{list}.tsv` for the same inputs and settings.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from pfocr_enrich.download import fetch, is_url
from pfocr_enrich.enrichment.batch import figure_links, prepare_library, summary_row, unmapped_fix, unmapped_warning
from pfocr_enrich.enrichment.engine import ROW_CHOICES, Library, Settings, enrich_batch, load_library
from pfocr_enrich.enrichment.genelists import read_gene_lists
from pfocr_enrich.enrichment.idmap import ID_TYPES as GENE_ID_TYPES
from pfocr_enrich.enrichment.idmap import EntityMapper, IdMapper, load_id_map
from pfocr_enrich.entities import CHEMICALS, DISEASES
from pfocr_enrich.tables import RESULT_COLUMNS, SUMMARY_COLUMNS, UNMAPPED_COLUMNS

__all__ = ["enrich", "read_library", "read_lists"]


def read_library(path_or_url: str | Path, *, figures: str | Path | None = None) -> Library:
    """A GMT file (or an http(s) URL of one, downloaded once into pooch's cache folder) as the
    enrichment engine's library, named after the file (its stem).

    `figures`: a `figures.tsv` written by the workflow's GMT stage (results/gmt/figures.tsv):
    the tables then carry each figure's pmcid, year and link, as the workflow's do for libraries
    it built. Repeated set names are kept under unique names (`name~2`), as the workflow does.

    >>> import pathlib, tempfile
    >>> import pfocr_enrich as pe
    >>> gmt = pathlib.Path(tempfile.mkdtemp()) / "tiny.gmt"
    >>> _ = gmt.write_text("IL6_JAK\\tIL-6 via JAK\\t3569\\t3570\\t3716\\t6774\\n"
    ...                    "TNF\\tTNF to NF-kB\\t7124\\t7132\\t4790\\n")
    >>> library = pe.read_library(gmt)
    >>> library.name, len(library.set_ids), library.id_type
    ('tiny', 2, 'entrez')
    """
    path = str(path_or_url)
    if is_url(path):
        import pooch

        local, _ = fetch(path, Path(pooch.os_cache("pfocr-enrich")), setting="read_library")
    else:
        local = Path(path)
    library = load_library(local)
    if figures is not None:
        library = replace(library, figures=figure_links(Path(figures)))
    return library


def enrich(
    genes: Iterable[str] | Mapping[str, Iterable[str]],
    library: Library | str | Path,
    *,
    universe: Iterable[str] | None = None,
    species: str = "Homo sapiens",
    id_map: str | Path | Sequence[str | Path] | None = None,
    min_set_size: int = 3,
    max_set_size: int = 500,
    correction: str = "fdr_bh",
    count_tests: str = "all",
    alpha: float = 0.05,
    cluster_jaccard: float | None = 0.5,
    rows: str = "overlapping",
    entity: str | None = None,
) -> pd.DataFrame:
    """Over-representation of one gene list, or several ({name: genes}), in `library`.

    Returns the workflow's result table (`tables.RESULT_COLUMNS`: set_id, overlap, pvalue,
    padj, ...), rows sorted by p then set_id; for several lists, a `list` column first and each
    list's rows together. Settings mean what the config keys of the same names do (README,
    "Configuration"); `rows` is `enrichment.rows`.

    - `genes`: Entrez IDs or symbols, mapped to the library's ID type as the workflow maps
      lists; symbols need `id_map`: ID table files (the workflow's results/gmt/id_map.tsv,
      NCBI gene_info, HGNC, or `symbol`/`entrez` TSVs) for `species`.
    - `universe`: a background gene list; None: every gene of the library.
    - Chemical and disease libraries (members `chebi:`, `mesh:`, `doid:` IDs): lists of IDs in
      any spelling, or of names mapped through `id_map` = the workflow's results/gmt/entity_names.tsv;
      `entity` ("chemicals" or "diseases") says whose names a MeSH library's lists are.

    Nothing is dropped silently: `table.attrs["summary"]` holds the workflow's summary row of
    each list (genes given, mapped, in the universe, tests, significant sets, unmapped) and
    `table.attrs["unmapped"]` every name that did not map, with the reason; a warning names the
    lists that lost more than a quarter of their names.

    >>> import pathlib, tempfile
    >>> import pfocr_enrich as pe
    >>> gmt = pathlib.Path(tempfile.mkdtemp()) / "tiny.gmt"
    >>> _ = gmt.write_text("IL6_JAK\\tIL-6 via JAK\\t3569\\t3570\\t3716\\t6774\\n"
    ...                    "TNF\\tTNF to NF-kB\\t7124\\t7132\\t4790\\n")
    >>> table = pe.enrich(["3569", "3570", "6774"], gmt, min_set_size=1)
    >>> table[["set_id", "overlap", "set_size", "universe_size"]].to_string(index=False)
    ' set_id  overlap  set_size  universe_size\\nIL6_JAK        3         4              7'
    >>> round(float(table["pvalue"].iloc[0]), 12)  # 4 of 7 genes in the set, 3 picked, all in it: 4/35
    0.114285714286
    >>> both = pe.enrich({"il6": ["3569", "3570"], "tnf": ["7124", "4790"]}, gmt, min_set_size=1)
    >>> both[["list", "set_id", "overlap"]].to_string(index=False)
    'list  set_id  overlap\\n il6 IL6_JAK        2\\n tnf     TNF        2'
    """
    if rows not in ROW_CHOICES:
        raise ValueError(f"rows={rows!r}: use one of {', '.join(ROW_CHOICES)}")
    if not isinstance(library, Library):
        library = read_library(library)
    several = isinstance(genes, Mapping)
    lists = {str(name): [str(g) for g in given] for name, given in genes.items()} if several else {"list": list(genes)}
    settings = Settings(
        min_set_size=min_set_size,
        max_set_size=max_set_size,
        correction=correction,
        count_tests=count_tests,
        alpha=alpha,
        cluster_jaccard=cluster_jaccard,
        rows=rows,
    )
    mapper = _mapper(id_map, species, library.id_type, entity)
    background = None if universe is None else [str(g) for g in universe]
    universe_, annotations, to_library, unmapped_rows = prepare_library(
        library, mapper, settings, background, library.figures
    )
    mapped, mappings = {}, {}
    for name, names in lists.items():
        mapping = mappings[name] = to_library(names)
        mapped[name] = (list(mapping.ids), mapping.n_input)
        unmapped_rows += [(name, library.name, u.name, u.reason, "/".join(u.candidates)) for u in mapping.unmapped]
        warning = unmapped_warning(name, library.name, mapping, unmapped_fix(mapper, []))
        if warning:
            warnings.warn(warning.replace("listed in unmapped.tsv", 'see table.attrs["unmapped"]'), stacklevel=2)
    result = enrich_batch(library, mapped, settings, universe_, annotations)
    tables = []
    for index, counts in enumerate(result.lists):
        columns = result.columns(result.row_starts[index], result.row_starts[index + 1])
        if several:
            columns = {"list": np.full(len(columns["set_id"]), counts.name, dtype=object), **columns}
        tables.append(pd.DataFrame(columns, columns=list(columns)))
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=list(RESULT_COLUMNS))
    summary_species = species if library.id_type in GENE_ID_TYPES else ""  # chemicals have none
    table.attrs["summary"] = pd.DataFrame(
        [summary_row(counts, mappings[counts.name], library.name, summary_species) for counts in result.lists],
        columns=list(SUMMARY_COLUMNS),
    )
    table.attrs["unmapped"] = pd.DataFrame(unmapped_rows, columns=list(UNMAPPED_COLUMNS))
    return table


def _mapper(
    id_map: str | Path | Sequence[str | Path] | None, species: str, id_type: str, entity: str | None
) -> IdMapper | EntityMapper:
    paths = [] if id_map is None else [id_map] if isinstance(id_map, str | Path) else list(id_map)
    if id_type in GENE_ID_TYPES:
        return load_id_map([Path(p) for p in paths], species) if paths else IdMapper.from_tables([], species)
    entity = entity or {"chebi": CHEMICALS, "doid": DISEASES}.get(id_type)
    if entity is None:
        raise ValueError("a MeSH library holds chemicals or diseases: say which with entity='chemicals'")
    return EntityMapper.from_file(Path(paths[0]) if paths else None, entity)


def read_lists(path: str | Path) -> dict[str, list[str]]:
    """Gene lists as the workflow reads `lists:` (a folder, or one .txt/.tsv/.csv/.gmt file):
    {name: genes as given}, ready for `enrich`."""
    return {gene_list.name: list(gene_list.genes) for gene_list in read_gene_lists(Path(path))}
