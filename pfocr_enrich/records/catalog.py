"""The records -> gene sets stage at scale: parse shards of records, merge them in order.

Shard `i` of `n` parses every n-th file of the sorted listing; the merge sorts by listing
position again, so outputs are byte-identical whatever the shard or core count.
The shard and gene_sets.json files (internal) write each gene set as one space-separated
string of Entrez IDs: a JSON list of 4 million strings is most of their reading time; the
chemical and disease sets (entity_sets.json) likewise.

The chemical and disease libraries' interface, for the enrichment stage (README, "Outputs"):
- `pfocr_{release}_{entity}_{id_type}.gmt` (entity `chemicals` with id_type `chebi` or `mesh`,
  `diseases` with `doid` or `mesh`): one line a figure, `set_id<TAB>title<TAB>IDs` in their
  normalised spelling (`pfocr_enrich.entities.normalise_id`), no species;
- `entity_names.tsv`: `entity, id_type, id, name, source`, every name the records give an ID
  (source `name`, `match` or `word`, most reliable first: `entitysets.NAME_SOURCES`), to map
  users' names, case-insensitively, to IDs;
- `figures.tsv`: `n_chemicals, n_diseases` appended, and a row (species empty, n_genes 0) for
  each figure with chemical or disease sets and no gene set.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pfocr_enrich.entities import CHEMICALS, DISEASES, ENTITY_ID_TYPES, GENES, SINGULAR
from pfocr_enrich.errors import InputError
from pfocr_enrich.gmt import write_gmt
from pfocr_enrich.records.entitysets import (
    NAME_SOURCES,
    EntitySet,
    EntitySetFilters,
    FigureEntities,
    build_entity_sets,
    entity_name_rows,
    figure_entities,
)
from pfocr_enrich.records.genesets import (
    OFFICIAL,
    FigureGenes,
    GeneSet,
    GeneSetFilters,
    Sources,
    SymbolVotes,
    build_gene_sets,
    check_sources,
    figure_genes,
    sources_for,
    symbol_table_rows,
)
from pfocr_enrich.records.reader import DataTables, Skip, read_record
from pfocr_enrich.species import species_token
from pfocr_enrich.tables import (
    ENTITY_NAMES_COLUMNS,
    FIGURES_COLUMNS,
    FIGURES_ENTITY_COLUMNS,
    ID_MAP_COLUMNS,
    SKIPPED_COLUMNS,
    write_tsv,
)

log = logging.getLogger(__name__)
PROGRESS_SECONDS = 5.0
# Bumped when what a shard holds changes, so a shard left by an older version is not merged
# (Snakemake does not rerun a rule for a change in the package). 2: genes in first-mention
# order and figid_alias (issue 13). 3: chemicals and diseases (issue 16).
SHARD_FORMAT = 3


def _without_cycle_collection(function: Callable) -> Callable:
    """Run `function` with Python's cycle collector paused.

    These steps build millions of small acyclic objects (mentions, gene tuples, figures); the
    collector, started every few hundred allocations, re-scans all of them and costs 15-35% of
    the step (measured on 91,000 records). Reference counting still frees everything.
    """

    @functools.wraps(function)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


@_without_cycle_collection
def parse_shard(
    files: list[str], root: Path, shard: int, n_shards: int, sources: Sources = OFFICIAL, entities: bool = False
) -> dict:
    """Parse this shard's records into a JSON-ready dict (figures, skips, symbols).

    `sources`: which gene mentions make gene sets (GeneSetFilters.sources); `entities`: read
    chemicals and diseases too (their IDs by figure and their names).
    """
    check_sources(sources)
    figures, skipped, entity_figures = [], [], []
    symbols = SymbolVotes()
    id_rows: set[tuple[str, str, str, str]] = set()
    name_rows: set[tuple[str, str, str, str, str]] = set()
    mine = list(range(shard, len(files), n_shards))
    tables = DataTables()  # each folder listed once for the whole shard
    started = last_report = time.monotonic()
    for done, index in enumerate(mine, start=1):
        record, skips = read_record(root / files[index], files[index], entities, tables)
        skipped.extend(asdict(s) for s in skips)
        if record is not None:
            fig = figure_genes(record, index, sources)
            figures.append({**vars(fig), "genes": {sp: " ".join(ids) for sp, ids in fig.genes.items()}})
            selected = sources_for(sources, record.record_format)
            for mention in record.mentions:
                if selected is None or mention.source in selected:
                    symbols.add(mention.species, mention.entrez, mention.symbol)
            id_rows |= symbol_table_rows(record)
            if record.chemicals or record.diseases:  # most records have none: no entry
                found = figure_entities(record, index)
                ids = {entity: {t: " ".join(members) for t, members in by.items()} for entity, by in found.ids.items()}
                entity_figures.append({**vars(found), "ids": ids})
                name_rows |= entity_name_rows(record)
        now = time.monotonic()
        if now - last_report >= PROGRESS_SECONDS:
            last_report = now
            log.info("shard %d: %d/%d records, %.0f records/s", shard, done, len(mine), done / (now - started))
    log.info("shard %d: parsed %d records in %.1f s", shard, len(mine), time.monotonic() - started)
    return {
        "format": SHARD_FORMAT,
        "shard": shard,
        "n_shards": n_shards,
        "n_files": len(mine),
        "figures": figures,
        "skipped": skipped,
        "symbols": [[sp, ez, sym, n] for (sp, ez), votes in symbols.counts.items() for sym, n in votes.items()],
        "id_map": sorted(id_rows),
        "entities": entity_figures,
        "entity_names": sorted(name_rows),
    }


@dataclass
class ParsedShards:
    """Every shard's records, merged (in no particular order: the build sorts by index)."""

    figures: list[FigureGenes] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    symbols: SymbolVotes = field(default_factory=SymbolVotes)
    id_rows: set[tuple] = field(default_factory=set)
    n_files: int = 0
    entities: dict[int, FigureEntities] = field(default_factory=dict)  # by figure index
    entity_names: set[tuple] = field(default_factory=set)


def load_shards(paths: list[Path]) -> ParsedShards:
    parsed = ParsedShards()
    figures, skipped, id_rows, symbols = parsed.figures, parsed.skipped, parsed.id_rows, parsed.symbols
    n_files = 0
    for path in paths:
        shard = json.loads(path.read_text(encoding="utf-8"))
        if shard.get("format") != SHARD_FORMAT:
            raise InputError(
                f"{path} was written by an older pfocr-enrich (shard format {shard.get('format', 1)}, "
                f"this version reads {SHARD_FORMAT}). Delete {path.parent} and run again."
            )
        n_files += shard["n_files"]
        for fig in shard["figures"]:
            fig["genes"] = {sp: tuple(ids.split()) for sp, ids in fig["genes"].items()}
            figures.append(FigureGenes(**fig))
        skipped.extend(Skip(**s) for s in shard["skipped"])
        for species, entrez, symbol, count in shard["symbols"]:
            symbols.counts[(species, entrez)][symbol] += count
        id_rows.update(tuple(row) for row in shard["id_map"])
        for found in shard["entities"]:
            ids = {
                entity: {t: tuple(members.split()) for t, members in by.items()} for entity, by in found["ids"].items()
            }
            parsed.entities[found["index"]] = FigureEntities(**{**found, "ids": ids})
        parsed.entity_names.update(tuple(row) for row in shard["entity_names"])
    parsed.n_files = n_files
    return parsed


def _figure_row(fig: FigureGenes, species: str, n_genes: int, set_id: str) -> tuple:
    return (
        fig.figid,
        species,
        n_genes,
        fig.pmcid,
        fig.year or "",
        fig.title,
        fig.papertitle,
        fig.figlink,
        fig.file,
        set_id,
    )


@_without_cycle_collection
def merge_shards(
    shard_paths: list[Path],
    filters: GeneSetFilters,
    out: dict[str, Path],
    entity_filters: EntitySetFilters = EntitySetFilters(),  # noqa: B008 - frozen, so one default is safe
) -> str:
    """Merge parsed shards into figures.tsv, skipped.tsv, id_map.tsv and gene_sets.json; with
    chemicals or diseases in `entity_filters`, also entity_sets.json and entity_names.tsv
    (`out["entity_sets"]`, `out["entity_names"]`).

    Returns the one-line summary of counts the run prints.
    """
    parsed = load_shards(shard_paths)
    figures, n_files = parsed.figures, parsed.n_files
    genes, others = GENES in entity_filters.entities, entity_filters.others
    sets, written, set_skips = build_gene_sets(figures, filters) if genes else ([], [], [])
    entity_sets, entity_skips = [], []
    if others:
        entity_sets, entity_skips = build_entity_sets(
            figures, parsed.entities, filters, entity_filters, {f.figid for f, _ in written}, figure_skips=not genes
        )
    symbols = parsed.symbols.best()
    figure_by_file = {fig.file: fig for fig in figures}
    skips = sorted(parsed.skipped, key=lambda s: s.file) + set_skips + entity_skips
    ordered_skips = sorted(
        skips, key=lambda s: (figure_by_file[s.file].index if s.file in figure_by_file else -1, s.file)
    )

    if others:  # chemical and disease counts last: figures.tsv's columns are a contract
        no_entities = FigureEntities(-1, {}, 0, {})

        def counts(fig: FigureGenes) -> tuple[int, int]:
            found = parsed.entities.get(fig.index, no_entities)
            return found.counts.get(CHEMICALS, 0), found.counts.get(DISEASES, 0)

        # Figures kept in a chemical or disease library only: one row each, no species.
        with_gene_sets = {f.figid for f, _ in written}
        entity_only = {s.figid: s for s in entity_sets if s.figid not in with_gene_sets}
        first_of = {}
        for fig in sorted(figures, key=lambda f: f.index):
            first_of.setdefault(fig.figid, fig)
        rows = [(*_figure_row(f, gs.species, len(gs.entrez), gs.set_id), *counts(f)) for f, gs in written]
        rows += sorted(
            (
                (*_figure_row(first_of[figid], "", 0, s.set_id), *counts(first_of[figid]))
                for figid, s in entity_only.items()
            ),
            key=lambda row: row[9],
        )
        write_tsv(out["figures"], FIGURES_COLUMNS + FIGURES_ENTITY_COLUMNS, rows)
    else:
        write_tsv(
            out["figures"],
            FIGURES_COLUMNS,
            (_figure_row(f, gs.species, len(gs.entrez), gs.set_id) for f, gs in written),
        )
    write_tsv(
        out["skipped"], SKIPPED_COLUMNS, ((s.file, s.figid, s.species, s.reason, s.detail) for s in ordered_skips)
    )
    write_tsv(
        out["id_map"], ID_MAP_COLUMNS, sorted(parsed.id_rows, key=lambda r: (r[3], r[0].upper(), int(r[1]), r[2]))
    )
    payload = {
        "species": sorted({gs.species for gs in sets}),
        "sets": [{**vars(gs), "entrez": " ".join(gs.entrez)} for gs in sets],
        "symbols": [[sp, ez, sym] for (sp, ez), sym in sorted(symbols.items())],
    }
    out["gene_sets"].write_text(json.dumps(payload), encoding="utf-8")
    if others:
        write_entity_tables(entity_sets, parsed.entity_names, others, out)

    reasons = Counter(s.reason for s in skips)
    per_species = Counter(gs.species for gs in sets)
    per_library = Counter((s.entity, s.id_type) for s in entity_sets)
    return (
        f"records: {n_files} files, {len(figures)} parsed; gene sets written: "
        + ((", ".join(f"{n} {sp}" for sp, n in sorted(per_species.items())) or "none") if genes else "not built")
        + "".join(
            f"; {SINGULAR[entity]} sets: "
            + ", ".join(f"{per_library[(entity, id_type)]} {id_type}" for id_type in ENTITY_ID_TYPES[entity])
            for entity in others
        )
        + f"; skipped: {sum(reasons.values())}"
        + (" (" + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) + ")" if reasons else "")
        + ". Details: skipped.tsv"
    )


def write_entity_tables(
    entity_sets: list[EntitySet], name_rows: set[tuple], entities: tuple[str, ...], out: dict[str, Path]
) -> None:
    """entity_sets.json (entity -> ID type -> [set_id, title, space-separated IDs]) for the GMT
    jobs, and entity_names.tsv of the built entities."""
    payload = {entity: {id_type: [] for id_type in ENTITY_ID_TYPES[entity]} for entity in entities}
    for s in entity_sets:
        payload[s.entity][s.id_type].append([s.set_id, s.title, " ".join(s.ids)])
    out["entity_sets"].write_text(json.dumps(payload), encoding="utf-8")
    rank = {source: number for number, source in enumerate(NAME_SOURCES)}
    rows = sorted((row for row in name_rows if row[0] in entities), key=lambda r: (r[0], r[1], r[2], rank[r[4]], r[3]))
    write_tsv(out["entity_names"], ENTITY_NAMES_COLUMNS, rows)


def write_entity_gmt(entity_sets_json: Path, entity: str, id_type: str, output: Path) -> int:
    """Write one chemical or disease library (`entity`, `id_type` as in ENTITY_ID_TYPES); returns
    its number of sets, which may be 0 (an empty file: no figure has such IDs)."""
    payload = json.loads(entity_sets_json.read_text(encoding="utf-8"))
    if id_type not in payload.get(entity, {}):
        raise ValueError(f"{entity_sets_json} holds no {entity} sets in {id_type} IDs: is {entity} in gmt.entities?")
    return write_gmt(output, ((set_id, title, ids.split()) for set_id, title, ids in payload[entity][id_type]))


def read_gene_sets(path: Path) -> tuple[list[str], list[GeneSet], dict[tuple[str, str], str]]:
    payload = json.loads(path.read_text(encoding="utf-8"))
    sets = [
        GeneSet(**{**s, "entrez": tuple(s["entrez"].split()), "figids": tuple(s["figids"])}) for s in payload["sets"]
    ]
    symbols = {(sp, ez): sym for sp, ez, sym in payload["symbols"]}
    return payload["species"], sets, symbols


@_without_cycle_collection
def write_species_gmts(gene_sets_json: Path, species_file_token: str, outputs: dict[str, Path]) -> int:
    """Write one species' GMTs: `outputs` maps "entrez" and/or "symbol" to a path."""
    species_names, sets, symbols = read_gene_sets(gene_sets_json)
    matches = [sp for sp in species_names if species_token(sp) == species_file_token]
    if len(matches) != 1:
        raise ValueError(f"species {species_file_token!r} matches {matches} in {gene_sets_json}")
    species = matches[0]
    species_sets = [gs for gs in sets if gs.species == species]
    symbol_of = {entrez: symbol for (sp, entrez), symbol in symbols.items() if sp == species}

    def genes(gene_set: GeneSet, id_type: str) -> list[str]:
        if id_type == "entrez":
            return list(gene_set.entrez)
        # A gene the records give no symbol for keeps its Entrez ID rather than vanishing.
        return list(dict.fromkeys([symbol_of.get(ez, ez) for ez in gene_set.entrez]))

    for id_type, output in outputs.items():
        write_gmt(output, ((gs.set_id, gs.title, genes(gs, id_type)) for gs in species_sets))
    return len(species_sets)
