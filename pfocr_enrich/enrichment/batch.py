"""Enrichment jobs: one chunk of lists x one library, then per-library and run-wide tables.

Chunks let Snakemake spread thousands of lists over cores and cluster nodes; each chunk
writes the final per-list tables into its own folder, and the merge only moves them.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pfocr_enrich.enrichment import combined
from pfocr_enrich.enrichment.cover import weighted_set_cover
from pfocr_enrich.enrichment.engine import (
    Annotations,
    BatchResult,
    Library,
    ListCounts,
    Settings,
    Universe,
    annotate,
    csr_positions,
    enrich_batch,
    load_library,
    make_universe,
)
from pfocr_enrich.enrichment.genelists import GeneList, read_gene_lists
from pfocr_enrich.enrichment.idmap import EntityMapper, IdMapper, MappingResult, load_id_map
from pfocr_enrich.enrichment.idsources import is_available, read_manifest
from pfocr_enrich.errors import InputError
from pfocr_enrich.tables import (
    COVER_COLUMNS,
    RENAMED_SETS_COLUMNS,
    RESULT_COLUMNS,
    SUMMARY_COLUMNS,
    UNMAPPED_COLUMNS,
    write_frame,
    write_tsv,
)

log = logging.getLogger(__name__)
SUMMARY_FILE = "_summary.tsv"
UNMAPPED_FILE = "_unmapped.tsv"
SIGNIFICANT_FILE = "_significant.tsv"
RENAMED_FILE = "_renamed_sets.tsv"  # the same in every chunk of a library: the merge keeps one
COVER_FILE = "_cover.tsv"  # every list's covering sets
PART_FILE = "_part.parquet"  # the chunk's rows of the library's combined table
BATCH_LISTS = 50  # lists enriched at once: bounded memory, and progress at a useful grain
PROGRESS_SECONDS = 5.0
UNMAPPED_WARNING_SHARE = 0.10  # a list losing more than this share of its names is named on the console
UNMAPPED_WARNINGS_SHOWN = 5  # lists named one by one per chunk; the rest are counted in one line


@dataclass(frozen=True)
class ChunkJob:
    library: Path
    lists: Path
    list_names: tuple[str, ...]
    id_maps: tuple[Path, ...]  # the records' id_map.tsv, then the user's
    species: str  # the library's, and so its lists': whose symbols map the lists
    background: Path | None
    figures: Path | None  # figures.tsv, for libraries built from records
    settings: Settings
    # The species' manifest of fetched ID tables (idsources.write_manifest): NCBI gene_info,
    # HGNC, URLs in id_map. None: only `id_maps`.
    id_tables: Path | None = None
    # What enrichment.tables writes: a TSV per list (and significant.tsv), the Parquet part, or both.
    per_list: bool = True
    combined: bool = False
    # A chemical or disease library (entities.py): its lists are mapped through the records' names
    # (entity_names.tsv, None: IDs only) and never through gene symbols; `species` is "".
    entity: str | None = None
    entity_names: Path | None = None


def read_background(path: Path) -> GeneList:
    backgrounds = read_gene_lists(path)
    if len(backgrounds) != 1:
        raise InputError(f"enrichment.universe: {path} holds {len(backgrounds)} lists; a background is one list.")
    return backgrounds[0]


def figure_links(figures_tsv: Path) -> pd.DataFrame:
    """pmcid, year and link of each figure, indexed by the name its set goes by in the GMT: the
    first member of its set_id (the figid, or PFOCR's alias under gmt.set_id: figid_alias)."""
    figures = pd.read_csv(figures_tsv, sep="\t", dtype=str, keep_default_na=False)
    # Rows of a collapsed set come in figid order, so the first row per name is its first member's.
    figures.index = figures["set_id"].str.split(";").str[0]
    figures = figures[~figures.index.duplicated()]
    return figures.rename(columns={"figlink": "link"})[["pmcid", "year", "link"]]


def _load_mapper(job: ChunkJob) -> tuple[IdMapper, list[str]]:
    """The chunk's ID mapper, and the id_map sources that could not be fetched (no network)."""
    fetched = read_manifest(job.id_tables) if job.id_tables is not None else []
    paths = [*job.id_maps, *(Path(table.path) for table in fetched if is_available(table))]
    missing = [table.url or table.source for table in fetched if not is_available(table)]
    started = time.monotonic()
    mapper = load_id_map(paths, job.species)
    # One line a chunk, in its log: the step that fetched the tables said so on the console already.
    log.info(
        "ID tables for %s: %s (%d names, %.1f s)%s",
        job.species,
        ", ".join(str(path) for path in paths) or "none",
        len(mapper.official) + len(mapper.previous) + len(mapper.alias),
        time.monotonic() - started,
        f"; not downloaded: {', '.join(missing)}, so symbols map through the PFOCR records' table only"
        if missing
        else "",
    )
    return mapper, missing


def unmapped_fix(mapper: IdMapper | EntityMapper, missing_tables: list[str]) -> str:
    """What to do when many names don't map, given which ID tables the mapper had."""
    if isinstance(mapper, EntityMapper):
        return (
            f"give {mapper.entity[:-1]} IDs (chebi:15422, mesh:D009243, doid:0060239) or names as the PFOCR "
            "records write them, and check the names listed in unmapped.tsv"
        )
    if missing_tables:
        return "rerun with the network so the ID tables in id_map (" + ", ".join(missing_tables) + ") are downloaded"
    if not mapper.standard_sources:
        return (
            "set id_map: ncbi in config.yaml to map symbols through NCBI's gene table "
            "(official, previous and alias symbols), not only the PFOCR records' table"
        )
    return "check enrichment.species and the names listed in unmapped.tsv (spelling, Excel dates)"


def unmapped_warning(list_name: str, library_name: str, mapping: MappingResult, fix: str) -> str | None:
    """One console line when more than UNMAPPED_WARNING_SHARE of a list's distinct names did not map."""
    distinct = mapping.n_mapped + len(mapping.unmapped)
    if not distinct or len(mapping.unmapped) <= UNMAPPED_WARNING_SHARE * distinct:
        return None
    reasons: dict[str, int] = {}
    for gene in mapping.unmapped:
        reasons[gene.reason] = reasons.get(gene.reason, 0) + 1
    counted = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
    return (
        f"list {list_name!r} vs {library_name}: {len(mapping.unmapped)} of {distinct} genes "
        f"({len(mapping.unmapped) / distinct:.0%}) did not map ({counted}; listed in unmapped.tsv). Fix: {fix}."
    )


def covering_rows(result: BatchResult, index: int, settings: Settings) -> list[tuple]:
    """COVER_COLUMNS rows of list `index` of the batch: its covering sets among its significant rows."""
    start, stop = result.row_starts[index], result.row_starts[index + 1]
    rows = np.flatnonzero(result.numbers["padj"][start:stop] <= settings.alpha) + start
    lengths = result.gene_starts[rows + 1] - result.gene_starts[rows]
    gene_starts = np.append(0, np.cumsum(lengths))
    genes = result.genes[csr_positions(result.gene_starts[rows], lengths)]
    steps = weighted_set_cover(gene_starts, genes, result.numbers["pvalue"][rows], settings.covering_sets)
    library, name = result.library, result.lists[index].name
    return [
        (
            name,
            library.set_ids[result.set_rows[rows[step.row]]],
            library.set_names[result.set_rows[rows[step.row]]],
            result.numbers["padj"][rows[step.row]],
            len(step.new_genes),
            "/".join(library.genes[step.new_genes]),
            step.coverage,
        )
        for step in steps
    ]


def summary_row(counts: ListCounts, mapping: MappingResult, library: str, species: str) -> tuple:
    """SUMMARY_COLUMNS of one list against one library."""
    notes = list(counts.notes)
    outside = counts.n_mapped - counts.n_in_universe
    if outside and counts.n_in_universe:
        notes.append(f"{outside} mapped gene(s) outside the universe")
    return (
        counts.name,
        library,
        counts.n_input,
        counts.n_mapped,
        counts.n_in_universe,
        counts.universe_size,
        counts.n_tests,
        counts.n_significant,
        len(mapping.unmapped),
        mapping.duplicates,
        "; ".join(notes),
        species,
    )


def prepare_library(
    library: Library,
    mapper: IdMapper | EntityMapper,
    settings: Settings,
    background: Sequence[str] | None = None,
    figures: pd.DataFrame | None = None,
) -> tuple[Universe, Annotations, Callable[[Sequence[str]], MappingResult], list[tuple]]:
    """What every list against `library` shares: the universe (`background`: genes as given,
    mapped like lists; None: every gene of the library), the tables' annotations (`figures`:
    figure_links of a library built from records), the function mapping a list's names to the
    library's IDs, and the UNMAPPED_COLUMNS rows of the background's names that did not map.
    `mapper`: an IdMapper for gene libraries, an EntityMapper for chemical and disease ones.

    The workflow's enrichment jobs and the Python API (pfocr_enrich.api) both start here.
    """
    if isinstance(mapper, EntityMapper):

        def to_library(names: Sequence[str]) -> MappingResult:
            return mapper.map_ids(names, library.id_type)

        symbols = mapper.labels  # the tables' overlap_symbols: the records' names of the IDs
    else:
        symbol_library = mapper.symbol_library(library.genes) if library.id_type == "symbol" else None

        def to_library(names: Sequence[str]) -> MappingResult:
            return mapper.map_genes(names, library.id_type, symbol_library)

        symbols = dict(mapper.symbols) if library.id_type == "entrez" else None

    unmapped_rows = []
    if background is not None:
        background_mapping = to_library(background)
        background = list(background_mapping.ids)
        unmapped_rows = [
            ("(background)", library.name, u.name, u.reason, "/".join(u.candidates))
            for u in background_mapping.unmapped
        ]
    universe = make_universe(library, settings, background)
    annotations = annotate(library, symbols=symbols, figures=figures)
    return universe, annotations, to_library, unmapped_rows


def run_chunk(job: ChunkJob, out_dir: Path) -> None:
    started = time.monotonic()
    library = load_library(job.library, job.settings.duplicate_sets)
    if job.entity is None:
        mapper, missing_tables = _load_mapper(job)
    else:
        mapper, missing_tables = EntityMapper.from_file(job.entity_names, job.entity), []
    wanted = set(job.list_names)
    gene_lists = read_gene_lists(job.lists, wanted)
    background = read_background(job.background).genes if job.background is not None else None
    universe, annotations, to_library, unmapped_rows = prepare_library(
        library, mapper, job.settings, background, figure_links(job.figures) if job.figures is not None else None
    )
    log.info(
        "%s: %d sets, %d tested, universe %d genes (%s), %d lists",
        library.name,
        len(library.set_ids),
        int(universe.tested.sum()),
        universe.size,
        library.id_type,
        len(gene_lists),
    )
    for note in library.notes:
        log.info("%s: %s", library.name, note)

    mapped, mappings = {}, {}
    poorly_mapped = []  # console lines, one a list
    fix = unmapped_fix(mapper, missing_tables)
    for gene_list in gene_lists:
        mapping = to_library(gene_list.genes)
        mapped[gene_list.name] = (list(mapping.ids), mapping.n_input)
        mappings[gene_list.name] = mapping
        unmapped_rows += [
            (gene_list.name, library.name, u.name, u.reason, "/".join(u.candidates)) for u in mapping.unmapped
        ]
        warning = unmapped_warning(gene_list.name, library.name, mapping, fix)
        if warning:
            poorly_mapped.append(warning)
    for warning in poorly_mapped[:UNMAPPED_WARNINGS_SHOWN]:
        log.warning("%s", warning)
    if len(poorly_mapped) > UNMAPPED_WARNINGS_SHOWN:
        log.warning(
            "%s: %d more lists have over %.0f%% of their names unmapped; see unmapped.tsv. Fix: %s",
            library.name,
            len(poorly_mapped) - UNMAPPED_WARNINGS_SHOWN,
            100 * UNMAPPED_WARNING_SHARE,
            fix,
        )

    out_dir.mkdir(parents=True, exist_ok=True)
    summary_rows, significant, cover_rows = [], [], []
    names = list(mapped)
    last_report = time.monotonic()
    parts = []  # the chunk's rows of the combined table, written as one row group at the end
    for start in range(0, len(names), BATCH_LISTS):
        batch = {name: mapped[name] for name in names[start : start + BATCH_LISTS]}
        result = enrich_batch(library, batch, job.settings, universe, annotations)
        if job.combined:
            parts.append(combined.batch_table(result))
        for i, counts in enumerate(result.lists):
            rows = (result.row_starts[i], result.row_starts[i + 1])
            if job.per_list:
                columns = result.columns(*rows)
                write_frame(out_dir / f"{counts.name}.tsv", columns)
                hits = np.flatnonzero(columns["padj"] <= job.settings.alpha)
                if len(hits):
                    significant.append(
                        {
                            "list": np.full(len(hits), counts.name, dtype=object),
                            "library": np.full(len(hits), library.name, dtype=object),
                            **{column: values[hits] for column, values in columns.items()},
                        }
                    )
            cover = covering_rows(result, i, job.settings)
            cover_rows += cover
            if job.per_list:
                write_tsv(out_dir / f"{counts.name}.cover.tsv", COVER_COLUMNS, cover)
            summary_rows.append(summary_row(counts, mappings[counts.name], library.name, job.species))
        if time.monotonic() - last_report >= PROGRESS_SECONDS:
            last_report = time.monotonic()
            done = min(start + BATCH_LISTS, len(names))
            rate = done / (last_report - started)
            log.info(
                "%s: %d/%d lists, %.1f lists/s, about %.0f s left",
                library.name,
                done,
                len(names),
                rate,
                (len(names) - done) / rate,
            )
    if job.combined:
        combined.write_part(parts, out_dir / PART_FILE)
    write_tsv(out_dir / COVER_FILE, COVER_COLUMNS, cover_rows)
    pd.DataFrame(summary_rows, columns=list(SUMMARY_COLUMNS)).to_csv(
        out_dir / SUMMARY_FILE, sep="\t", index=False, lineterminator="\n"
    )
    pd.DataFrame(unmapped_rows, columns=list(UNMAPPED_COLUMNS)).to_csv(
        out_dir / UNMAPPED_FILE, sep="\t", index=False, lineterminator="\n"
    )
    significant_columns = ["list", "library", *RESULT_COLUMNS]
    if job.per_list:
        write_frame(
            out_dir / SIGNIFICANT_FILE,
            {
                column: np.concatenate([rows[column] for rows in significant])
                if significant
                else np.zeros(0, dtype=object)
                for column in significant_columns
            },
        )
    write_tsv(
        out_dir / RENAMED_FILE,
        RENAMED_SETS_COLUMNS,
        ((library.name, r.line, r.old_name, r.new_name) for r in library.renamed),
    )
    log.info("%s: %d lists in %.1f s", library.name, len(names), time.monotonic() - started)


def _concat_tsv(paths: list[Path], output: Path) -> None:
    """Concatenate TSVs with one header (inputs share columns); order follows `paths`."""
    with open(output, "w", encoding="utf-8", newline="\n") as out:
        for number, path in enumerate(paths):
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            out.writelines(lines if number == 0 else lines[1:])


def _place(source: Path, target: Path) -> None:
    """Put a chunk's table at its final path: a hard link (tables can total GBs), else a copy."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def merge_library(
    chunk_dirs: list[Path],
    list_tables: list[Path],
    summary: Path,
    unmapped: Path,
    significant: Path | None,
    renamed: Path | None = None,
    combined_table: Path | None = None,
    cover: Path | None = None,
) -> None:
    """Move each list's table into place (`list_tables`, empty when per-list tables are not
    written) and join the chunks' summaries; `renamed`: where the library's renamed sets
    (RENAMED_SETS_COLUMNS, one table whatever the chunk count) go; `combined_table`: the
    library's Parquet file, from the chunks' parts; `cover`: every list's covering sets.
    `significant` None: not written."""
    wanted = {path.name: path for path in list_tables}
    for chunk in chunk_dirs:
        for table in chunk.glob("*.tsv"):
            if table.name in wanted:
                _place(table, wanted.pop(table.name))
    if wanted:
        raise RuntimeError(f"chunks did not produce tables for: {sorted(wanted)}")
    _concat_tsv([c / SUMMARY_FILE for c in chunk_dirs], summary)
    _concat_tsv([c / UNMAPPED_FILE for c in chunk_dirs], unmapped)
    if significant is not None:
        _concat_tsv([c / SIGNIFICANT_FILE for c in chunk_dirs], significant)
    if renamed is not None:
        shutil.copyfile(chunk_dirs[0] / RENAMED_FILE, renamed)
    if cover is not None:
        _concat_tsv([c / COVER_FILE for c in chunk_dirs], cover)
    if combined_table is not None:
        rows = combined.merge_parts([c / PART_FILE for c in chunk_dirs], combined_table)
        log.info("%s: %d rows", combined_table, rows)


def merge_run(
    summaries: list[Path],
    unmapped: list[Path],
    significant: list[Path],
    outputs: dict[str, Path],
    renamed: list[Path] | None = None,
) -> str:
    """Join every library's tables into the run's; `renamed` (each library's renamed sets) is
    joined into outputs["renamed"]. Returns the one-line summary the run prints."""
    _concat_tsv(summaries, outputs["summary"])
    _concat_tsv(unmapped, outputs["unmapped"])
    if "significant" in outputs:  # only with per-list tables (enrichment.tables)
        _concat_tsv(significant, outputs["significant"])
    table = pd.read_csv(outputs["summary"], sep="\t", keep_default_na=False)
    line = (
        f"enrichment: {len(table)} list x library runs, {int(table['n_significant'].astype(int).sum())} "
        f"significant rows; lists with no gene in the universe: {int((table['n_in_universe'] == 0).sum())}"
    )
    if renamed is not None:
        _concat_tsv(renamed, outputs["renamed"])
        n_renamed = max(outputs["renamed"].read_text(encoding="utf-8").count("\n") - 1, 0)  # less the header
        line += f"; library sets renamed for a duplicate name: {n_renamed} (details: {outputs['renamed'].name})"
    return line
