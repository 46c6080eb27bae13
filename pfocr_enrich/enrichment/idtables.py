"""Reading ID tables (gene symbol <-> Entrez ID) in every format `id_map:` accepts, told apart by header.

- The records' table (`results/gmt/id_map.tsv`: `symbol, entrez, kind, species`) and users'
  TSVs (`symbol` and `entrez` columns, others ignored; every row kind `user`).
- NCBI gene_info, one species a file, plain or gzip (`#tax_id GeneID Symbol LocusTag Synonyms
  ...`; `-` is empty, Synonyms `|`-separated). The official symbol is
  Symbol_from_nomenclature_authority, or Symbol where that is `-`. NCBI lists previous symbols
  among the Synonyms without marking them, so from gene_info every synonym ranks as an alias;
  HGNC's file (human) tells previous symbols apart.
- HGNC's complete set (`hgnc_complete_set.txt`: `hgnc_id, symbol, ..., alias_symbol,
  prev_symbol, ..., entrez_id`, multiple values `|`-separated and often quoted), human only.

NCBI gene_info and HGNC are the nomenclature authorities' own tables (`IdTable.standard`): the
mapper lets them decide every name they know. Entrez IDs are written without leading zeros.
"""

from __future__ import annotations

import csv
import gzip
import logging
import zlib
from dataclasses import dataclass
from pathlib import Path

from pfocr_enrich.errors import InputError
from pfocr_enrich.species import species_of_taxon
from pfocr_enrich.user_text import decode_user_text

log = logging.getLogger(__name__)

IdRow = tuple[str, str, str, str]  # (symbol, entrez, kind, species): tables.ID_MAP_COLUMNS order
KINDS = ("official", "previous", "alias", "user")
ID_TABLE = "id_map"  # the records' and users' TSV
NCBI_GENE_INFO = "ncbi_gene_info"
HGNC = "hgnc"
STANDARD_FORMATS = frozenset({NCBI_GENE_INFO, HGNC})
GENE_INFO_COLUMNS = ("#tax_id", "GeneID", "Symbol", "Synonyms", "Symbol_from_nomenclature_authority")
HGNC_COLUMNS = ("symbol", "alias_symbol", "prev_symbol", "entrez_id")
HGNC_SPECIES = "Homo sapiens"
_FIX = "Check 'id_map' in config.yaml."


@dataclass(frozen=True)
class IdTable:
    """One ID table as read: where from, its format, its rows."""

    source: str  # the file, for messages
    format: str  # ID_TABLE, NCBI_GENE_INFO or HGNC
    rows: list[IdRow]

    @property
    def standard(self) -> bool:
        """Written by a nomenclature authority (NCBI, HGNC), rather than the records or a user."""
        return self.format in STANDARD_FORMATS


def is_entrez(token: str) -> bool:
    """ASCII digits only (str.isdigit alone takes '²' and other Unicode digits)."""
    return token.isascii() and token.isdigit()


def normalise_entrez(entrez: str) -> str:
    """'00123' -> '123': spreadsheets and some exports pad Entrez IDs; NCBI writes none."""
    return (entrez.lstrip("0") or "0") if entrez.startswith("0") else entrez


def read_id_table(path: Path) -> IdTable:
    """The table at `path` in whichever format its header shows (gzip or plain)."""
    text = _read_text(Path(path))
    first_line, _, body = text.partition("\n")
    header = first_line.split("\t")
    if header[0] == "#tax_id":
        return IdTable(str(path), NCBI_GENE_INFO, _gene_info_rows(path, header, body))
    lowered = [cell.strip().strip('"').lower() for cell in header]
    if "hgnc_id" in lowered:
        return IdTable(str(path), HGNC, _hgnc_rows(path, lowered, body))
    return IdTable(str(path), ID_TABLE, _id_map_rows(path, lowered, body))


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"ID table {path}: cannot read it ({err.strerror}). {_FIX}") from err
    if data[:2] == b"\x1f\x8b":  # gzip, whatever the file is called
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as err:
            raise InputError(
                f"ID table {path}: not a complete gzip file ({err}). Delete it and download it again."
            ) from err
    return decode_user_text(data, path, "ID table")


def _column_indices(path: Path, header: list[str], wanted: tuple[str, ...], what: str) -> list[int]:
    missing = [column for column in wanted if column not in header]
    if missing:
        raise InputError(
            f"ID table {path}: looks like {what} but lacks the column(s) {', '.join(missing)}. "
            f"Give the complete file as published. {_FIX}"
        )
    return [header.index(column) for column in wanted]


def _gene_info_rows(path: Path, header: list[str], body: str) -> list[IdRow]:
    """Rows of an NCBI gene_info file; ~200,000 human genes, so the loop stays plain."""
    at_tax, at_gene, at_symbol, at_synonyms, at_authority = _column_indices(
        path, header, GENE_INFO_COLUMNS, "an NCBI gene_info file"
    )
    width = max(at_tax, at_gene, at_symbol, at_synonyms, at_authority) + 1
    species_by_taxon: dict[str, str] = {}
    rows: list[IdRow] = []
    append = rows.append
    for line_number, line in enumerate(body.split("\n"), start=2):
        if not line or line[0] == "#":
            continue
        cells = line.split("\t", width)  # the columns after the last one used stay one string
        if len(cells) < width:
            raise InputError(
                f"ID table {path} line {line_number}: {len(cells)} tab-separated fields, gene_info has "
                f"at least {width}. The file is damaged: delete it and download it again."
            )
        gene, symbol = cells[at_gene], cells[at_symbol]
        if not is_entrez(gene) or symbol in ("-", "NEWENTRY"):  # NEWENTRY: NCBI's placeholder records
            continue
        gene = normalise_entrez(gene)
        tax_id = cells[at_tax]
        species = species_by_taxon.get(tax_id)
        if species is None:
            species = species_by_taxon[tax_id] = species_of_taxon(tax_id) or f"taxon {tax_id}"
        authority = cells[at_authority]
        official = authority if authority != "-" else symbol
        append((official, gene, "official", species))
        if symbol != official:
            append((symbol, gene, "alias", species))
        synonyms = cells[at_synonyms]
        if synonyms != "-":
            for synonym in synonyms.split("|"):
                append((synonym, gene, "alias", species))
    unknown = sorted(tax for tax, species in species_by_taxon.items() if species.startswith("taxon "))
    if unknown and len(species_by_taxon) == 1:
        # One species a file is how NCBI publishes them: the user chose this file for their species.
        log.info(
            "ID table %s: taxon %s is not in pfocr_enrich's species table; used for every species", path, unknown[0]
        )
        return [(symbol, gene, kind, "") for symbol, gene, kind, _ in rows]
    if unknown:
        log.info(
            "ID table %s: taxa %s are not in pfocr_enrich's species table (species.py); their rows are not used. "
            "Give one gene_info file a species.",
            path,
            ", ".join(unknown),
        )
    return rows


def _split_values(cell: str) -> list[str]:
    return [value.strip() for value in cell.split("|") if value.strip()]


def _hgnc_rows(path: Path, header: list[str], body: str) -> list[IdRow]:
    at_symbol, at_alias, at_previous, at_entrez = _column_indices(path, header, HGNC_COLUMNS, "HGNC's complete set")
    rows: list[IdRow] = []
    for row in csv.reader(body.split("\n"), delimiter="\t"):
        if len(row) <= max(at_symbol, at_alias, at_previous, at_entrez):
            continue
        entrez, symbol = row[at_entrez].strip(), row[at_symbol].strip()
        if not symbol or not is_entrez(entrez):  # genes without an Entrez ID can't be mapped to one
            continue
        entrez = normalise_entrez(entrez)
        rows.append((symbol, entrez, "official", HGNC_SPECIES))
        rows += [(name, entrez, "previous", HGNC_SPECIES) for name in _split_values(row[at_previous])]
        rows += [(name, entrez, "alias", HGNC_SPECIES) for name in _split_values(row[at_alias])]
    return rows


def _id_map_rows(path: Path, header: list[str], body: str) -> list[IdRow]:
    """The records' id_map.tsv (with `kind`), or a user's `symbol`/`entrez` table (every row `user`)."""
    if "symbol" not in header or "entrez" not in header:
        comma = " It looks comma-separated: save it tab-separated." if "," in ",".join(header) else ""
        raise InputError(
            f"ID table {path}: needs a tab-separated header with 'symbol' and 'entrez' columns "
            f"(found: {', '.join(repr(c) for c in header if c) or 'none'}), or is an NCBI gene_info "
            f"file ('#tax_id GeneID Symbol ...') or HGNC's complete set ('hgnc_id symbol ... entrez_id').{comma}"
        )
    columns = {name: header.index(name) for name in ("symbol", "entrez", "kind", "species") if name in header}

    def cell(row: list[str], name: str, default: str = "") -> str:
        at = columns.get(name)
        return row[at].strip() if at is not None and at < len(row) else default

    rows: list[IdRow] = []
    reader = csv.reader(body.split("\n"), delimiter="\t")  # Excel quotes some cells
    for row in reader:
        line_number = reader.line_num + 1  # the header was line 1
        symbol, entrez = cell(row, "symbol"), cell(row, "entrez")
        if not symbol and not entrez:
            continue
        kind = cell(row, "kind", "user") if "kind" in columns else "user"
        if not symbol or not is_entrez(entrez) or kind not in KINDS:
            problem = (
                "the symbol is empty"
                if not symbol
                else f"entrez {entrez!r} is not a number"
                if not is_entrez(entrez)
                else f"kind {kind!r} is not one of {', '.join(KINDS)}"
            )
            raise InputError(f"ID table {path} line {line_number}: {problem}. Fix or delete that row.")
        rows.append((symbol, normalise_entrez(entrez), kind, cell(row, "species")))
    return rows
