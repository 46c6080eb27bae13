"""Fetching a GMT library from an http(s) URL once, with its SHA-256 recorded."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from pathlib import Path

from pfocr_enrich.errors import InputError


def download(url: str, output: Path, checksum_file: Path, timeout: float = 60.0) -> str:
    """Download `url` to `output` and write `<sha256>  <file>  <url>` to `checksum_file`."""
    if not url.startswith(("http://", "https://")):
        raise InputError(f"enrichment.libraries: {url!r} is not an http(s) URL.")
    partial = output.with_name(output.name + ".part")
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(partial, "wb") as handle:  # noqa: S310
            while chunk := response.read(1 << 20):
                digest.update(chunk)
                handle.write(chunk)
    except (urllib.error.URLError, OSError) as err:
        partial.unlink(missing_ok=True)
        raise InputError(
            f"enrichment.libraries: could not download {url} ({err}). Check the URL and the network, "
            "or download the file yourself and give its path."
        ) from err
    partial.replace(output)
    checksum_file.write_text(f"{digest.hexdigest()}  {output.name}  {url}\n", encoding="utf-8")
    return digest.hexdigest()
