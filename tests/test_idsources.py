"""Where id_map's tables come from: `ncbi` per species, URLs cached once, and the records' table without network."""

import gzip
import logging
from pathlib import Path

import pytest
from builders import HUMAN_GENE_INFO, closed_port_url, gene_info, serve

from pfocr_enrich.enrichment.idsources import (
    FetchedIdTable,
    fetch_id_tables,
    is_available,
    is_remote_source,
    ncbi_gene_info_url,
    read_manifest,
    write_manifest,
)
from pfocr_enrich.errors import InputError


@pytest.mark.parametrize(
    ("species", "path"),
    [
        ("Homo sapiens", "Mammalia/Homo_sapiens.gene_info.gz"),
        ("Mus_musculus", "Mammalia/Mus_musculus.gene_info.gz"),
        ("Rattus norvegicus", "Mammalia/Rattus_norvegicus.gene_info.gz"),
        ("Danio rerio", "Non-mammalian_vertebrates/Danio_rerio.gene_info.gz"),
    ],
)
def test_ncbi_names_the_gene_info_file_of_each_species(species: str, path: str):
    assert ncbi_gene_info_url(species) == f"https://ftp.ncbi.nlm.nih.gov/gene/DATA/GENE_INFO/{path}"
    assert ncbi_gene_info_url(species, "http://127.0.0.1:1/base/") == f"http://127.0.0.1:1/base/{path}"


def test_species_without_a_known_ncbi_file_has_no_url():
    assert ncbi_gene_info_url("Ovis aries") is None


def test_remote_sources_are_ncbi_and_urls_not_paths():
    assert [is_remote_source(e) for e in ["ncbi", "https://x/y.txt", "tables/mine.tsv"]] == [True, True, False]


def ncbi_mirror(tmp_path: Path) -> Path:
    """A folder laid out as NCBI's GENE_INFO, holding a small human file."""
    folder = tmp_path / "GENE_INFO" / "Mammalia"
    folder.mkdir(parents=True)
    (folder / "Homo_sapiens.gene_info.gz").write_bytes(gzip.compress(gene_info(HUMAN_GENE_INFO).encode()))
    return tmp_path / "GENE_INFO"


def test_ncbi_is_downloaded_once_per_species_and_then_read_from_the_cache(tmp_path: Path):
    with serve(ncbi_mirror(tmp_path)) as (base, requested):
        (first,) = fetch_id_tables(["ncbi"], "Homo sapiens", tmp_path / "cache", base_url=base)
        (again,) = fetch_id_tables(["ncbi"], "Homo_sapiens", tmp_path / "cache", base_url=base)
    assert requested == ["/Mammalia/Homo_sapiens.gene_info.gz"]
    assert (first.status, again.status) == ("downloaded", "cached")
    assert first.path == again.path == str(tmp_path / "cache/Homo_sapiens.gene_info.gz")
    assert len(first.sha256) == 64 and first.url == f"{base}/Mammalia/Homo_sapiens.gene_info.gz"


def test_without_network_the_table_is_unavailable_and_the_log_says_the_records_table_is_used(tmp_path: Path, caplog):
    url = closed_port_url("/hgnc_complete_set.txt")
    with caplog.at_level(logging.WARNING):
        (fetched,) = fetch_id_tables([url], "Homo sapiens", tmp_path / "cache", timeout=5)
    assert not is_available(fetched) and fetched.status == "unavailable: no network"
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert url in line and "records' table only" in line


def test_ncbi_for_a_species_without_a_known_file_warns_with_the_fix(tmp_path: Path, caplog):
    with caplog.at_level(logging.WARNING):
        (fetched,) = fetch_id_tables(["ncbi"], "Ovis aries", tmp_path / "cache")
    assert not is_available(fetched)
    assert "Ovis aries" in caplog.text and "path or URL to id_map" in caplog.text


def test_a_local_path_is_listed_as_is_and_a_missing_one_is_an_error(tmp_path: Path):
    table = tmp_path / "mine.tsv"
    table.write_text("symbol\tentrez\nX\t1\n")
    (fetched,) = fetch_id_tables([str(table)], "Homo sapiens", tmp_path / "cache")
    assert (fetched.path, fetched.status) == (str(table), "local")
    with pytest.raises(InputError, match=r"id_map: .*nothere\.tsv does not exist"):
        fetch_id_tables([str(tmp_path / "nothere.tsv")], "Homo sapiens", tmp_path / "cache")


def test_manifest_round_trips(tmp_path: Path):
    tables = [
        FetchedIdTable("ncbi", "Homo sapiens", "http://h/x.gz", "cache/x.gz", "ab" * 32, "downloaded"),
        FetchedIdTable("http://h/y.txt", "Homo sapiens", "http://h/y.txt", "", "", "unavailable: no network"),
    ]
    write_manifest(tables, tmp_path / "id_tables/Homo_sapiens.tsv")
    assert read_manifest(tmp_path / "id_tables/Homo_sapiens.tsv") == tables
