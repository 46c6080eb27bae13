"""Tiny PFOCR records and tables built in tests, and where the real shared data lives."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


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
