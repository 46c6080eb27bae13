"""Rule download_library: fetch a GMT from a URL once and record its checksum."""

from pathlib import Path

from pfocr_enrich.download import download
from pfocr_enrich.logs import step_logging

with step_logging(snakemake.log[0]) as log:
    out = snakemake.output
    sha = download(snakemake.params.url, Path(out.gmt), Path(out.sha256))
    log.info("downloaded %s (sha256 %s)", snakemake.params.url, sha)
