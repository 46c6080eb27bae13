"""Figure records -> gene sets: one set per figure and species, filtered as configured.

The rules (pinned): a set is the unique Entrez IDs of the gene mentions whose `source` is
selected, sorted numerically. With `sources: [hgnc_symbol]` and `min_genes: 3` this is
PFOCR's own "hgnc3" rule, which reproduces the official human library.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pfocr_enrich.records.reader import WORD_KIND, FigureRecord, Skip


@dataclass(frozen=True)
class GeneSetFilters:
    sources: frozenset[str] | None = None  # None: every source counts
    min_genes: int = 3
    max_genes: int | None = None
    organisms: frozenset[str] | None = None  # None: every species
    years: tuple[int | None, int | None] | None = None  # inclusive, either end open
    collapse_duplicates: bool = False


def sources_from_config(sources: str | list[str]) -> frozenset[str] | None:
    """`gmt.sources` as the filter reads it: None for "all"."""
    return None if sources == "all" else frozenset(sources)


def filters_from_config(gmt: Mapping) -> GeneSetFilters:
    """The filters a config's `gmt:` section asks for (README, "Configuration")."""
    years = gmt["years"]
    return GeneSetFilters(
        sources=sources_from_config(gmt["sources"]),
        min_genes=gmt["min_genes"],
        max_genes=gmt["max_genes"],
        organisms=None if gmt["organisms"] == "all" else frozenset(gmt["organisms"]),
        years=None if years is None else (years.get("from"), years.get("to")),
        collapse_duplicates=gmt["collapse_duplicates"],
    )


@dataclass(frozen=True)
class FigureGenes:
    """A figure's metadata and, per species, the Entrez IDs of its selected mentions."""

    index: int  # position in the sorted record listing: decides "first" among duplicates
    figid: str
    title: str
    pmcid: str
    year: int | None
    papertitle: str
    figlink: str
    file: str
    genes: dict[str, tuple[str, ...]]  # species -> unique Entrez IDs, numerically sorted
    n_mentions: int
    n_mentions_other_sources: int


@dataclass(frozen=True)
class GeneSet:
    set_id: str  # the figid, or every member figid joined by ";" when duplicates collapse
    title: str
    species: str
    entrez: tuple[str, ...]
    figids: tuple[str, ...]


@dataclass
class SymbolVotes:
    """Which official symbol the records give for each (species, Entrez ID)."""

    counts: dict[tuple[str, str], Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, species: str, entrez: str, symbol: str) -> None:
        if symbol:
            self.counts[(species, entrez)][symbol] += 1

    def best(self) -> dict[tuple[str, str], str]:
        """Most frequent symbol; ties go to the alphabetically first (deterministic)."""
        return {key: min(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0] for key, votes in self.counts.items()}


def entrez_sort_key(entrez: str) -> int:
    return int(entrez)


def figure_genes(record: FigureRecord, index: int, sources: frozenset[str] | None) -> FigureGenes:
    by_species: dict[str, set[str]] = defaultdict(set)
    other_sources = 0
    for mention in record.mentions:
        if sources is not None and mention.source not in sources:
            other_sources += 1
            continue
        by_species[mention.species].add(mention.entrez)
    return FigureGenes(
        index=index,
        figid=record.figid,
        title=record.title,
        pmcid=record.pmcid,
        year=record.year,
        papertitle=record.papertitle,
        figlink=record.figlink,
        file=record.file,
        genes={sp: tuple(sorted(ids, key=entrez_sort_key)) for sp, ids in sorted(by_species.items())},
        n_mentions=len(record.mentions),
        n_mentions_other_sources=other_sources,
    )


def symbol_table_rows(record: FigureRecord) -> set[tuple[str, str, str, str]]:
    """(symbol, entrez, kind, species) rows for the symbol -> Entrez table.

    Every mention counts here, whatever `sources` selects: a word matched as an alias is
    evidence for mapping users' symbols even when alias mentions don't make gene sets.
    Family words (bioentities, famplex) name many genes and are not symbols: left out.
    """
    rows = set()
    for mention in record.mentions:
        if mention.symbol:
            rows.add((mention.symbol, mention.entrez, "official", mention.species))
        kind = WORD_KIND.get(mention.source)
        if kind and kind != "official" and mention.word and mention.word.upper() != mention.symbol.upper():
            rows.add((mention.word, mention.entrez, kind, mention.species))
    return rows


def _year_ok(year: int | None, years: tuple[int | None, int | None]) -> bool:
    low, high = years
    return year is not None and (low is None or year >= low) and (high is None or year <= high)


def build_gene_sets(
    figures: Iterable[FigureGenes], filters: GeneSetFilters
) -> tuple[list[GeneSet], list[tuple[FigureGenes, GeneSet]], list[Skip]]:
    """Apply duplicate-figid, year, organism and size rules; optionally collapse duplicates.

    Returns the sets sorted by set_id, the (figure, set) pairs written, and every skip.
    """
    skips: list[Skip] = []
    seen: dict[str, str] = {}
    kept: list[tuple[FigureGenes, str, tuple[str, ...]]] = []
    for fig in sorted(figures, key=lambda f: f.index):
        if fig.figid in seen:
            skips.append(
                Skip(fig.file, fig.figid, "duplicate figid", f"same figid as {seen[fig.figid]}; kept that one")
            )
            continue
        seen[fig.figid] = fig.file
        if filters.years is not None and not _year_ok(fig.year, filters.years):
            low, high = filters.years
            skips.append(
                Skip(fig.file, fig.figid, "year not selected", f"year {fig.year} outside gmt.years {low}..{high}")
            )
            continue
        if not fig.genes:
            detail = f"none of its {fig.n_mentions} gene mentions has a selected source (gmt.sources)"
            skips.append(Skip(fig.file, fig.figid, "no genes from selected sources", detail))
            continue
        for species, entrez in fig.genes.items():
            if filters.organisms is not None and species not in filters.organisms:
                skips.append(Skip(fig.file, fig.figid, "organism not selected", "not in gmt.organisms", species))
            elif len(entrez) < filters.min_genes:
                detail = f"{len(entrez)} genes < gmt.min_genes {filters.min_genes}"
                skips.append(Skip(fig.file, fig.figid, "too few genes", detail, species))
            elif filters.max_genes is not None and len(entrez) > filters.max_genes:
                detail = f"{len(entrez)} genes > gmt.max_genes {filters.max_genes}"
                skips.append(Skip(fig.file, fig.figid, "too many genes", detail, species))
            else:
                kept.append((fig, species, entrez))

    kept.sort(key=lambda item: (item[1], item[0].figid))
    groups: dict[tuple[str, tuple[str, ...]], list[FigureGenes]] = {}
    for fig, species, entrez in kept:
        key = (species, entrez) if filters.collapse_duplicates else (species, fig.figid)  # figids unique here
        groups.setdefault(key, []).append(fig)

    sets: list[GeneSet] = []
    written: list[tuple[FigureGenes, GeneSet]] = []
    for (species, _), members in groups.items():
        first = members[0]
        if len(members) == 1:  # the common case, without joins and generators (91,000 figures)
            gene_set = GeneSet(first.figid, first.title, species, first.genes[species], (first.figid,))
            sets.append(gene_set)
            written.append((first, gene_set))
            continue
        figids = tuple(m.figid for m in members)
        title = f"{first.title} (+{len(members) - 1} figures with the identical gene set)"
        gene_set = GeneSet(";".join(figids), title, species, first.genes[species], figids)
        sets.append(gene_set)
        written.extend((m, gene_set) for m in members)
    sets.sort(key=lambda s: (s.species, s.set_id))
    written.sort(key=lambda pair: (pair[1].species, pair[1].set_id, pair[0].figid))
    return sets, written, skips
