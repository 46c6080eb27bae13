"""What a figure's sets are made of besides genes, and how their IDs are spelled.

PFOCR mines chemicals and diseases from every figure too. Their libraries have no species: a
figure's chemical set is the same whichever organisms it shows. Each entity has two ID types:
its own ontology (ChEBI for chemicals, the Disease Ontology for diseases) and MeSH, which every
mention has in both record formats (old-format records give MeSH only).

IDs are spelled one way everywhere the workflow writes them (GMTs, entity_names.tsv):
lower-case prefix, colon, the ID as the source writes it: `chebi:15422`, `mesh:D009243`,
`doid:0060239`, as PFOCR's own chemical GMTs. `normalise_id` turns users' and records' spellings
into that one. Both stages import this module: records -> sets, and lists -> enrichment.
"""

from __future__ import annotations

import re
from pathlib import Path

from pfocr_enrich.errors import InputError

GENES = "genes"
CHEMICALS = "chemicals"
DISEASES = "diseases"
ENTITIES = (GENES, CHEMICALS, DISEASES)  # the values of config `gmt.entities`
CHEBI, MESH, DOID = "chebi", "mesh", "doid"
# The libraries built for each entity besides genes, by ID type: the entity's own ontology first.
ENTITY_ID_TYPES = {CHEMICALS: (CHEBI, MESH), DISEASES: (DOID, MESH)}
ID_TYPE_LABELS = {CHEBI: "ChEBI", MESH: "MeSH", DOID: "DOID"}
SINGULAR = {GENES: "gene", CHEMICALS: "chemical", DISEASES: "disease"}

# The ID after its prefix. MeSH unique IDs are descriptors (D) and supplementary concepts (C),
# six digits or, since 2018, nine (C000589078); ChEBI and DOID numbers are kept as written
# (PFOCR writes doid:0060239 with its zeros).
_ID_PATTERNS = {
    CHEBI: re.compile(r"\d+"),
    MESH: re.compile(r"[CDcd](?:\d{6}|\d{9})"),
    DOID: re.compile(r"\d+"),
}
_PREFIXED = re.compile(r"([A-Za-z]+):(.*)")


def normalise_id(text: str, id_type: str | None = None) -> str | None:
    """An ID's normalised spelling (`chebi:15422`, `mesh:D009243`, `doid:0060239`), or None.

    The type comes from the prefix, in any case (`CHEBI:15422`, `ChEBI:15422`, `MESH:D009243`,
    `DOID:0060239`); a bare MeSH ID (`D009243`) is recognised by its shape. A bare number is no
    ID (it could be an Entrez ID), unless `id_type` says what a bare ID is (a record's `chebi`
    column, an old-format mention's `source: MESH`); an ID of another type than `id_type` is None.

        normalise_id("CHEBI:15422")        # 'chebi:15422'
        normalise_id("D009243")            # 'mesh:D009243'
        normalise_id("15846", id_type="chebi")  # 'chebi:15846'
        normalise_id("ATP")                # None: a name, not an ID
    """
    text = text.strip()
    prefixed = _PREFIXED.fullmatch(text)
    if prefixed:
        given, value = prefixed.group(1).lower(), prefixed.group(2).strip()
    elif id_type is not None:
        given, value = id_type, text
    elif _ID_PATTERNS[MESH].fullmatch(text):
        given, value = MESH, text
    else:
        return None
    if (id_type is not None and given != id_type) or given not in _ID_PATTERNS:
        return None
    if not _ID_PATTERNS[given].fullmatch(value):
        return None
    return f"{given}:{value.upper() if given == MESH else value}"


def id_type_of(entity_id: str) -> str:
    """The ID type of a normalised ID: `id_type_of("chebi:15422")` is 'chebi'."""
    return entity_id.partition(":")[0]


# The words of PFOCR's own file names for its chemical and disease libraries
# (pfocr-YYYYMMDD-chemical-gmt-<Genus_species>.gmt).
_NAMED_ENTITY = {"chemical": CHEMICALS, "disease": DISEASES}
_ENTITY_OF_ID_TYPE = {CHEBI: CHEMICALS, DOID: DISEASES}


def members_entity(members: list[str]) -> str | None:
    """The entity whose IDs (nearly) all `members` are: chemicals (ChEBI), diseases (DOID), MESH
    for MeSH IDs (which name chemicals and diseases alike), or None (genes)."""
    types = [id_type_of(entity_id) for member in members if (entity_id := normalise_id(member)) is not None]
    if not members or len(types) < 0.95 * len(members):
        return None
    top = max(set(types), key=types.count)
    return _ENTITY_OF_ID_TYPE.get(top, MESH) if types.count(top) >= 0.95 * len(members) else None


def library_entity(filename: str, path: Path | None = None, lines: int = 100) -> str:
    """What a user's GMT holds (genes, chemicals or diseases), for a library entry without a
    `type`: its members' IDs (the first `lines` lines of a local file), else its name.

    Raises InputError for MeSH IDs without a name that says which: give the entry a `type`.
    """
    named = next((entity for word, entity in _NAMED_ENTITY.items() if word in filename.lower()), None)
    members: list[str] = []
    if path is not None:
        # A sniff of the first lines, not a read: the GMT reader (gmt.py) reads the whole file later.
        with open(path, encoding="utf-8", errors="replace") as handle:
            for _, line in zip(range(lines), handle, strict=False):
                members += [cell for cell in line.rstrip("\n").split("\t")[2:] if cell.strip()]
    entity = members_entity(members)
    if entity == MESH:
        if named is None:
            raise InputError(
                f"{path or filename} holds MeSH IDs, which name chemicals and diseases alike; say which: "
                f"{{path: {path or filename}, type: chemicals}} (or diseases)."
            )
        return named
    return entity or named or GENES
