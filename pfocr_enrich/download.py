"""Fetching a file from an http(s) URL once, with its SHA-256 recorded.

GMT libraries are downloaded as Snakemake outputs (`download`); the ID tables `id_map:` names
are kept in a cache that later runs reuse (`fetch`). pooch does the transfer (to a temporary
file, moved into place only when complete) and the hashing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

import pooch
import requests

from pfocr_enrich.errors import InputError


class NetworkUnavailable(InputError):
    """The server could not be reached (no network, name lookup, refused, timeout).

    A caller with a fallback catches this; a wrong URL (404) stays a plain InputError.
    """


def is_url(entry: str) -> bool:
    return entry.startswith(("http://", "https://"))


def download(
    url: str, output: Path, checksum_file: Path, timeout: float = 60.0, setting: str = "enrichment.libraries"
) -> str:
    """Download `url` to `output` and write `<sha256>  <file>  <url>` to `checksum_file`.

    `setting` names the config key the URL came from, for error messages.
    """
    if not is_url(url):
        raise InputError(f"{setting}: {url!r} is not an http(s) URL.")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.unlink(missing_ok=True)  # pooch would keep a file already there; this one is being replaced
    try:
        with _quiet_pooch():
            pooch.retrieve(
                url,
                known_hash=None,
                fname=output.name,
                path=output.parent,
                downloader=pooch.HTTPDownloader(timeout=timeout),
            )
    except (requests.ConnectionError, requests.Timeout) as err:
        raise NetworkUnavailable(
            f"{setting}: could not reach {url} ({_reason(err)}). Check the network, "
            "or download the file yourself and give its path."
        ) from err
    except requests.RequestException as err:
        raise InputError(
            f"{setting}: could not download {url} ({_reason(err)}). Check the URL, "
            "or download the file yourself and give its path."
        ) from err
    digest = pooch.file_hash(str(output))
    checksum_file.write_text(f"{digest}  {output.name}  {url}\n", encoding="utf-8")
    return digest


def fetch(url: str, cache_dir: Path, timeout: float = 60.0, setting: str = "id_map") -> tuple[Path, bool]:
    """`url`'s file in `cache_dir`, downloaded only when the cache lacks it; True if it was downloaded.

    The cache is keyed by URL: `<file>.sha256` records `<sha256>  <file>  <url>` (as for
    libraries), and the copy is used while it still has that checksum. A file changed or cut
    short since, or fetched from another URL, is downloaded again.
    """
    name = PurePosixPath(urlparse(url).path).name
    if not is_url(url) or not name:
        raise InputError(f"{setting}: {url!r} is not an http(s) URL of a file.")
    target = cache_dir / name
    checksum_file = target.with_name(name + ".sha256")
    if _is_cached(target, checksum_file, url):
        return target, False
    download(url, target, checksum_file, timeout, setting)
    return target, True


def recorded_checksum(checksum_file: Path) -> str:
    """The SHA-256 a `.sha256` file written by `download` records ("" if there is none)."""
    if not checksum_file.is_file():
        return ""
    fields = checksum_file.read_text(encoding="utf-8").split()
    return fields[0] if fields else ""


def _is_cached(target: Path, checksum_file: Path, url: str) -> bool:
    if not target.is_file() or not checksum_file.is_file():
        return False
    fields = checksum_file.read_text(encoding="utf-8").split()
    return fields[1:] == [target.name, url] and fields[0] == pooch.file_hash(str(target))


@contextmanager
def _quiet_pooch() -> Iterator[None]:
    # pooch logs each download and, without a known hash, advises pasting the hash into code:
    # advice for package authors, noise in a workflow log, which records the hash itself.
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _reason(err: requests.RequestException) -> str:
    """The useful part of a requests error ("[Errno 111] Connection refused", "404 Client Error")."""
    text = str(err)
    errno = re.search(r"\[Errno -?\d+\][^'\")]*", text)
    if errno:
        return errno[0].strip()
    if isinstance(err, requests.HTTPError) and err.response is not None:
        return f"HTTP {err.response.status_code} {err.response.reason}"
    return text[:200]
