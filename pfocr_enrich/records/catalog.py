"""The records -> gene sets stage at scale: parse shards of records, merge them in order.

Shard `i` of `n` parses every n-th file of the sorted listing; the merge sorts by listing
position again, so outputs are byte-identical whatever the shard or core count.
The shard and gene_sets.json files (internal) write each gene set as one space-separated
string of Entrez IDs: a JSON list of 4 million strings is most of their reading time.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from pfocr_enrich.errors import InputError
from pfocr_enrich.gmt import write_gmt
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
from pfocr_enrich.records.reader import Skip, read_record
from pfocr_enrich.species import species_token
from pfocr_enrich.tables import FIGURES_COLUMNS, ID_MAP_COLUMNS, SKIPPED_COLUMNS, write_tsv

log = logging.getLogger(__name__)
PROGRESS_SECONDS = 5.0
# Bumped when what a shard holds changes, so a shard left by an older version is not merged
# (Snakemake does not rerun a rule for a change in the package). 2: genes in first-mention
# order and figid_alias (issue 13).
SHARD_FORMAT = 2


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
def parse_shard(files: list[str], root: Path, shard: int, n_shards: int, sources: Sources = OFFICIAL) -> dict:
    """Parse this shard's records into a JSON-ready dict (figures, skips, symbols).

    `sources`: which gene mentions make gene sets (GeneSetFilters.sources).
    """
    check_sources(sources)
    figures, skipped = [], []
    symbols = SymbolVotes()
    id_rows: set[tuple[str, str, str, str]] = set()
    mine = list(range(shard, len(files), n_shards))
    started = last_report = time.monotonic()
    for done, index in enumerate(mine, start=1):
        record, skips = read_record(root / files[index], files[index])
        skipped.extend(asdict(s) for s in skips)
        if record is not None:
            fig = figure_genes(record, index, sources)
            figures.append({**vars(fig), "genes": {sp: " ".join(ids) for sp, ids in fig.genes.items()}})
            selected = sources_for(sources, record.record_format)
            for mention in record.mentions:
                if selected is None or mention.source in selected:
                    symbols.add(mention.species, mention.entrez, mention.symbol)
            id_rows |= symbol_table_rows(record)
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
    }


def load_shards(paths: list[Path]) -> tuple[list[FigureGenes], list[Skip], SymbolVotes, set[tuple], int]:
    figures, skipped, id_rows = [], [], set()
    symbols = SymbolVotes()
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
    return figures, skipped, symbols, id_rows, n_files


@_without_cycle_collection
def merge_shards(shard_paths: list[Path], filters: GeneSetFilters, out: dict[str, Path]) -> str:
    """Merge parsed shards into figures.tsv, skipped.tsv, id_map.tsv and gene_sets.json.

    Returns the one-line summary of counts the run prints.
    """
    figures, parse_skips, votes, id_rows, n_files = load_shards(shard_paths)
    sets, written, set_skips = build_gene_sets(figures, filters)
    symbols = votes.best()
    figure_by_file = {fig.file: fig for fig in figures}
    skips = sorted(parse_skips, key=lambda s: s.file) + set_skips
    ordered_skips = sorted(
        skips, key=lambda s: (figure_by_file[s.file].index if s.file in figure_by_file else -1, s.file)
    )

    write_tsv(
        out["figures"],
        FIGURES_COLUMNS,
        (
            (
                f.figid,
                gs.species,
                len(gs.entrez),
                f.pmcid,
                f.year or "",
                f.title,
                f.papertitle,
                f.figlink,
                f.file,
                gs.set_id,
            )
            for f, gs in written
        ),
    )
    write_tsv(
        out["skipped"], SKIPPED_COLUMNS, ((s.file, s.figid, s.species, s.reason, s.detail) for s in ordered_skips)
    )
    write_tsv(out["id_map"], ID_MAP_COLUMNS, sorted(id_rows, key=lambda r: (r[3], r[0].upper(), int(r[1]), r[2])))
    payload = {
        "species": sorted({gs.species for gs in sets}),
        "sets": [{**vars(gs), "entrez": " ".join(gs.entrez)} for gs in sets],
        "symbols": [[sp, ez, sym] for (sp, ez), sym in sorted(symbols.items())],
    }
    out["gene_sets"].write_text(json.dumps(payload), encoding="utf-8")

    reasons = Counter(s.reason for s in skips)
    per_species = Counter(gs.species for gs in sets)
    return (
        f"records: {n_files} files, {len(figures)} parsed; gene sets written: "
        + (", ".join(f"{n} {sp}" for sp, n in sorted(per_species.items())) or "none")
        + f"; skipped: {sum(reasons.values())}"
        + (" (" + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) + ")" if reasons else "")
        + ". Details: skipped.tsv"
    )


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
