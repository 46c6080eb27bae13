"""Tiny PFOCR records and tables built in tests, where the real shared data lives, and how
tests run the workflow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SNAKEMAKE = [sys.executable, "-m", "snakemake"]


def run_snakemake(workdir: Path, *args: str, config: dict | None = None) -> subprocess.CompletedProcess:
    """The workflow in `workdir` on 2 cores: config.yaml, overridden by `config` (written to
    workdir/override.yaml) or, without it, by an override.yaml an earlier run left there."""
    workdir.mkdir(parents=True, exist_ok=True)
    override = workdir / "override.yaml"
    if config:
        override.write_text(yaml.safe_dump(config))
    configs = [str(REPO / "config.yaml"), *([str(override)] if override.exists() else [])]
    command = [
        *SNAKEMAKE,
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--cores",
        "2",
        *args,
        "--configfile",
        *configs,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def old_record(figid: str, genes: list[tuple[str, str, str, str]], title: str = "A pathway", **extra: str) -> str:
    """An old-format record; genes as (word, source, hgnc_symbol, entrez)."""
    lines = ["---", f"figid: {figid}", f"figtitle: {title!r}" if title else "figtitle: ''"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    lines.append("genes:")
    for word, source, symbol, entrez in genes:
        lines += [
            f"- word: {word}",
            f"  symbol: {word}",
            f"  source: {source}",
            f"  hgnc_symbol: {symbol}",
            f"  entrez: '{entrez}'",
        ]
    lines += ["chemicals: []", "---", ""]
    return "\n".join(lines)


def hgnc(*pairs: tuple[str, str]) -> list[tuple[str, str, str, str]]:
    """Mentions matched on official symbols: (symbol, entrez) pairs."""
    return [(symbol, "hgnc_symbol", symbol, entrez) for symbol, entrez in pairs]


GENES_TSV_HEADER = (
    "organism_id\torganism_name\torganism_group\tword\tmatch\tncbigene_symbol\tncbigene_id\t"
    "source\tcount_direct\tcount_synonym\tcount_match\n"
)


def genes_tsv(rows: list[tuple[str, str, str, str, str]]) -> str:
    """New-format genes table; rows as (organism_name, word, symbol, entrez, source)."""
    body = "".join(f"1\t{sp}\tgroup\t{word}\t{word}\t{sym}\t{ez}\t{src}\t1\t0\t1\n" for sp, word, sym, ez, src in rows)
    return GENES_TSV_HEADER + body


def new_record(folder: Path, figid: str, rows: list[tuple[str, str, str, str, str]], **front: str) -> Path:
    """A current-format record in `folder`: `<figid>.md` and `_data/<figid>-genes.tsv` (rows as
    for genes_tsv); `front` adds front matter keys. Returns the record's path."""
    (folder / "_data").mkdir(parents=True, exist_ok=True)
    lines = ["---", f"figid: {figid}", f"figtitle: {figid} pathway", *(f"{k}: {v}" for k, v in front.items()), "---"]
    (folder / f"{figid}.md").write_text("\n".join(lines) + "\n")
    (folder / "_data" / f"{figid}-genes.tsv").write_text(genes_tsv(rows))
    return folder / f"{figid}.md"
