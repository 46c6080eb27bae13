"""Reading PFOCR figure records, both formats, into typed records.

A record is a Markdown file whose YAML front matter describes one published pathway figure.
- Old format (2020-2022): genes inline in the front matter as a `genes:` list of
  `{word, symbol, source, hgnc_symbol, entrez}`; IDs are human Entrez IDs whatever
  `organisms` says.
- New format (2023+): front matter without genes, plus `<figid>-genes.tsv` beside the record
  or in a `_data/` folder (PFOCR's database keeps `_figures/` and `_data/` side by side),
  one row per (species, word, gene).
Chemicals and diseases are read when asked (`entities=True`): old-format records list them
inline as `chemicals:`/`diseases:` of `{word, source: MESH, identifier}` (bare MeSH IDs);
current ones in `<figid>-chemicals.tsv` (`word, mesh, match, name, chebi`) and
`<figid>-diseases.tsv` (`word, mesh, match, name, doid`) found as the genes table is, one row
per mention, `NA` where a word has no ID. IDs come out normalised (`pfocr_enrich.entities`).
A checkout mixing both releases can hold a record with inline genes and a genes table: the
table, the current format, wins, and the record gets an `inline genes superseded` skip row
(chemicals and diseases likewise).

Nothing here raises on a bad record: problems come back as `Skip` rows for skipped.tsv.
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import NamedTuple

import yaml

from pfocr_enrich.entities import CHEMICALS, DISEASES, ENTITY_ID_TYPES, ID_TYPE_LABELS, MESH, SINGULAR, normalise_id
from pfocr_enrich.text import fold_text

try:  # libyaml is ~10x faster; PyYAML wheels normally ship it.
    _YamlLoader: type = yaml.CSafeLoader
    from yaml._yaml import CParser  # checks YAML without building Python objects (raw_parse)
except (AttributeError, ImportError):  # pragma: no cover - depends on how PyYAML was built
    CParser = None
    warnings.warn(
        "PyYAML has no libyaml (CSafeLoader): records parse with the slower pure-Python "
        "SafeLoader. Reinstall PyYAML from a wheel to get the fast loader.",
        stacklevel=1,
    )
    _YamlLoader = yaml.SafeLoader

HUMAN = "Homo sapiens"
PMC_BASE = "https://www.ncbi.nlm.nih.gov"
# PFOCR's R export writes missing values as this string in new-format records.
_MISSING = {"", ".na.character", "na", "nan", "null", "none"}
_GENES_TSV_COLUMNS = ("organism_name", "word", "ncbigene_symbol", "ncbigene_id", "source")
# A table's ID columns are named after their ID type (mesh, chebi, doid).
_ENTITY_TSV_COLUMNS = {
    entity: ("word", MESH, "match", "name", specific) for entity, (specific, _) in ENTITY_ID_TYPES.items()
}
_FIGID_OK = re.compile(r"^\S+$")
SUPERSEDED = "inline genes superseded"  # skip reason of a record whose genes table replaces its inline genes
_CLOSING_LINE = re.compile(r"\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)")  # found from the newline before it

OLD_SOURCES = ("hgnc_symbol", "hgnc_alias_symbol", "hgnc_prev_symbol", "bioentities_symbol")
NEW_SOURCES = ("ncbigene_symbol", "ncbigene_synonym", "famplex_relations")
# How a mention's word relates to its gene, for the symbol -> Entrez table.
WORD_KIND = {
    "hgnc_symbol": "official",
    "ncbigene_symbol": "official",
    "hgnc_alias_symbol": "alias",
    "ncbigene_synonym": "alias",
    "hgnc_prev_symbol": "previous",
}


class GeneMention(NamedTuple):
    """One gene a figure mentions: the word on the figure and the gene it was matched to.

    A named tuple, not a dataclass: a release has millions, and a tuple is 4x cheaper to make.
    """

    species: str
    entrez: str
    symbol: str  # the official symbol the record gives for `entrez`
    word: str
    source: str  # how the word matched (hgnc_symbol, ncbigene_synonym, ...)


class EntityMention(NamedTuple):
    """One chemical or disease a figure mentions: the word on the figure, its IDs, and the names
    the text mining matched them to."""

    word: str
    ids: tuple[str, ...]  # normalised (mesh:D009243, chebi:15846): MeSH and/or ChEBI or DOID
    match: str  # the MeSH term that matched the ChEBI or DOID entry; "" in old-format records
    name: str  # that entry's ChEBI or DOID name; "" in old-format records


@dataclass(frozen=True)
class FigureRecord:
    figid: str
    figid_alias: str  # PFOCR's short name (PMC10034769__F9), "" when the record has none
    title: str
    pmcid: str
    year: int | None
    papertitle: str
    figlink: str  # full PMC URL, or "" when the record has none
    file: str  # record file, relative to the records folder
    record_format: str  # "old" or "new"
    mentions: tuple[GeneMention, ...]
    # Read only when asked (read_record(..., entities=True)), each mention with a usable ID.
    chemicals: tuple[EntityMention, ...] = ()
    diseases: tuple[EntityMention, ...] = ()


@dataclass(frozen=True)
class Skip:
    """A record or gene mention left out, and why (one row of skipped.tsv)."""

    file: str
    figid: str
    reason: str
    detail: str = ""
    species: str = ""


def _clean(value: object) -> str:
    text = fold_text(value)
    return "" if text.lower() in _MISSING else text


def split_front_matter(text: str) -> str | None:
    """The YAML between the opening `---` line and the next `---` (or `...`) line."""
    if not text.startswith("---"):
        return None
    first_newline = text.find("\n")
    if first_newline < 0 or text[:first_newline].rstrip() != "---":
        return None
    closing = _CLOSING_LINE.search(text, first_newline)
    return text[first_newline + 1 : closing.start() + 1] if closing else None


# The front matter keys a record is read for. The rest (captions, schema-jsonld, chemicals,
# ...) is parsed, so malformed YAML anywhere is caught, but never built into Python objects:
# that building, not the C parser, is what makes yaml.load slow (about 3x here).
USED_KEYS = frozenset({"figid", "figid_alias", "figtitle", "pmcid", "year", "papertitle", "figlink", "genes"})
ENTITY_KEYS = frozenset({CHEMICALS, DISEASES})  # used too when chemicals and diseases are read
_LIST_KEYS = frozenset({"genes", CHEMICALS, DISEASES})  # lists of flat mappings


class _NotPlain(Exception):
    """The front matter uses YAML features (anchors, tags, nested values where text is
    expected, several documents) that the event reader leaves to yaml.load."""


def _plain_scalar(event: yaml.Event) -> str:
    if not isinstance(event, yaml.ScalarEvent) or event.anchor or event.tag:
        raise _NotPlain
    return event.value


def _skip_value(events, first: yaml.Event) -> None:
    if isinstance(first, yaml.AliasEvent | yaml.ScalarEvent):
        return
    depth = 1
    while depth:
        event = next(events)
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


def _mention_list(events) -> object:
    event = next(events)
    if isinstance(event, yaml.ScalarEvent):
        value = _plain_scalar(event)
        return None if value in ("", "~", "null", "Null", "NULL") else value
    if not isinstance(event, yaml.SequenceStartEvent) or event.anchor:
        raise _NotPlain
    mentions: list = []
    while not isinstance(event := next(events), yaml.SequenceEndEvent):
        if isinstance(event, yaml.MappingStartEvent) and not event.anchor:
            mention = {}
            while not isinstance(key := next(events), yaml.MappingEndEvent):
                mention[_plain_scalar(key)] = _plain_scalar(next(events))
            mentions.append(mention)
        else:
            mentions.append(_plain_scalar(event))
    return mentions


def _front_matter_events(yaml_text: str, used_keys: frozenset[str] = USED_KEYS) -> dict | None:
    events = iter(yaml.parse(yaml_text, Loader=_YamlLoader))
    next(events)  # stream start
    event = next(events)
    if isinstance(event, yaml.StreamEndEvent):
        return {}
    event = next(events)  # after document start
    if not isinstance(event, yaml.MappingStartEvent) or event.anchor:
        raise _NotPlain
    meta: dict = {}
    while not isinstance(event := next(events), yaml.MappingEndEvent):
        key = _plain_scalar(event)
        if key in _LIST_KEYS and key in used_keys:
            meta[key] = _mention_list(events)
        elif key in used_keys:
            meta[key] = _plain_scalar(next(events))
        else:
            _skip_value(events, next(events))
    for event in events:  # a second document is an error yaml.load reports
        if not isinstance(event, yaml.DocumentEndEvent | yaml.StreamEndEvent):
            raise _NotPlain
    return meta


# The fast reader. yaml.load spends most of its time building Python objects, and even the C
# parser's events cost ~0.4 us each in Python; a record has ~600, three quarters of them in its
# `genes:` list. So the front matter is read entry by entry (a top-level key and the lines
# below it, up to the next line that starts at column 0 with a key):
# - every entry is checked by the C parser on its own without any Python object (raw_parse),
#   so malformed YAML anywhere is still found;
# - only the used entries are read as events;
# - a `genes:` list exactly as PFOCR writes it (PyYAML's dump: the five keys in order, values
#   plain, or single-quoted without '' escapes) is read with one regular expression: a plain
#   value has no indicator first, no ':' or '#', single inner spaces, only printable
#   characters, so such a list is valid YAML whose values are the text written.
# An entry that does not parse on its own (a quoted or flow value running past a line at
# column 0, an alias of an anchor elsewhere), a key that is not plain text, a used key given
# twice or a used value that is not plain returns None: the caller parses the front matter
# whole, which also reports errors with the record's own line numbers.
_ENTRY_START = re.compile(r"\n(?=[^ \t#\n-])")  # indented, comment and '- ' lines stay in the entry above
_ENTRY_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?=[ \t\n])")
_CONTROL = r"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff"  # YAML's non-printables and breaks
_SIMPLE_VALUE = (
    rf"'[^{_CONTROL}']*'"  # single-quoted, no '' escapes
    rf"|[^{_CONTROL} \-?:,\[\]{{}}#&*!|>'\"%@`][^{_CONTROL} :#]*(?: [^{_CONTROL} :#]+)*"  # plain
)
_MENTION_KEYS = ("word", "symbol", "source", "hgnc_symbol", "entrez")
_REGULAR_MENTION = re.compile(
    "".join(f"{'- ' if number == 0 else '  '}{key}: ({_SIMPLE_VALUE})\n" for number, key in enumerate(_MENTION_KEYS))
)
_MENTION_KEY_CHARS = sum(len(f"  {key}: \n") for key in _MENTION_KEYS)  # a mention's text besides its values
_GENES_HEADER = re.compile(r"genes:[ \t]*\n(?=- )")
# Old-format `chemicals:` and `diseases:` lists, read the same way: `[]`, or `{word, source, identifier}`
# mentions (~1 a record, yet as events they were half of what reading chemicals added to parsing).
_ENTITY_MENTION_KEYS = ("word", "source", "identifier")
_REGULAR_ENTITY_MENTION = re.compile(
    "".join(
        f"{'- ' if number == 0 else '  '}{key}: ({_SIMPLE_VALUE})\n" for number, key in enumerate(_ENTITY_MENTION_KEYS)
    )
)
_ENTITY_KEY_CHARS = sum(len(f"  {key}: \n") for key in _ENTITY_MENTION_KEYS)
_LIST_HEADER = re.compile(r"[a-z]+:[ \t]*\n(?=- )")
_EMPTY_LIST = re.compile(r"[a-z]+:[ \t]*\[\][ \t]*\n?")


def _regular_gene_mentions(entry: str) -> list[dict[str, str]] | None:
    """The mentions of a `genes:` entry in PFOCR's regular shape, or None if it is not."""
    header = _GENES_HEADER.match(entry)
    if header is None:
        return None
    found = _REGULAR_MENTION.findall(entry, header.end())
    # The matches never overlap, so they cover the entry exactly when their lengths add up.
    if header.end() + len(found) * _MENTION_KEY_CHARS + sum(map(len, chain.from_iterable(found))) != len(entry):
        return None
    return [
        {
            "word": word[1:-1] if word[:1] == "'" else word,
            "symbol": symbol[1:-1] if symbol[:1] == "'" else symbol,
            "source": source[1:-1] if source[:1] == "'" else source,
            "hgnc_symbol": hgnc_symbol[1:-1] if hgnc_symbol[:1] == "'" else hgnc_symbol,
            "entrez": entrez[1:-1] if entrez[:1] == "'" else entrez,
        }
        for word, symbol, source, hgnc_symbol, entrez in found
    ]


def _regular_entity_mentions(entry: str) -> list[dict[str, str]] | None:
    """The mentions of a `chemicals:` or `diseases:` entry in PFOCR's regular shape, or None."""
    if _EMPTY_LIST.fullmatch(entry):
        return []
    header = _LIST_HEADER.match(entry)
    if header is None:
        return None
    found = _REGULAR_ENTITY_MENTION.findall(entry, header.end())
    if header.end() + len(found) * _ENTITY_KEY_CHARS + sum(map(len, chain.from_iterable(found))) != len(entry):
        return None
    return [
        {
            "word": word[1:-1] if word[:1] == "'" else word,
            "source": source[1:-1] if source[:1] == "'" else source,
            "identifier": identifier[1:-1] if identifier[:1] == "'" else identifier,
        }
        for word, source, identifier in found
    ]


def _front_matter_by_entries(yaml_text: str, used_keys: frozenset[str] = USED_KEYS) -> dict | None:
    """The used keys of a front matter read entry by entry, or None where that is not safe."""
    if CParser is None:
        return None
    starts = [0, *(match.end() for match in _ENTRY_START.finditer(yaml_text))]
    used_entries, seen = [], set()
    genes = None
    regular_lists = {}  # chemicals and diseases read as text
    for start, end in zip(starts, [*starts[1:], len(yaml_text)], strict=True):
        key = _ENTRY_KEY.match(yaml_text, start)
        if key is None:
            return None
        name, entry = key.group(1), yaml_text[start:end]
        if name in used_keys:
            if name in seen:
                return None
            seen.add(name)
            if name == "genes" and (genes := _regular_gene_mentions(entry)) is not None:
                continue
            if name in ENTITY_KEYS and (mentions := _regular_entity_mentions(entry)) is not None:
                regular_lists[name] = mentions
                continue
            used_entries.append(entry)
        try:
            CParser(entry).raw_parse()
        except yaml.YAMLError:
            return None
    try:
        meta = _front_matter_events("".join(used_entries), used_keys)
    except (yaml.YAMLError, _NotPlain):
        return None
    if meta is None:
        return None
    if genes is not None:
        meta["genes"] = genes
    meta.update(regular_lists)
    return meta


def load_front_matter(yaml_text: str, used_keys: frozenset[str] = USED_KEYS) -> dict | None:
    """The used keys of a front matter, read with PyYAML's C loader (safe; never unsafe).

    Plain front matter (all of PFOCR's) is read from the C parser's events, values as the text
    written, its regular `genes:` block by a regular expression; anything fancier goes through
    yaml.load. None when it is not a mapping. `used_keys`: USED_KEYS, with ENTITY_KEYS when
    chemicals and diseases are read.
    """
    meta = _front_matter_by_entries(yaml_text, used_keys)
    if meta is not None:
        return meta
    try:
        return _front_matter_events(yaml_text, used_keys)
    except _NotPlain:
        meta = yaml.load(yaml_text, Loader=_YamlLoader)  # noqa: S506 - a safe loader
        if meta is None:
            return {}
        return {key: value for key, value in meta.items() if key in used_keys} if isinstance(meta, dict) else None


def decode_record(data: bytes) -> tuple[str | None, str]:
    """Text of a record file (UTF-8, BOM and CRLF tolerated), or None and why not."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return None, f"not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}"
    return text.replace("\r\n", "\n").replace("\r", "\n"), ""


def parse_year(value: object) -> int | None:
    text = _clean(value)
    return int(text) if text.isdigit() and len(text) == 4 else None


def full_figlink(value: object) -> str:
    link = _clean(value)
    if not link or link.startswith(("http://", "https://")):
        return link
    return PMC_BASE + (link if link.startswith("/") else "/" + link)


class DataTables:
    """The files of each folder a record's tables may be in, listed once and remembered.

    Tables are looked for beside every record, old format too (a mixed checkout): three kinds in
    three places are nine `stat` calls a record, each a round trip on a cluster's network file
    system; one listing of each folder makes them set lookups (~1 us a table on a local disk,
    as a `stat`). Share one for a batch of records read together (a shard): files added to a
    folder after it was listed are not seen.
    """

    def __init__(self) -> None:
        self._files: dict[str, frozenset[str]] = {}

    def files(self, folder: str) -> frozenset[str]:
        names = self._files.get(folder)
        if names is None:
            try:
                with os.scandir(folder or ".") as entries:
                    names = frozenset(entry.name for entry in entries if entry.is_file())
            except OSError:  # no such folder
                names = frozenset()
            self._files[folder] = names
        return names


def find_data_table(record_path: Path, kind: str = "genes", tables: DataTables | None = None) -> Path | None:
    """A record's `genes`, `chemicals` or `diseases` table, or None: `<stem>-<kind>.tsv` beside it,
    in `_data/` below its folder, or in `_data/` beside its folder, in that order.

    `tables`: folder listings shared by the records read together (a fresh one: listed now).
    """
    tables = tables or DataTables()
    folder, name = os.path.split(record_path)
    name = f"{os.path.splitext(name)[0]}-{kind}.tsv"
    for candidate in (folder, os.path.join(folder, "_data"), os.path.join(os.path.dirname(folder), "_data")):
        if name in tables.files(candidate):
            return Path(candidate, name)
    return None


def read_record(
    path: Path, relative_name: str, entities: bool = False, tables: DataTables | None = None
) -> tuple[FigureRecord | None, list[Skip]]:
    """Parse one record file. Returns the record (or None if it is unusable) and skips.

    `entities`: read its chemicals and diseases too; `tables`: folder listings shared by the
    records read together (DataTables)."""
    try:
        data = path.read_bytes()
    except OSError as err:
        return None, [Skip(relative_name, "", "unreadable file", err.strerror or str(err))]
    return parse_record(data, relative_name, path, entities, tables)


def parse_record(
    data: bytes,
    relative_name: str,
    path: Path | None = None,
    entities: bool = False,
    tables: DataTables | None = None,
) -> tuple[FigureRecord | None, list[Skip]]:
    """Parse the bytes of one record; `path` locates a new-format record's tables.

    `entities`: read its chemicals and diseases too; then a record without genes is kept when
    it has a usable chemical or disease mention (its `no genes` row says so)."""
    text, why = decode_record(data)
    if text is None:
        return None, [Skip(relative_name, "", "not UTF-8", why + "; re-save the file as UTF-8")]
    yaml_text = split_front_matter(text)
    if yaml_text is None:
        return None, [
            Skip(
                relative_name,
                "",
                "no front matter",
                "file must start with a '---' line and have a closing '---' line around the YAML front matter",
            )
        ]
    try:
        meta = load_front_matter(yaml_text, USED_KEYS | ENTITY_KEYS if entities else USED_KEYS)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"front matter line {mark.line + 2}: " if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        return None, [Skip(relative_name, "", "malformed YAML", where + str(problem))]
    if not isinstance(meta, dict):
        return None, [Skip(relative_name, "", "malformed YAML", "front matter is not a mapping")]

    figid = _clean(meta.get("figid"))
    if not figid:
        return None, [Skip(relative_name, "", "no figid", "front matter has no 'figid'")]
    if not _FIGID_OK.match(figid):
        return None, [Skip(relative_name, figid, "bad figid", "figid contains white space")]

    skips: list[Skip] = []
    tables = tables or DataTables()
    table = find_data_table(path, "genes", tables) if path else None
    if table is None and "genes" in meta:
        record_format = "old"
        mentions = _old_format_mentions(meta.get("genes"), relative_name, figid, skips)
    elif table is None:
        # Neither inline genes nor a genes table: PFOCR keeps such a figure for its chemicals.
        record_format = "new"
        mentions = []
        detail = (
            f"no 'genes:' in front matter and no {Path(relative_name).stem}-genes.tsv "
            "beside the record or in a _data/ folder"
        )
        if not entities:
            return None, [Skip(relative_name, figid, "no genes", detail)]
        skips.append(Skip(relative_name, figid, "no genes", detail + "; read for its chemicals and diseases"))
    else:
        record_format = "new"
        if "genes" in meta:
            skips.append(_superseded(meta["genes"], table, relative_name, figid))
        mentions = _new_format_mentions(table, relative_name, figid, skips)
        if mentions is None:
            return None, skips

    if not mentions and all(skip.reason == SUPERSEDED for skip in skips):
        skips.append(Skip(relative_name, figid, "no genes", "the record lists no gene mentions"))
    chemicals: tuple[EntityMention, ...] = ()
    diseases: tuple[EntityMention, ...] = ()
    if entities:
        chemicals = _entity_mentions(CHEMICALS, meta, path, tables, relative_name, figid, skips)
        diseases = _entity_mentions(DISEASES, meta, path, tables, relative_name, figid, skips)
        if not (mentions or chemicals or diseases) and table is None and "genes" not in meta:
            return None, skips
    record = FigureRecord(
        figid=figid,
        figid_alias=_alias(meta.get("figid_alias")),
        title=_clean(meta.get("figtitle")) or figid,
        pmcid=_clean(meta.get("pmcid")),
        year=parse_year(meta.get("year")),
        papertitle=_clean(meta.get("papertitle")),
        figlink=full_figlink(meta.get("figlink")),
        file=relative_name,
        record_format=record_format,
        mentions=tuple(mentions),
        chemicals=chemicals,
        diseases=diseases,
    )
    return record, skips


def _alias(value: object) -> str:
    """The figid_alias, or "" when missing or unusable as a set name (white space, as a figid)."""
    alias = _clean(value)
    return alias if _FIGID_OK.match(alias) else ""


def _superseded(genes: object, table: Path, file: str, figid: str) -> Skip:
    """The skip row of a record whose inline genes a genes table replaces (a mixed checkout)."""
    count = f"{len(genes)} " if isinstance(genes, list) else ""
    return Skip(
        file,
        figid,
        SUPERSEDED,
        f"the front matter's {count}inline 'genes:' mentions were ignored: {table.name} (current format) "
        "was read instead. Check out one PFOCR release: delete the record's 'genes:' block, or the table",
    )


def _entrez_or_none(value: object) -> str | None:
    """An Entrez ID as its canonical text ('0207' -> '207'), or None when it is not one."""
    if value is None or isinstance(value, bool):
        return None
    text = (value if isinstance(value, str) else str(value)).strip()
    if not (text.isascii() and text.isdigit()):  # isdigit alone accepts '²' and other scripts
        return None
    return text.lstrip("0") or None


def _old_format_mentions(genes: object, file: str, figid: str, skips: list[Skip]) -> list[GeneMention]:
    if genes is None:
        return []
    if not isinstance(genes, list):
        skips.append(Skip(file, figid, "malformed genes", "'genes' is not a list"))
        return []
    mentions = []
    for number, gene in enumerate(genes, start=1):
        if not isinstance(gene, dict):
            skips.append(Skip(file, figid, "malformed gene mention", f"genes item {number} is not a mapping"))
            continue
        entrez = _entrez_or_none(gene.get("entrez"))
        word = fold_text(gene.get("word"))
        if entrez is None:
            skips.append(
                Skip(
                    file,
                    figid,
                    "non-numeric Entrez",
                    f"genes item {number} (word {word!r}): entrez {gene.get('entrez')!r}",
                    HUMAN,
                )
            )
            continue
        symbol = fold_text(gene.get("hgnc_symbol")) or fold_text(gene.get("symbol"))
        mentions.append(GeneMention(HUMAN, entrez, symbol, word, fold_text(gene.get("source"))))
    return mentions


def _new_format_mentions(table: Path, file: str, figid: str, skips: list[Skip]) -> list[GeneMention] | None:
    text, why = decode_record(table.read_bytes())
    if text is None:
        skips.append(Skip(file, figid, "not UTF-8", f"{table.name}: {why}"))
        return None
    rows = csv.DictReader(io.StringIO(text), delimiter="\t")
    missing = [c for c in _GENES_TSV_COLUMNS if c not in (rows.fieldnames or [])]
    if missing:
        skips.append(Skip(file, figid, "malformed genes table", f"{table.name} lacks column(s) {', '.join(missing)}"))
        return None
    mentions = []
    for line_number, row in enumerate(rows, start=2):
        species = _clean(row["organism_name"])
        entrez = _entrez_or_none(row["ncbigene_id"])
        if entrez is None or not species:
            what = "no organism_name" if not species else f"ncbigene_id {row['ncbigene_id']!r}"
            reason = "no species" if not species else "non-numeric Entrez"
            skips.append(Skip(file, figid, reason, f"{table.name} line {line_number}: {what}", species))
            continue
        mentions.append(
            GeneMention(
                species=species,
                entrez=entrez,
                symbol=fold_text(row["ncbigene_symbol"]),
                word=fold_text(row["word"]),
                source=fold_text(row["source"]),
            )
        )
    return mentions


def _entity_mentions(
    entity: str, meta: dict, path: Path | None, tables: DataTables, file: str, figid: str, skips: list[Skip]
) -> tuple[EntityMention, ...]:
    """A record's chemicals or diseases: its table when there is one (the current format wins
    over an inline list, as for genes), else its front matter's list."""
    table = find_data_table(path, entity, tables) if path else None
    inline = meta.get(entity)
    if table is None:
        return _inline_entity_mentions(entity, inline, file, figid, skips)
    if inline:  # old-format records all carry `chemicals: []`: only a list with mentions is lost
        skips.append(
            Skip(
                file,
                figid,
                f"inline {entity} superseded",
                f"the front matter's {len(inline) if isinstance(inline, list) else ''} inline '{entity}:' "
                f"mentions were ignored: {table.name} (current format) was read instead. Check out one "
                f"PFOCR release: delete the record's '{entity}:' block, or the table",
            )
        )
    return _table_entity_mentions(entity, table, file, figid, skips)


def _entity_id(value: str, id_type: str, where: str, file: str, figid: str, skips: list[Skip]) -> str:
    """The normalised ID, or "" with a skip row naming where the malformed one was."""
    normalised = normalise_id(value, id_type)
    if normalised is None:
        label = ID_TYPE_LABELS[id_type]
        expected = {"mesh": "mesh:D009243", "chebi": "chebi:15846", "doid": "doid:0060239"}[id_type]
        detail = f"{where}: {id_type} {value!r} is not a {label} ID (expected like {expected}); its other IDs are kept"
        skips.append(Skip(file, figid, f"malformed {label} ID", detail))
        return ""
    return normalised


def _inline_entity_mentions(
    entity: str, items: object, file: str, figid: str, skips: list[Skip]
) -> tuple[EntityMention, ...]:
    if items is None:
        return ()
    one = SINGULAR[entity]
    if not isinstance(items, list):
        skips.append(Skip(file, figid, f"malformed {entity}", f"'{entity}' is not a list"))
        return ()
    mentions = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            skips.append(Skip(file, figid, f"malformed {one} mention", f"{entity} item {number} is not a mapping"))
            continue
        word, source = fold_text(item.get("word")), _clean(item.get("source"))
        identifier = _clean(item.get("identifier"))
        where = f"{entity} item {number} (word {word!r})"
        if not identifier:
            skips.append(Skip(file, figid, f"no {one} ID", f"{where}: no identifier"))
            continue
        if source.lower() not in ID_TYPE_LABELS:
            detail = f"{where}: source {source!r}; expected MESH (or CHEBI, DOID)"
            skips.append(Skip(file, figid, f"unknown {one} ID source", detail))
            continue
        entity_id = _entity_id(identifier, source.lower(), where, file, figid, skips)
        if entity_id:
            mentions.append(EntityMention(word, (entity_id,), "", ""))
    return tuple(mentions)


def _table_entity_mentions(
    entity: str, table: Path, file: str, figid: str, skips: list[Skip]
) -> tuple[EntityMention, ...]:
    text, why = decode_record(table.read_bytes())
    if text is None:
        skips.append(Skip(file, figid, "not UTF-8", f"{table.name}: {why}"))
        return ()
    rows = csv.DictReader(io.StringIO(text), delimiter="\t")
    columns = _ENTITY_TSV_COLUMNS[entity]
    missing = [c for c in columns if c not in (rows.fieldnames or [])]
    if missing:
        detail = f"{table.name} lacks column(s) {', '.join(missing)}; expected {', '.join(columns)}"
        skips.append(Skip(file, figid, f"malformed {entity} table", detail))
        return ()
    id_columns = columns[1:2] + columns[4:]  # mesh, then chebi or doid
    mentions = []
    for line_number, row in enumerate(rows, start=2):
        word = fold_text(row["word"])
        where = f"{table.name} line {line_number} (word {word!r})"
        given = [(column, _clean(row[column])) for column in id_columns]
        ids = tuple(
            entity_id
            for column, value in given
            if value and (entity_id := _entity_id(value, column, where, file, figid, skips))
        )
        if ids:
            mentions.append(EntityMention(word, ids, _clean(row["match"]), _clean(row["name"])))
        elif not any(value for _, value in given):  # a malformed ID has its own row
            detail = f"{where}: {' and '.join(id_columns)} are NA"
            skips.append(Skip(file, figid, f"no {SINGULAR[entity]} ID", detail))
    return tuple(mentions)
