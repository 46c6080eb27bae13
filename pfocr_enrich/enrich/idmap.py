"""The one ID mapper: users' gene names -> the ID type of a gene set library.

Tokens are detected one by one, so a list may mix IDs: a token of ASCII digits only is an
Entrez ID (kept as given, even outside the library: the enrichment reduces lists to its
universe); anything else is a gene symbol.

Symbols map to Entrez through a table built from the PFOCR records themselves (the
workflow's `id_map.tsv`: `symbol, entrez, kind, species`, kind `official`, `alias` or
`previous`), optionally extended by users' tables (config `id_map:`, TSV with `symbol` and
`entrez` columns). A user table's rows rank as official symbols: they add names the records
lack, and a name that both the records and the user give as official for different genes is
reported as ambiguous rather than silently picked.

Resolution, ignoring case: if the name is an official symbol, of one gene -> that gene, of
several -> ambiguous. Otherwise aliases and previous symbols: one gene -> mapped, several
-> ambiguous, none -> unknown. A table holding several species makes every shared symbol
(human EGFR, mouse Egfr) ambiguous, so pass the library's species.

Excel turns some symbols into dates (MARCHF1 was MARCH1 -> `1-Mar`); names shaped like
dates are reported as `excel_date` with the symbol they probably were. Date serial numbers
(`43525`) look like Entrez IDs and can't be told apart.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pfocr_enrich.errors import InputError
from pfocr_enrich.species import species_token
from pfocr_enrich.user_text import read_user_text

ENTREZ_TOKEN = re.compile(r"[0-9]+")
ID_TYPES = ("entrez", "symbol")
KINDS = ("official", "alias", "previous", "user")
_OFFICIAL_KINDS = frozenset({"official", "user"})

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
class IdMapper:
    official: dict[str, frozenset[str]]  # normalised symbol -> Entrez IDs it is the official symbol of
    other: dict[str, frozenset[str]]  # normalised alias or previous symbol -> Entrez IDs
    symbols: dict[str, str]  # Entrez ID -> its official symbol, as the records spell it

    @classmethod
    def from_table(cls, rows: Iterable[tuple[str, str, str, str]], species: str | None = None) -> IdMapper:
        """Build from `(symbol, entrez, kind, species)` rows (tables.ID_MAP_COLUMNS order).

        With `species`, rows of other species are left out ("Homo sapiens" and "Homo_sapiens"
        are the same); rows with an empty species apply to every species.
        """
        wanted = species_token(species) if species else None
        official: dict[str, set[str]] = {}
        other: dict[str, set[str]] = {}
        official_names: dict[str, dict[str, bool]] = {}  # entrez -> {symbol: only users give it}
        for symbol, entrez, kind, row_species in rows:
            if kind not in KINDS:
                raise ValueError(f"ID table row {symbol!r}, {entrez!r}: kind {kind!r} is not one of {KINDS}")
            if wanted and row_species and species_token(row_species) != wanted:
                continue
            symbol, entrez, key = symbol.strip(), entrez.strip(), normalise_symbol(symbol)
            if not key or not ENTREZ_TOKEN.fullmatch(entrez):
                continue
            if kind in _OFFICIAL_KINDS:
                official.setdefault(key, set()).add(entrez)
                spellings = official_names.setdefault(entrez, {})
                spellings[symbol] = spellings.get(symbol, True) and kind == "user"
            else:
                other.setdefault(key, set()).add(entrez)
        return cls(
            official={key: frozenset(ids) for key, ids in official.items()},
            other={key: frozenset(ids) for key, ids in other.items()},
            symbols={entrez: _best_symbol(entrez, names, other) for entrez, names in official_names.items()},
        )

    def symbols_for(self, entrez_ids: Iterable[str]) -> list[str]:
        """The official symbol of each Entrez ID, "" when the tables know none."""
        return [self.symbols.get(entrez, "") for entrez in entrez_ids]

    def map_genes(self, tokens: Iterable[str], target: str = "entrez") -> MappingResult:
        """Map a list's tokens to `target` IDs: "entrez", or "symbol" for symbol libraries.

        To symbols, Entrez tokens become their official symbol and symbol tokens are kept
        (a symbol library matches its own names; aliases are not rewritten).
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
            gene_id, problem = self._resolve(name, target)
            if gene_id is not None:
                seen = gene_id in ids
                ids.setdefault(gene_id)
            else:
                key = normalise_symbol(name)
                seen = key in unmapped
                unmapped.setdefault(key, problem)
            duplicates += seen
        return MappingResult(target, tuple(ids), tuple(unmapped.values()), duplicates, n_input)

    def _resolve(self, name: str, target: str) -> tuple[str | None, UnmappedGene | None]:
        if ENTREZ_TOKEN.fullmatch(name):
            if target == "entrez":
                return name, None
            symbol = self.symbols.get(name)
            if symbol:
                return normalise_symbol(symbol), None
            detail = (
                f"Entrez ID {name} has no symbol in the PFOCR records or id_map, so it can't match a symbol "
                "library; add it to an id_map table or give the symbol."
            )
            return None, UnmappedGene(name, "unknown", (), detail)
        date_hint = excel_date_hint(name)
        if date_hint is not None:
            return None, date_hint
        if target == "symbol":
            return normalise_symbol(name), None
        key = normalise_symbol(name)
        tiers = ((self.official.get(key), "official symbol"), (self.other.get(key), "alias or previous symbol"))
        for entrez_ids, kind in tiers:
            if not entrez_ids:
                continue
            if len(entrez_ids) == 1:
                return next(iter(entrez_ids)), None
            candidates = tuple(sorted(entrez_ids, key=int))
            named = ", ".join(f"{e} ({self.symbols[e]})" if e in self.symbols else e for e in candidates)
            detail = f"{name} is the {kind} of {len(candidates)} genes: {named}; give the Entrez ID you mean."
            return None, UnmappedGene(name, "ambiguous", candidates, detail)
        detail = (
            f"{name} is no official, alias or previous symbol in the PFOCR records or id_map; "
            "check the spelling and species, or give its Entrez ID."
        )
        return None, UnmappedGene(name, "unknown", (), detail)


def _best_symbol(entrez: str, names: dict[str, bool], other: dict[str, set[str]]) -> str:
    """The official symbol to show for an Entrez ID when the tables give several.

    Records from different years may name a gene by its old and new symbol (MARCH1, MARCHF1):
    a symbol that is also an alias or previous symbol of the gene is the outdated one. Then
    records' symbols before users', then alphabetical, so the choice is stable.
    """
    return min(names, key=lambda symbol: (entrez in other.get(normalise_symbol(symbol), ()), names[symbol], symbol))


def excel_date_hint(name: str) -> UnmappedGene | None:
    """An `excel_date` report if `name` is shaped like a date, naming the symbol it may have been."""
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
    """One mapper from the workflow's id_map.tsv and any users' tables.

    A table with a `kind` column (the workflow's) keeps its kinds; without one (a user's
    `symbol`/`entrez` table, other columns ignored) every row is kind `user`, ranked as an
    official symbol. A `species` column, where present, selects rows of `species`.
    """
    rows: list[tuple[str, str, str, str]] = []
    for path in paths:
        rows.extend(_read_id_table(Path(path)))
    return IdMapper.from_table(rows, species)


def _read_id_table(path: Path) -> list[tuple[str, str, str, str]]:
    text = read_user_text(path, "ID table", "Check 'id_map' in config.yaml.")
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    header = [cell.strip().lower() for cell in next(reader, [])]
    if "symbol" not in header or "entrez" not in header:
        comma = " It looks comma-separated: save it tab-separated." if "," in ",".join(header) else ""
        raise InputError(
            f"ID table {path}: needs a tab-separated header with 'symbol' and 'entrez' columns "
            f"(found: {', '.join(repr(c) for c in header) or 'none'}).{comma}"
        )
    columns = {name: header.index(name) for name in ("symbol", "entrez", "kind", "species") if name in header}

    def cell(row: list[str], name: str, default: str = "") -> str:
        at = columns.get(name)
        return row[at].strip() if at is not None and at < len(row) else default

    rows = []
    for row in reader:
        symbol, entrez = cell(row, "symbol"), cell(row, "entrez")
        if not symbol and not entrez:
            continue
        kind = cell(row, "kind", "user") if "kind" in columns else "user"
        if not symbol or not ENTREZ_TOKEN.fullmatch(entrez) or kind not in KINDS:
            problem = (
                "the symbol is empty"
                if not symbol
                else f"entrez {entrez!r} is not a number"
                if not ENTREZ_TOKEN.fullmatch(entrez)
                else f"kind {kind!r} is not one of {', '.join(KINDS)}"
            )
            raise InputError(f"ID table {path} line {reader.line_num}: {problem}. Fix or delete that row.")
        rows.append((symbol, entrez, kind, cell(row, "species")))
    return rows
