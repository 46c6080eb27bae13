"""Where the ID tables `id_map:` names come from: paths, http(s) URLs and `ncbi`.

`ncbi` stands for NCBI's gene_info file of each species a run uses,
`<base URL>/<group>/<Genus_species>.gene_info.gz` (species.KNOWN_SPECIES; the base URL is a
parameter so tests serve files from 127.0.0.1). URLs are downloaded once into a cache with
their SHA-256 (download.fetch) and later runs use the cached copy. Without network a table
that could not be fetched is left out, saying so in one line: symbols then map through the
PFOCR records' table only.

Fetching runs once per species in a step that has network (cluster nodes often lack it) and
writes a manifest, one row a table (tables.ID_TABLES_COLUMNS), that enrichment jobs read.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from pathlib import Path

from pfocr_enrich.download import NetworkUnavailable, fetch, is_url, recorded_checksum
from pfocr_enrich.errors import InputError
from pfocr_enrich.species import known_species, species_token
from pfocr_enrich.tables import ID_TABLES_COLUMNS, write_tsv

log = logging.getLogger(__name__)

NCBI = "ncbi"
NCBI_GENE_INFO_BASE_URL = "https://ftp.ncbi.nlm.nih.gov/gene/DATA/GENE_INFO"
AVAILABLE = ("local", "cached", "downloaded")  # statuses with a file to read; else "unavailable"


@dataclass(frozen=True)
class FetchedIdTable:
    source: str  # the id_map entry: a path, a URL or "ncbi"
    species: str
    url: str  # "" for a path
    path: str  # the local file, "" when unavailable
    sha256: str  # of the downloaded file ("" for a path)
    status: str  # "local", "cached", "downloaded" or "unavailable: <why>"


def is_remote_source(entry: str) -> bool:
    """An id_map entry that needs the network: `ncbi` or an http(s) URL (not a path)."""
    return entry == NCBI or is_url(entry)


def ncbi_gene_info_url(species: str, base_url: str = NCBI_GENE_INFO_BASE_URL) -> str | None:
    """NCBI's gene_info file of `species` ("Homo sapiens" or "Homo_sapiens"), None for a species the table lacks."""
    known = known_species(species)
    if known is None:
        return None
    return f"{base_url.rstrip('/')}/{known.ncbi_group}/{species_token(known.name)}.gene_info.gz"


def fetch_id_tables(
    entries: Iterable[str],
    species: str,
    cache_dir: Path,
    base_url: str = NCBI_GENE_INFO_BASE_URL,
    timeout: float = 60.0,
) -> list[FetchedIdTable]:
    """The ID table of each `id_map` entry for `species`, downloading what the cache lacks.

    A table that can't be had for want of network (or, for `ncbi`, a species NCBI's folder
    table lacks) comes back `unavailable` after one log line; a wrong URL stops with an InputError.
    """
    fetched = []
    for entry in entries:
        if not is_remote_source(entry):
            if not Path(entry).is_file():
                raise InputError(f"id_map: {entry} does not exist. Fix the path in config.yaml.")
            fetched.append(FetchedIdTable(entry, species, "", entry, "", "local"))
            continue
        url = ncbi_gene_info_url(species, base_url) if entry == NCBI else entry
        if url is None:
            log.warning(
                "id_map: ncbi: no NCBI gene_info file is known for %s, so its symbols map through the PFOCR "
                "records' table only. Add its file's path or URL to id_map (%s/<group>/<Genus_species>.gene_info.gz).",
                species,
                base_url,
            )
            fetched.append(FetchedIdTable(entry, species, "", "", "", "unavailable: species not in NCBI's table"))
            continue
        try:
            path, downloaded = fetch(url, cache_dir, timeout)
        except NetworkUnavailable as err:
            log.warning(
                "%s Until then %s symbols map through the PFOCR records' table only (fewer genes map).", err, species
            )
            fetched.append(FetchedIdTable(entry, species, url, "", "", "unavailable: no network"))
            continue
        sha256 = recorded_checksum(path.with_name(path.name + ".sha256"))
        status = "downloaded" if downloaded else "cached"
        log.info("id_map: %s %s -> %s (sha256 %s)", status, url, path, sha256)
        fetched.append(FetchedIdTable(entry, species, url, str(path), sha256, status))
    return fetched


def write_manifest(fetched: Iterable[FetchedIdTable], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_tsv(path, ID_TABLES_COLUMNS, [astuple(table) for table in fetched])


def read_manifest(path: Path) -> list[FetchedIdTable]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    if not rows or tuple(rows[0]) != ID_TABLES_COLUMNS:
        expected = ", ".join(ID_TABLES_COLUMNS)
        raise InputError(f"ID table manifest {path}: the header is not {expected}. Delete it and rerun.")
    return [FetchedIdTable(*row) for row in rows[1:]]


def is_available(table: FetchedIdTable) -> bool:
    return table.status in AVAILABLE and bool(table.path)
