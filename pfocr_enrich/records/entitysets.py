"""Figure records -> chemical and disease sets: one set a figure, entity and ID type, no species.

The rules (pinned), PFOCR's for its chemical libraries (published since 2024-09-01): a set is the
distinct IDs of one type among the figure's mentions (ChEBI or MeSH for chemicals, DOID or MeSH
for diseases), in the order first mentioned, spelled `chebi:15846`, `mesh:D009243`,
`doid:0060239`; no minimum size (PFOCR has sets of 1; `gmt.chemicals.min_size`,
`gmt.diseases.min_size` raise it); the same set whatever the figure's organisms. A figure makes
such sets only if PFOCR keeps it at all: at least one gene mention or at least three chemical
words (`kept_in_pfocr`). The figure-wide rules of gene sets apply too: the first file of a figid,
`gmt.years`, names by `gmt.set_id`; the gene rules (sources, organisms, sizes, order, collapsing)
do not.

`entity_name_rows` gives the names the records use for each ID (results/gmt/entity_names.tsv),
through which users' names of chemicals and diseases become IDs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from pfocr_enrich.entities import CHEMICALS, DISEASES, ENTITIES, ENTITY_ID_TYPES, GENES, MESH, id_type_of
from pfocr_enrich.records.genesets import (
    FigureGenes,
    GeneSetFilters,
    first_of_each_figid,
    set_names,
    year_selected,
    year_skip,
)
from pfocr_enrich.records.reader import FigureRecord, Skip

# PFOCR keeps a figure with at least one gene or at least this many chemical words.
MIN_CHEMICAL_WORDS = 3
# Where a name in entity_names.tsv comes from, most reliable first: the ChEBI or DOID entry's own
# name, the MeSH term the text mining matched to it, the word as OCR read it on the figure
# (noisy: "H20" for water, "LPS" matched to Van der Woude syndrome).
NAME_SOURCES = ("name", "match", "word")


@dataclass(frozen=True)
class FigureEntities:
    """A figure's chemicals and diseases, as its sets and counts need them."""

    index: int  # the figure's position in the record listing, as FigureGenes.index
    # entity -> ID type -> distinct IDs in first-mention order
    ids: dict[str, dict[str, tuple[str, ...]]]
    n_chemical_words: int  # chemical mentions with an ID, repeats included (PFOCR's keep rule)
    # entity -> distinct chemicals or diseases: by MeSH ID, or the other ID where a mention has none
    counts: dict[str, int]


@dataclass(frozen=True)
class EntitySetFilters:
    """Which libraries are built (config `gmt.entities`) and the smallest set of each entity.

    EntitySetFilters()  # genes only: today's outputs
    EntitySetFilters(entities=("genes", "chemicals"), min_size={"chemicals": 3})
    """

    entities: tuple[str, ...] = (GENES,)
    min_size: Mapping[str, int] = field(default_factory=dict)  # entity -> smallest set; 1 when absent

    def __post_init__(self) -> None:
        if not self.entities or not set(self.entities) <= set(ENTITIES):
            raise ValueError(f"entities must be some of {ENTITIES}, not {self.entities!r}")
        if any(size < 1 for size in self.min_size.values()):
            raise ValueError(f"min_size must be 1 or more, not {dict(self.min_size)!r}")

    @property
    def others(self) -> tuple[str, ...]:
        """The entities besides genes whose libraries are built (chemicals and/or diseases)."""
        return tuple(entity for entity in self.entities if entity != GENES)


def entity_filters_from_config(gmt: Mapping) -> EntitySetFilters:
    """The libraries and size filters a config's `gmt:` section asks for (README, "Configuration")."""
    return EntitySetFilters(
        entities=tuple(gmt["entities"]),
        min_size={entity: gmt[entity]["min_size"] for entity in ENTITY_ID_TYPES},
    )


def kept_in_pfocr(n_gene_mentions: int, n_chemical_words: int) -> bool:
    """PFOCR's rule for which figures it keeps: at least one gene or three chemical words.

    Figures in a PFOCR release pass it already; it matters for records made or edited by hand,
    and for figures whose gene rows are all unusable."""
    return n_gene_mentions > 0 or n_chemical_words >= MIN_CHEMICAL_WORDS


def figure_entities(record: FigureRecord, index: int) -> FigureEntities:
    """A figure's chemical and disease IDs by type, distinct, in the order first mentioned."""
    ids: dict[str, dict[str, tuple[str, ...]]] = {}
    counts: dict[str, int] = {}
    for entity, mentions in ((CHEMICALS, record.chemicals), (DISEASES, record.diseases)):
        by_type: dict[str, dict[str, None]] = {id_type: {} for id_type in ENTITY_ID_TYPES[entity]}
        distinct: set[str] = set()
        for mention in mentions:
            for entity_id in mention.ids:
                by_type[id_type_of(entity_id)][entity_id] = None  # a dict keeps first-insertion order
            distinct.add(next((i for i in mention.ids if id_type_of(i) == MESH), mention.ids[0]))
        ids[entity] = {id_type: tuple(members) for id_type, members in by_type.items()}
        counts[entity] = len(distinct)
    return FigureEntities(index, ids, len(record.chemicals), counts)


def entity_name_rows(record: FigureRecord) -> set[tuple[str, str, str, str, str]]:
    """(entity, id_type, id, name, source) rows: every name a mention gives (its `name`, `match`
    and `word`) for each of its IDs. A row's names are names of all its IDs: "ATP" names both
    mesh:D000255 and chebi:15422."""
    rows = set()
    for entity, mentions in ((CHEMICALS, record.chemicals), (DISEASES, record.diseases)):
        for mention in mentions:
            for source, name in (("name", mention.name), ("match", mention.match), ("word", mention.word)):
                if name:
                    rows.update((entity, id_type_of(i), i, name, source) for i in mention.ids)
    return rows


@dataclass(frozen=True)
class EntitySet:
    entity: str  # chemicals or diseases
    id_type: str  # chebi, doid or mesh
    set_id: str  # the figure's name: its figid, or its alias under gmt.set_id: figid_alias
    title: str
    ids: tuple[str, ...]
    figid: str


def build_entity_sets(
    figures: Iterable[FigureGenes],
    entities: Mapping[int, FigureEntities],
    gene_filters: GeneSetFilters,
    filters: EntitySetFilters,
    named_figids: Collection[str] = (),
    figure_skips: bool = False,
) -> tuple[list[EntitySet], list[Skip]]:
    """The chemical and disease sets of `filters.others`, sorted by entity, ID type and set_id,
    and the skip rows of figures that make none (or fewer) for a reason.

    `figures` give each figure's metadata and gene mention count, `entities` its IDs by index.
    Skip rows the gene set build lists already are left out: duplicate figids and years unless
    `figure_skips` (gene sets not built), a figure's name fallback when in `named_figids`.
    """
    unique, duplicates = first_of_each_figid(figures)
    names, name_fallbacks = set_names(unique, gene_filters.set_id)
    sets: list[EntitySet] = []
    skips: list[Skip] = duplicates if figure_skips else []
    for fig in unique:
        found = entities.get(fig.index)
        if found is None or not any(any(found.ids[entity].values()) for entity in filters.others):
            continue
        if not year_selected(fig.year, gene_filters.years):
            if figure_skips:
                skips.append(year_skip(fig, gene_filters.years))
            continue
        if not kept_in_pfocr(fig.n_mentions, found.n_chemical_words):
            detail = (
                f"no gene mention and {found.n_chemical_words} chemical words: PFOCR keeps a figure with at least "
                f"one gene or {MIN_CHEMICAL_WORDS} chemical words, so it makes no chemical or disease set"
            )
            skips.append(Skip(fig.file, fig.figid, f"no genes, < {MIN_CHEMICAL_WORDS} chemical words", detail))
            continue
        made = False
        for entity in filters.others:
            smallest = filters.min_size.get(entity, 1)
            for id_type, ids in found.ids[entity].items():
                if not ids:
                    continue
                if len(ids) < smallest:
                    detail = f"{len(ids)} {id_type} IDs < gmt.{entity}.min_size {smallest}"
                    skips.append(Skip(fig.file, fig.figid, f"too few {entity}", detail))
                    continue
                sets.append(EntitySet(entity, id_type, names[fig.figid], fig.title, ids, fig.figid))
                made = True
        if made and fig.figid in name_fallbacks and fig.figid not in named_figids:
            skips.append(name_fallbacks[fig.figid])
    sets.sort(key=lambda s: (s.entity, s.id_type, s.set_id))
    return sets, skips
