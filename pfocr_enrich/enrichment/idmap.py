"""The one ID mapper: users' gene names -> the ID type of a gene set library.

Tokens are detected one by one, so a list may mix IDs: a token of ASCII digits only is an
Entrez ID (leading zeros dropped; kept even outside the tables, as the enrichment reduces lists
to the library's universe); anything else is a gene symbol.

Symbols map through ID tables (idtables.py reads them): the records' own table (the workflow's
`id_map.tsv`: `symbol, entrez, kind, species`, kind `official`, `previous` or `alias`), NCBI
gene_info and HGNC files (the nomenclature authorities' tables, `id_map: ncbi`), and users'
TSVs (`symbol` and `entrez` columns). Where an authority's table is given, it decides every
name it knows; the records' table only adds names it lacks (without network it is the only
table). A user's rows rank as official symbols: they add names the others lack, and a name
that a user and another table give as official for different genes is ambiguous rather than
silently picked.

Resolution, ignoring case, in precedence order: official symbol, then previous symbol, then
alias. The first tier that has the name decides: one gene -> mapped, several -> ambiguous
(listed with its candidates); no tier -> unknown. A table holding several species makes every
shared symbol (human EGFR, mouse Egfr) ambiguous, so pass the library's species.

Against a symbol library (MSigDB, Enrichr) a name the library itself uses matches as it is;
any other name, and every Entrez ID, goes through the table to the gene and then to the
library's own name for that gene: TNFA (a previous symbol) matches the library's TNF. A name
the library lacks and no table knows is `unknown`.

Excel turns some symbols into dates (MARCHF1 was MARCH1 -> `1-Mar`); names shaped like
dates are reported as `excel_date` with the symbol they probably were. Date serial numbers
(`43525`) look like Entrez IDs and can't be told apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pfocr_enrich.enrichment.idtables import ID_TABLE, KINDS, IdRow, IdTable, is_entrez, normalise_entrez, read_id_table
from pfocr_enrich.entities import ID_TYPE_LABELS, id_type_of, normalise_id
from pfocr_enrich.species import species_token

ID_TYPES = ("entrez", "symbol")
# Precedence of a name's meanings: a user's rows rank as official symbols.
TIER_OF_KIND = {"official": 0, "user": 0, "previous": 1, "alias": 2}
TIER_NAMES = ("official symbol", "previous symbol", "alias")
_NO_STANDARD_FIX = "set id_map: ncbi in config.yaml to map through NCBI's gene table, or give the Entrez ID"

# Symbol families Excel reads as dates: month -> (current prefix, former prefix, numbers that exist).
DATE_SYMBOL_FAMILIES = {
    3: ("MARCHF", "MARCH", range(1, 12)),
    9: ("SEPTIN", "SEPT", range(1, 15)),
    12: ("DELEC", "DEC", range(1, 2)),
}
_MONTHS = {month: number for number, month in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_MONTH = "(" + "|".join(_MONTHS) + ")"
_DAY_MONTH = re.compile(rf"(\d{{1,2}})-{_MONTH}(?:-\d{{2,4}})?", re.I)  # 1-Mar, 01-Mar-2019
_MONTH_DAY = re.compile(rf"{_MONTH}-(\d{{1,2}})", re.I)  # Mar-01
_ISO_DATE = re.compile(r"\d{4}-(\d{1,2})-(\d{1,2})")  # 2019-03-01
_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/\d{2,4}")  # 3/1/2019 (US) or 1/3/2019 (elsewhere)


@dataclass(frozen=True)
class UnmappedGene:
    name: str  # as the user wrote it (first spelling, if repeated)
    reason: str  # "unknown", "ambiguous" or "excel_date"
    # What the name may have meant: Entrez IDs (ambiguous), probable symbols (excel_date).
    candidates: tuple[str, ...] = ()
    detail: str = ""  # one sentence for the report: what is wrong and what to do


@dataclass(frozen=True)
class MappingResult:
    id_type: str  # "entrez" or "symbol": the type of `ids`
    ids: tuple[str, ...]  # unique, first-seen order; symbols upper-cased (see normalise_symbol)
    unmapped: tuple[UnmappedGene, ...]  # one per distinct name, first-seen order
    duplicates: int  # tokens whose ID (or unmapped name) came earlier in the list
    n_input: int  # non-blank tokens given; n_input == n_mapped + len(unmapped) + duplicates

    @property
    def n_mapped(self) -> int:
        return len(self.ids)

    @property
    def entrez(self) -> tuple[str, ...]:
        if self.id_type != "entrez":
            raise ValueError(f"this mapping is to {self.id_type}, not Entrez IDs; use .ids")
        return self.ids


def normalise_symbol(symbol: str) -> str:
    """How symbols are compared everywhere (users' lists, symbol libraries): case ignored."""
    return symbol.strip().upper()


@dataclass(frozen=True)
class SymbolLibrary:
    """A symbol library's genes as the mapper matches lists against them."""

    names: frozenset[str]  # the library's genes, normalised
    by_entrez: dict[str, str]  # Entrez ID -> the library's name for that gene


@dataclass(frozen=True)
class Names:
    """One tier of names (official symbols, previous symbols or aliases) and the genes they name."""

    kind: str  # "official symbol", "previous symbol" or "alias", for messages
    unique: dict[str, str]  # normalised name -> the one Entrez ID it names
    shared: dict[str, tuple[str, ...]]  # normalised name -> the Entrez IDs it names (several), numeric order

    def genes(self, key: str) -> tuple[str, ...]:
        gene = self.unique.get(key)
        return (gene,) if gene is not None else self.shared.get(key, ())

    def __len__(self) -> int:
        return len(self.unique) + len(self.shared)

    def __contains__(self, key: str) -> bool:
        return key in self.unique or key in self.shared


@dataclass(frozen=True)
class IdMapper:
    official: Names  # official symbols, and users' names
    previous: Names
    alias: Names
    symbols: dict[str, str]  # Entrez ID -> its official symbol, as the tables spell it
    standard_sources: tuple[str, ...] = ()  # the NCBI/HGNC tables used; empty: records' and users' only

    @property
    def tiers(self) -> tuple[Names, Names, Names]:
        """Precedence order: official, previous, alias."""
        return (self.official, self.previous, self.alias)

    @classmethod
    def from_table(cls, rows: Iterable[IdRow], species: str | None = None) -> IdMapper:
        """Build from `(symbol, entrez, kind, species)` rows (tables.ID_MAP_COLUMNS order), as one records' table.

        Rows whose Entrez ID is not a number are left out (the file readers reject them).
        """
        clean = [
            (symbol, normalise_entrez(entrez.strip()), kind, row_species)
            for symbol, entrez, kind, row_species in rows
            if is_entrez(entrez.strip())
        ]
        return cls.from_tables([IdTable("rows", ID_TABLE, clean)], species)

    @classmethod
    def from_tables(cls, tables: Iterable[IdTable], species: str | None = None) -> IdMapper:
        """Build from ID tables (as `read_id_table` gives them: Entrez IDs checked and without
        leading zeros): the authorities' (NCBI, HGNC) decide the names they know.

        With `species`, rows of other species are left out ("Homo sapiens" and "Homo_sapiens"
        are the same); rows with an empty species apply to every species.
        """
        tables = list(tables)
        wanted = species_token(species) if species else None
        species_kept: dict[str, bool] = {"": True}
        # Per tier, names of one gene and names of several. Most names have one gene, so no set
        # is made for them: a human gene_info file gives 500,000 names.
        unique: tuple[dict[str, str], ...] = ({}, {}, {})
        shared: tuple[dict[str, set[str]], ...] = ({}, {}, {})
        # Entrez ID -> its official symbol as first given, and the rank of the table that gave it
        # (authority 0, records 1, user 2); where tables spell it differently, every spelling's rank.
        symbol_of: dict[str, str] = {}
        rank_of: dict[str, int] = {}
        spellings_of: dict[str, dict[str, int]] = {}

        def add(table: IdTable, decided: frozenset[str]) -> None:
            table_rank = 0 if table.standard else 1  # users' rows rank 2
            for symbol, entrez, kind, row_species in table.rows:
                kept = species_kept.get(row_species)
                if kept is None:
                    kept = species_kept[row_species] = not wanted or species_token(row_species) == wanted
                tier = TIER_OF_KIND.get(kind)
                if tier is None:
                    raise ValueError(f"ID table row {symbol!r}, {entrez!r}: kind {kind!r} is not one of {KINDS}")
                symbol = symbol.strip()
                key = symbol.upper()
                if not kept or not key:
                    continue
                # A user's word stands; the records' yields to the authorities on every name they know
                # (their symbol still names Entrez IDs the authorities lack, such as discontinued ones).
                if kind == "user" or key not in decided:
                    unique_names, shared_names = unique[tier], shared[tier]
                    known = unique_names.get(key)
                    if known is None:
                        if key in shared_names:
                            shared_names[key].add(entrez)
                        else:
                            unique_names[key] = entrez
                    elif known != entrez:
                        shared_names[key] = {known, entrez}
                        del unique_names[key]
                if tier == 0:
                    rank = 2 if kind == "user" else table_rank
                    first = symbol_of.get(entrez)
                    if first is None:
                        symbol_of[entrez], rank_of[entrez] = symbol, rank
                    elif first != symbol or entrez in spellings_of:
                        spellings = spellings_of.setdefault(entrez, {first: rank_of[entrez]})
                        spellings[symbol] = min(rank, spellings.get(symbol, rank))
                    elif rank < rank_of[entrez]:
                        rank_of[entrez] = rank

        def names(tier: int) -> Names:
            several = {key: tuple(sorted(ids, key=int)) for key, ids in shared[tier].items()}
            return Names(TIER_NAMES[tier], unique[tier], several)

        standard = [table for table in tables if table.standard]
        for table in standard:
            add(table, frozenset())
        decided = frozenset().union(*unique, *shared)  # the authorities' names, before the others add theirs
        for table in tables:
            if not table.standard:
                add(table, decided)
        official, previous, alias = names(0), names(1), names(2)
        for entrez, spellings in spellings_of.items():
            symbol_of[entrez] = _best_symbol(entrez, spellings, (previous, alias))
        return cls(official, previous, alias, symbol_of, tuple(table.source for table in standard))

    def symbols_for(self, entrez_ids: Iterable[str]) -> list[str]:
        """The official symbol of each Entrez ID, "" when the tables know none."""
        return [self.symbols.get(normalise_entrez(entrez), "") for entrez in entrez_ids]

    def symbol_library(self, genes: Iterable[str]) -> SymbolLibrary:
        """Index a symbol library's genes for `map_genes(..., target="symbol", library=...)`.

        Each library name is resolved like a list's; where several name one gene (TNF and
        TNFA), the one of the highest tier (the official symbol) stands for it.
        """
        names = frozenset(normalise_symbol(gene) for gene in genes)
        best: dict[str, tuple[int, str]] = {}
        for name in names:
            for tier, meanings in enumerate(self.tiers):
                entrez_ids = meanings.genes(name)
                if entrez_ids:
                    if len(entrez_ids) == 1:
                        (entrez,) = entrez_ids
                        best[entrez] = min(best.get(entrez, (tier, name)), (tier, name))
                    break
        return SymbolLibrary(names, {entrez: name for entrez, (_, name) in best.items()})

    def map_genes(
        self, tokens: Iterable[str], target: str = "entrez", library: SymbolLibrary | None = None
    ) -> MappingResult:
        """Map a list's tokens to `target` IDs: "entrez", or "symbol" for symbol libraries.

        To symbols, pass the library (`symbol_library`): names it uses match as they are,
        others and Entrez IDs become its name for the gene. Without it, the official symbol.
        """
        if target not in ID_TYPES:
            raise ValueError(f"target {target!r} is not one of {ID_TYPES}")
        ids: dict[str, None] = {}
        unmapped: dict[str, UnmappedGene] = {}
        duplicates = n_input = 0
        for token in tokens:
            name = token.strip()
            if not name:
                continue
            n_input += 1
            if target == "entrez":
                gene_id, problem = self._to_entrez(name)
            else:
                gene_id, problem = self._to_symbol(name, library)
            if gene_id is not None:
                seen = gene_id in ids
                ids.setdefault(gene_id)
            else:
                key = normalise_symbol(name)
                seen = key in unmapped
                unmapped.setdefault(key, problem)
            duplicates += seen
        return MappingResult(target, tuple(ids), tuple(unmapped.values()), duplicates, n_input)

    def _to_entrez(self, name: str) -> tuple[str | None, UnmappedGene | None]:
        if is_entrez(name):
            return normalise_entrez(name), None
        date_hint = excel_date_hint(name)
        if date_hint is not None:
            return None, date_hint
        return self._resolve_symbol(name)

    def _to_symbol(self, name: str, library: SymbolLibrary | None) -> tuple[str | None, UnmappedGene | None]:
        by_entrez = library.by_entrez if library else {}
        if is_entrez(name):
            entrez = normalise_entrez(name)
            symbol = by_entrez.get(entrez) or normalise_symbol(self.symbols.get(entrez, ""))
            if symbol:
                return symbol, None
            fix = "" if self.standard_sources else ", or set id_map: ncbi in config.yaml to map through NCBI's table"
            detail = f"Entrez ID {name} has no symbol in the ID tables, so it can't match a symbol library; "
            detail += f"give the symbol{fix}."
            return None, UnmappedGene(name, "unknown", (), detail)
        date_hint = excel_date_hint(name)
        if date_hint is not None:
            return None, date_hint
        key = normalise_symbol(name)
        if library and key in library.names:  # the library's own vocabulary, as Enrichr and MSigDB match
            return key, None
        entrez, problem = self._resolve_symbol(name)
        if entrez is None:
            return None, problem
        return by_entrez.get(entrez) or normalise_symbol(self.symbols.get(entrez, "")) or key, None

    def _resolve_symbol(self, name: str) -> tuple[str | None, UnmappedGene | None]:
        """The Entrez ID a symbol names: official, then previous, then alias; else why not."""
        key = normalise_symbol(name)
        for meanings in self.tiers:
            candidates = meanings.genes(key)
            if not candidates:
                continue
            if len(candidates) == 1:
                return candidates[0], None
            named = ", ".join(f"{e} ({self.symbols[e]})" if e in self.symbols else e for e in candidates)
            detail = f"{name} is the {meanings.kind} of {len(candidates)} genes: {named}; give the Entrez ID you mean."
            return None, UnmappedGene(name, "ambiguous", candidates, detail)
        fix = "check the spelling and species, or give its Entrez ID" if self.standard_sources else _NO_STANDARD_FIX
        detail = f"{name} is no official, previous or alias symbol in the ID tables; {fix}."
        return None, UnmappedGene(name, "unknown", (), detail)


def _best_symbol(entrez: str, names: dict[str, int], outdated: tuple[Names, ...]) -> str:
    """The official symbol to show for an Entrez ID when the tables give several.

    Records from different years may name a gene by its old and new symbol (MARCH1, MARCHF1):
    a symbol that is also a previous symbol or alias of the gene is the outdated one. Then the
    authorities' symbols before the records', the records' before users', then alphabetical,
    so the choice is stable.
    """

    def is_outdated(symbol: str) -> bool:
        return any(entrez in tier.genes(normalise_symbol(symbol)) for tier in outdated)

    return min(names, key=lambda symbol: (is_outdated(symbol), names[symbol], symbol))


def excel_date_hint(name: str) -> UnmappedGene | None:
    """An `excel_date` report if `name` is shaped like a date, naming the symbol it may have been."""
    if "-" not in name and "/" not in name:  # every date shape has one; spares most names four regexes
        return None
    readings: list[tuple[int, int]] = []  # (month, number)
    if match := _DAY_MONTH.fullmatch(name):
        readings = [(_MONTHS[match[2].lower()], int(match[1]))]
    elif match := _MONTH_DAY.fullmatch(name):
        readings = [(_MONTHS[match[1].lower()], int(match[2]))]
    elif match := _ISO_DATE.fullmatch(name):
        readings = [(int(match[1]), int(match[2]))]
    elif match := _SLASH_DATE.fullmatch(name):
        readings = [(int(match[1]), int(match[2])), (int(match[2]), int(match[1]))]
    else:
        return None
    candidates: list[str] = []
    for month, number in readings:
        family = DATE_SYMBOL_FAMILIES.get(month)
        if family and number in family[2] and f"{family[0]}{number}" not in candidates:
            candidates += [f"{family[0]}{number}", f"{family[1]}{number}"]
    if candidates:
        probably = " or ".join(f"{candidates[i]} (formerly {candidates[i + 1]})" for i in range(0, len(candidates), 2))
        detail = f"{name} looks like a date Excel made from a gene symbol, probably {probably}"
    else:
        detail = f"{name} looks like a date, not a gene (Excel turns some symbols into dates)"
    detail += "; fix the name in the list, and import gene columns into Excel as text."
    return UnmappedGene(name, "excel_date", tuple(candidates), detail)


def load_id_map(paths: Iterable[Path], species: str | None) -> IdMapper:
    """One mapper from ID table files in any format `read_id_table` knows (detected by header).

    The records' id_map.tsv keeps its kinds; a user's `symbol`/`entrez` table (other columns
    ignored) ranks as official symbols; NCBI gene_info and HGNC files are the authorities. A
    `species` column, or gene_info's tax_id, selects rows of `species`.
    """
    return IdMapper.from_tables([read_id_table(Path(path)) for path in paths], species)


# Chemicals and diseases (entities.py): which of a name's meanings count first, as for symbols.
ENTITY_NAME_TIERS = ("name", "match", "word")  # records.entitysets.NAME_SOURCES, most reliable first


@dataclass(frozen=True)
class EntityMapper:
    """Users' chemicals or diseases -> a chemical or disease library's IDs (chebi, mesh, doid).

    A token that is an ID in any common spelling (`CHEBI:15422`, `mesh:D009243`, `D009243`,
    `DOID:0060239`: entities.normalise_id) is that ID, and never a gene: an ID of another type
    than the library's is unmapped (`other_id_type`), with the library to use instead. Any other
    token is a name, looked up without case in the records' names of the library's ID type
    (entity_names.tsv): the source that names the ID itself (`name`), then the term the text
    mining matched (`match`), then the word on the figure (`word`); the first that knows the name
    decides: one ID -> mapped, several -> ambiguous (listed with its candidates); none -> unknown.
    """

    entity: str  # chemicals or diseases
    # id_type -> one dict a tier of ENTITY_NAME_TIERS: upper-cased name -> IDs, first seen first
    names: dict[str, tuple[dict[str, tuple[str, ...]], ...]]
    labels: dict[str, str]  # ID -> the name the tables show for it (its best tier's first)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, str, str]], entity: str) -> EntityMapper:
        """From (entity, id_type, id, name, source) rows (tables.ENTITY_NAMES_COLUMNS); rows of
        other entities are left out."""
        found: dict[str, tuple[dict[str, dict[str, None]], ...]] = {}
        labels: dict[str, tuple[int, str]] = {}
        for row_entity, id_type, entity_id, name, source in rows:
            if row_entity != entity or source not in ENTITY_NAME_TIERS or not name.strip():
                continue
            tier = ENTITY_NAME_TIERS.index(source)
            tiers = found.setdefault(id_type, tuple({} for _ in ENTITY_NAME_TIERS))
            tiers[tier].setdefault(name.strip().upper(), {}).setdefault(entity_id)
            if entity_id not in labels or tier < labels[entity_id][0]:
                labels[entity_id] = (tier, name.strip())
        names = {
            id_type: tuple({name: tuple(ids) for name, ids in tier.items()} for tier in tiers)
            for id_type, tiers in found.items()
        }
        return cls(entity, names, {entity_id: name for entity_id, (_, name) in labels.items()})

    @classmethod
    def from_file(cls, path: Path | None, entity: str) -> EntityMapper:
        """From the workflow's entity_names.tsv; None: IDs only (a user's library without records)."""
        if path is None:
            return cls(entity, {}, {})
        import csv

        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t")
            next(reader, None)
            return cls.from_rows((tuple(row[:5]) for row in reader if len(row) >= 5), entity)

    def map_ids(self, tokens: Iterable[str], id_type: str) -> MappingResult:
        """Map a list's tokens to IDs of `id_type` (the library's)."""
        ids: dict[str, None] = {}
        unmapped: dict[str, UnmappedGene] = {}
        duplicates = n_input = 0
        for token in tokens:
            name = token.strip()
            if not name:
                continue
            n_input += 1
            entity_id, problem = self._to_id(name, id_type)
            if entity_id is not None:
                seen = entity_id in ids
                ids.setdefault(entity_id)
            else:
                key = normalise_id(name) or name.upper()  # one ID, however spelled
                seen = key in unmapped
                unmapped.setdefault(key, problem)
            duplicates += seen
        return MappingResult(id_type, tuple(ids), tuple(unmapped.values()), duplicates, n_input)

    def _to_id(self, name: str, id_type: str) -> tuple[str | None, UnmappedGene | None]:
        given = normalise_id(name)
        if given is not None:
            if id_type_of(given) == id_type:
                return given, None
            other, wanted = ID_TYPE_LABELS[id_type_of(given)], ID_TYPE_LABELS[id_type]
            detail = (
                f"{name} is a {other} ID; this library holds {wanted} IDs: the {self.entity} library "
                f"in {other} IDs (_{id_type_of(given)}.gmt) tests it, or give {wanted} IDs."
            )
            return None, UnmappedGene(name, "other_id_type", (), detail)
        for tier, meanings in zip(ENTITY_NAME_TIERS, self.names.get(id_type, ()), strict=False):
            candidates = meanings.get(name.upper())
            if not candidates:
                continue
            if len(candidates) == 1:
                return candidates[0], None
            named = ", ".join(f"{c} ({self.labels[c]})" if c in self.labels else c for c in candidates)
            detail = f"{name} is the {tier} of {len(candidates)} {self.entity}: {named}; give the ID you mean."
            return None, UnmappedGene(name, "ambiguous", candidates, detail)
        wanted = ID_TYPE_LABELS[id_type]
        if self.names:
            detail = f"{name} is no name the PFOCR records give a {wanted} ID; give its {wanted} ID."
        else:
            detail = f"{name}: no names of {self.entity} are known here (no entity_names.tsv); give its {wanted} ID."
        return None, UnmappedGene(name, "unknown", (), detail)
