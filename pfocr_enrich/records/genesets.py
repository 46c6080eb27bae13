"""Figure records -> gene sets: one set per figure and species, filtered as configured.

The rules (pinned): a set is the unique Entrez IDs of the gene mentions whose `source` is
selected, in the order the record first mentions them (`gene_order="record"`) or sorted
numerically (`"numeric"`), named by the figid (`set_id="figid"`) or PFOCR's short alias.
The defaults are PFOCR's own rule for its published libraries: `sources=OFFICIAL` keeps
`hgnc_symbol` mentions of old-format records ("hgnc3" with `min_genes=3`, the 2021 human
library, whose members it reproduces in order) and `ncbigene_symbol` rows of current ones
(the 2026 per-species libraries, whose lines it reproduces byte for byte).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from pfocr_enrich.records.reader import NEW_SOURCES, OLD_SOURCES, WORD_KIND, FigureRecord, Skip

OFFICIAL = "official"
# The mentions PFOCR's own libraries keep, by record format: words matched on the official symbol.
OFFICIAL_SOURCES = {"old": frozenset({"hgnc_symbol"}), "new": frozenset({"ncbigene_symbol"})}
# Which gene mentions make gene sets: OFFICIAL, a set of sources (the same for both formats),
# or None for every source.
Sources = Literal["official"] | frozenset[str] | None
GENE_ORDERS = ("record", "numeric")
SET_IDS = ("figid", "figid_alias")


def check_sources(sources: Sources) -> None:
    """A ValueError naming what is wrong, for a value that is not a Sources."""
    if sources is None or sources == OFFICIAL:
        return
    known = set(OLD_SOURCES) | set(NEW_SOURCES)
    if not isinstance(sources, frozenset) or not sources <= known:
        raise ValueError(
            f"gene mention sources must be {OFFICIAL!r}, None (every source) or a frozenset of "
            f"{sorted(known)}; got {sources!r}"
        )


def sources_for(sources: Sources, record_format: str) -> frozenset[str] | None:
    """The sources selected for a record of this format ("old" or "new"); None: every source."""
    return OFFICIAL_SOURCES[record_format] if sources == OFFICIAL else sources


@dataclass(frozen=True)
class GeneSetFilters:
    """How records become gene sets (config `gmt:`). The defaults are PFOCR's own rules.

    `sources`: which mentions count (OFFICIAL, a frozenset of sources, None: every one);
    `gene_order`: "record" (first mention) or "numeric"; `set_id`: "figid" or "figid_alias".

        GeneSetFilters()  # PFOCR's published libraries
        GeneSetFilters(sources=None, gene_order="numeric")  # every mention, IDs sorted (before issue 13)
    """

    sources: Sources = OFFICIAL
    min_genes: int = 3
    max_genes: int | None = None
    organisms: frozenset[str] | None = None  # None: every species
    years: tuple[int | None, int | None] | None = None  # inclusive, either end open
    collapse_duplicates: bool = False
    gene_order: str = "record"  # or "numeric" (Entrez IDs ascending, the order before issue 13)
    set_id: str = "figid"  # or "figid_alias" (PFOCR's short name; the figid where a record has none)

    def __post_init__(self) -> None:
        check_sources(self.sources)
        if self.gene_order not in GENE_ORDERS:
            raise ValueError(f"gene_order must be one of {GENE_ORDERS}, not {self.gene_order!r}")
        if self.set_id not in SET_IDS:
            raise ValueError(f"set_id must be one of {SET_IDS}, not {self.set_id!r}")


def sources_from_config(sources: str | list[str]) -> Sources:
    """`gmt.sources` as the filter reads it: OFFICIAL, None for "all", or a frozenset."""
    if sources == OFFICIAL:
        return OFFICIAL
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
        gene_order=gmt["gene_order"],
        set_id=gmt["set_id"],
    )


@dataclass(frozen=True)
class FigureGenes:
    """A figure's metadata and, per species, the Entrez IDs of its selected mentions."""

    index: int  # position in the sorted record listing: decides "first" among duplicates
    figid: str
    figid_alias: str
    title: str
    pmcid: str
    year: int | None
    papertitle: str
    figlink: str
    file: str
    genes: dict[str, tuple[str, ...]]  # species -> unique Entrez IDs in first-mention order
    n_mentions: int
    n_mentions_other_sources: int


@dataclass(frozen=True)
class GeneSet:
    # The figid (or alias, set_id="figid_alias"), or every member's joined by ";" when duplicates collapse.
    set_id: str
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


def figure_genes(record: FigureRecord, index: int, sources: Sources = OFFICIAL) -> FigureGenes:
    """A figure's selected genes per species, each species' IDs in the order first mentioned:
    PFOCR writes its libraries in that order (the genes table's row order in current records)."""
    selected = sources_for(sources, record.record_format)
    # A dict keeps first-insertion order and ignores repeats, as PFOCR's distinct() does.
    by_species: dict[str, dict[str, None]] = defaultdict(dict)
    other_sources = 0
    for mention in record.mentions:
        if selected is not None and mention.source not in selected:
            other_sources += 1
            continue
        by_species[mention.species][mention.entrez] = None
    return FigureGenes(
        index=index,
        figid=record.figid,
        figid_alias=record.figid_alias,
        title=record.title,
        pmcid=record.pmcid,
        year=record.year,
        papertitle=record.papertitle,
        figlink=record.figlink,
        file=record.file,
        genes={species: tuple(ids) for species, ids in sorted(by_species.items())},
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


def set_names(figures: list[FigureGenes], set_id: str) -> tuple[dict[str, str], dict[str, Skip]]:
    """Each figure's set name (figid -> name) and, by figid, why a figure is not named by its alias.

    `figures` have unique figids. An alias names a figure only where it is unique among the
    aliases and no other figure's figid: GMT set names must be unique. Decided over every figure,
    so a set's name does not depend on which other figures the year or size filters keep.
    """
    if set_id == "figid":
        return {fig.figid: fig.figid for fig in figures}, {}
    alias_count = Counter(fig.figid_alias for fig in figures if fig.figid_alias)
    figids = {fig.figid for fig in figures}
    names: dict[str, str] = {}
    fallbacks: dict[str, Skip] = {}
    for fig in figures:
        alias = fig.figid_alias
        names[fig.figid] = fig.figid
        if not alias:
            detail = "the record has no figid_alias; its sets are named by the figid (gmt.set_id: figid_alias)"
            fallbacks[fig.figid] = Skip(fig.file, fig.figid, "no figid_alias", detail)
        elif alias_count[alias] > 1 or (alias != fig.figid and alias in figids):
            detail = f"figid_alias {alias} also names another figure; its sets are named by the figid"
            fallbacks[fig.figid] = Skip(fig.file, fig.figid, "figid_alias shared", detail)
        else:
            names[fig.figid] = alias
    return names, fallbacks


def year_selected(year: int | None, years: tuple[int | None, int | None] | None) -> bool:
    """Whether a figure of this year passes `gmt.years` (None: every figure, also without a year)."""
    return years is None or _year_ok(year, years)


def first_of_each_figid(figures: Iterable[FigureGenes]) -> tuple[list[FigureGenes], list[Skip]]:
    """The figures in listing order, the first file of each figid only, and a skip row for each
    later file with the same figid."""
    skips: list[Skip] = []
    seen: dict[str, str] = {}
    unique: list[FigureGenes] = []
    for fig in sorted(figures, key=lambda f: f.index):
        if fig.figid in seen:
            skips.append(
                Skip(fig.file, fig.figid, "duplicate figid", f"same figid as {seen[fig.figid]}; kept that one")
            )
            continue
        seen[fig.figid] = fig.file
        unique.append(fig)
    return unique, skips


def year_skip(fig: FigureGenes, years: tuple[int | None, int | None]) -> Skip:
    low, high = years
    return Skip(fig.file, fig.figid, "year not selected", f"year {fig.year} outside gmt.years {low}..{high}")


def build_gene_sets(
    figures: Iterable[FigureGenes], filters: GeneSetFilters
) -> tuple[list[GeneSet], list[tuple[FigureGenes, GeneSet]], list[Skip]]:
    """Apply duplicate-figid, year, organism and size rules; order genes, name and optionally
    collapse sets as `filters` say.

    Returns the sets sorted by set_id, the (figure, set) pairs written, and every skip (a figure
    whose sets are named by its figid under `set_id="figid_alias"` has one too).
    """
    unique, skips = first_of_each_figid(figures)
    names, name_fallbacks = set_names(unique, filters.set_id)

    numeric = filters.gene_order == "numeric"
    kept: list[tuple[FigureGenes, str, tuple[str, ...]]] = []
    for fig in unique:
        if not year_selected(fig.year, filters.years):
            skips.append(year_skip(fig, filters.years))
            continue
        if not fig.genes:
            if fig.n_mentions:  # a figure without any gene mention has its reader's `no genes` row
                detail = f"none of its {fig.n_mentions} gene mentions has a selected source (gmt.sources)"
                skips.append(Skip(fig.file, fig.figid, "no genes from selected sources", detail))
            continue
        n_kept = len(kept)
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
                kept.append((fig, species, tuple(sorted(entrez, key=entrez_sort_key)) if numeric else entrez))
        if len(kept) > n_kept and fig.figid in name_fallbacks:  # listed only for figures with a set
            skips.append(name_fallbacks[fig.figid])

    kept.sort(key=lambda item: (item[1], item[0].figid))
    # Identical gene sets are the same genes in any order: a figure may mention them differently.
    groups: dict[tuple[str, object], list[tuple[FigureGenes, tuple[str, ...]]]] = {}
    for fig, species, entrez in kept:
        key = (species, frozenset(entrez)) if filters.collapse_duplicates else (species, fig.figid)  # figids unique
        groups.setdefault(key, []).append((fig, entrez))

    sets: list[GeneSet] = []
    written: list[tuple[FigureGenes, GeneSet]] = []
    for (species, _), members in groups.items():
        first, entrez = members[0]  # the first figid's gene order
        if len(members) == 1:  # the common case, without joins and generators (91,000 figures)
            gene_set = GeneSet(names[first.figid], first.title, species, entrez, (first.figid,))
            sets.append(gene_set)
            written.append((first, gene_set))
            continue
        figids = tuple(fig.figid for fig, _ in members)
        title = f"{first.title} (+{len(members) - 1} figures with the identical gene set)"
        gene_set = GeneSet(";".join(names[figid] for figid in figids), title, species, entrez, figids)
        sets.append(gene_set)
        written.extend((fig, gene_set) for fig, _ in members)
    sets.sort(key=lambda s: (s.species, s.set_id))
    written.sort(key=lambda pair: (pair[1].species, pair[1].set_id, pair[0].figid))
    return sets, written, skips
