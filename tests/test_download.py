"""Downloads: a file fetched once into a cache with its SHA-256, and no network told apart from a wrong URL."""

import hashlib
from pathlib import Path

import pytest
from builders import closed_port_url, serve

from pfocr_enrich.download import NetworkUnavailable, download, fetch
from pfocr_enrich.errors import InputError


def served_file(tmp_path: Path, name: str = "table.txt", text: str = "symbol\tentrez\nTP53\t7157\n") -> Path:
    folder = tmp_path / "served"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    return folder


def test_download_writes_the_file_and_its_checksum_with_the_url(tmp_path: Path):
    with serve(served_file(tmp_path)) as (base, _):
        digest = download(f"{base}/table.txt", tmp_path / "out/table.txt", tmp_path / "out/table.txt.sha256")
    data = (tmp_path / "out/table.txt").read_bytes()
    assert digest == hashlib.sha256(data).hexdigest()
    assert (tmp_path / "out/table.txt.sha256").read_text() == f"{digest}  table.txt  {base}/table.txt\n"


def test_fetch_downloads_once_and_then_uses_the_cache(tmp_path: Path):
    with serve(served_file(tmp_path)) as (base, requested):
        first, downloaded = fetch(f"{base}/table.txt", tmp_path / "cache")
        again, downloaded_again = fetch(f"{base}/table.txt", tmp_path / "cache")
    assert (first, downloaded, downloaded_again) == (again, True, False)
    assert requested == ["/table.txt"]


def test_fetch_downloads_again_when_the_cached_copy_changed(tmp_path: Path):
    with serve(served_file(tmp_path)) as (base, requested):
        path, _ = fetch(f"{base}/table.txt", tmp_path / "cache")
        path.write_text("cut sh")
        path, downloaded = fetch(f"{base}/table.txt", tmp_path / "cache")
    assert downloaded and len(requested) == 2
    assert path.read_text() == "symbol\tentrez\nTP53\t7157\n"


def test_no_network_is_its_own_error_naming_the_url(tmp_path: Path):
    url = closed_port_url("/Homo_sapiens.gene_info.gz")
    with pytest.raises(NetworkUnavailable, match=r"could not reach http://127\.0\.0\.1:\d+/Homo_sapiens.*network"):
        fetch(url, tmp_path / "cache", timeout=5)
    assert not any((tmp_path / "cache").glob("*"))  # nothing half-written is left to pass for a cached copy


def test_a_wrong_url_is_an_input_error_not_a_network_problem(tmp_path: Path):
    with serve(served_file(tmp_path)) as (base, _), pytest.raises(InputError, match=r"HTTP 404.*Check the URL") as err:
        download(f"{base}/missing.gmt", tmp_path / "missing.gmt", tmp_path / "missing.gmt.sha256")
    assert not isinstance(err.value, NetworkUnavailable)


def test_only_http_urls_are_downloaded(tmp_path: Path):
    with pytest.raises(InputError, match="not an http"):
        download("file:///etc/passwd", tmp_path / "x", tmp_path / "x.sha256")
