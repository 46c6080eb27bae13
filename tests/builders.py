"""Tiny PFOCR records and tables built in tests, where the real shared data lives, and how
tests run the workflow."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
# ../shared beside the clone; a git worktree elsewhere points at it with PFOCR_ENRICH_SHARED.
SHARED = Path(os.environ.get("PFOCR_ENRICH_SHARED", REPO.parent / "shared"))
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


def old_record(
    figid: str,
    genes: list[tuple[str, str, str, str]],
    title: str = "A pathway",
    chemicals: list[tuple[str, str]] = (),
    diseases: list[tuple[str, str]] = (),
    **extra: str,
) -> str:
    """An old-format record; genes as (word, source, hgnc_symbol, entrez), chemicals and diseases
    as (word, MeSH identifier) with `source: MESH`, as PFOCR wrote them."""
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
    for key, mentions in (("chemicals", chemicals), ("diseases", diseases)):
        lines.append(f"{key}:" if mentions else f"{key}: []")
        for word, identifier in mentions:
            lines += [f"- word: {word}", "  source: MESH", f"  identifier: {identifier}"]
    lines += ["---", ""]
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


# A small run: four human figures, one too small, one broken record, one mouse figure; two lists.
HUMAN_SETS = {
    "EX_IL6": [("IL6", "3569"), ("JAK1", "3716"), ("JAK2", "3717"), ("STAT3", "6774"), ("IL6R", "3570")],
    "EX_TNF": [("TNF", "7124"), ("TNFRSF1A", "7132"), ("TRADD", "8717"), ("RELA", "5970"), ("NFKB1", "4790")],
    "EX_WNT": [("WNT3A", "89780"), ("CTNNB1", "1499"), ("APC", "324"), ("AXIN1", "8312"), ("GSK3B", "2932")],
    "EX_PI3K": [("PIK3CA", "5290"), ("AKT1", "207"), ("MTOR", "2475"), ("PTEN", "5728"), ("PDK1", "5163")],
}


def make_records(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for figid, genes in HUMAN_SETS.items():
        (folder / f"{figid}.md").write_text(old_record(figid, hgnc(*genes), title=f"{figid} pathway"))
    (folder / "EX_SMALL.md").write_text(old_record("EX_SMALL", hgnc(("TP53", "7157"))))
    (folder / "broken.md").write_text("---\nfigid: [oops\n---\n")
    (folder / "_data").mkdir()
    (folder / "EX_MOUSE.md").write_text("---\nfigid: EX_MOUSE\nfigtitle: Mouse insulin\n---\n")
    rows = [
        ("Mus musculus", s, s, e, "ncbigene_symbol")
        for s, e in [("Insr", "16337"), ("Irs1", "16367"), ("Akt2", "11652"), ("Slc2a4", "20528")]
    ]
    (folder / "_data" / "EX_MOUSE-genes.tsv").write_text(genes_tsv(rows))
    return folder


def make_entity_records(folder: Path) -> Path:
    """make_records' figures with chemicals and diseases: inline MeSH lists in an old-format
    record, tables (NA, repeated and malformed rows) beside the mouse record, and a current
    record without genes whose 3 chemical words keep it in PFOCR."""
    make_records(folder)
    glycolysis = [("Glucose", "D005947"), ("ATP", "D000255"), ("glucose", "D005947")]
    (folder / "EX_PI3K.md").write_text(
        old_record("EX_PI3K", hgnc(*HUMAN_SETS["EX_PI3K"]), "EX_PI3K pathway", glycolysis, [("Diabetes", "D003920")])
    )
    chemicals = [
        ("Insulin", "mesh:D007328", "Insulin", "insulin", "chebi:5931"),
        ("Glucose", "mesh:D005947", "Glucose", "D-glucopyranose", "chebi:4167"),
        ("Lactate", "mesh:D019344", "NA", "NA", "NA"),
        ("glucose", "mesh:D005947", "Glucose", "D-glucopyranose", "chebi:4167"),
        ("Stroma", "NA", "NA", "NA", "NA"),
        ("ATP", "mesh:D000255", "Adenosine Triphosphate", "ATP", "CHEBI:15422x"),
    ]
    (folder / "_data/EX_MOUSE-chemicals.tsv").write_text(entity_tsv("chemicals", chemicals))
    diabetes = ("diabetes", "mesh:D003920", "Diabetes Mellitus", "diabetes mellitus", "doid:9351")
    (folder / "_data/EX_MOUSE-diseases.tsv").write_text(entity_tsv("diseases", [diabetes]))
    (folder / "EX_CHEM.md").write_text("---\nfigid: EX_CHEM\nfigtitle: TCA cycle metabolites\n---\n")
    tca = [
        ("citrate", "mesh:D019343", "Citric Acid", "citric acid", "chebi:30769"),
        ("succinate", "mesh:D013386", "Succinates", "succinate", "chebi:26806"),
        ("pyruvate", "mesh:D011773", "NA", "NA", "NA"),
    ]
    (folder / "_data/EX_CHEM-chemicals.tsv").write_text(entity_tsv("chemicals", tca))
    return folder


def make_lists(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "inflammation.txt").write_text("# cytokines\ngene\nIL6\njak1\nJAK2\nSTAT3\nTNF\nNOTAGENE\n1-Mar\n")
    (folder / "wnt.txt").write_text("89780\n1499\n324\n8312\n")
    return folder


GENE_INFO_HEADER = (
    "#tax_id\tGeneID\tSymbol\tLocusTag\tSynonyms\tdbXrefs\tchromosome\tmap_location\tdescription\t"
    "type_of_gene\tSymbol_from_nomenclature_authority\tFull_name_from_nomenclature_authority\t"
    "Nomenclature_status\tOther_designations\tModification_date\tFeature_type\n"
)


def gene_info(rows: list[tuple[str, str, str, str, str]]) -> str:
    """An NCBI gene_info file; rows as (tax_id, GeneID, Symbol, Synonyms, Symbol_from_nomenclature_authority)."""
    body = "".join(
        f"{tax}\t{gene}\t{symbol}\t-\t{synonyms}\tHGNC:HGNC:1\t1\t1p1\tsome gene\tprotein-coding\t{authority}\t"
        f"full name\tO\tother names\t20240101\t-\n"
        for tax, gene, symbol, synonyms, authority in rows
    )
    return GENE_INFO_HEADER + body


# A few human genes shaped as NCBI's Homo_sapiens.gene_info rows (synonyms as NCBI lists them, some abridged).
HUMAN_GENE_INFO = [
    ("9606", "7124", "TNF", "DIF|TNF-alpha|TNFA|TNFSF2|TNLG1F", "TNF"),
    ("9606", "7157", "TP53", "BCC7|LFS1|P53|TRP53", "TP53"),
    ("9606", "1956", "EGFR", "ERBB|ERBB1|HER1|NISBD2|PIG61|mENA", "EGFR"),
    ("9606", "2064", "ERBB2", "CD340|HER-2|HER2|MLN 19|NEU|NGL|TKR1|VSCN1", "ERBB2"),
    ("9606", "2920", "CXCL2", "CINC-2a|GRO2|GROb|MGSA-b|MIP-2a|MIP2|MIP2A|SCYB2", "CXCL2"),
    ("9606", "467", "ATF3", "-", "ATF3"),
    ("9606", "8870", "IER3", "DIF-2|DIF2|GLY96|IEX-1|IEX1|PRG1", "IER3"),
    ("9606", "55016", "MARCHF1", "MARCH-I|MARCH1|RNF171", "MARCHF1"),
]


@contextmanager
def serve(directory: Path) -> Iterator[tuple[str, list[str]]]:
    """Serve `directory` on 127.0.0.1: yields the base URL and the list of paths requested so far."""
    requested: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(directory), **kwargs)

        def do_GET(self):
            requested.append(self.path)
            super().do_GET()

        def log_message(self, *args):  # keep test output quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


def closed_port_url(path: str = "/file") -> str:
    """A 127.0.0.1 URL nothing listens on: connecting fails as it does without network."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def new_record(folder: Path, figid: str, rows: list[tuple[str, str, str, str, str]], **front: str) -> Path:
    """A current-format record in `folder`: `<figid>.md` and `_data/<figid>-genes.tsv` (rows as
    for genes_tsv); `front` adds front matter keys. Returns the record's path."""
    (folder / "_data").mkdir(parents=True, exist_ok=True)
    lines = ["---", f"figid: {figid}", f"figtitle: {figid} pathway", *(f"{k}: {v}" for k, v in front.items()), "---"]
    (folder / f"{figid}.md").write_text("\n".join(lines) + "\n")
    (folder / "_data" / f"{figid}-genes.tsv").write_text(genes_tsv(rows))
    return folder / f"{figid}.md"


ENTITY_TSV_HEADERS = {
    "chemicals": "word\tmesh\tmatch\tname\tchebi\n",
    "diseases": "word\tmesh\tmatch\tname\tdoid\n",
}


def entity_tsv(entity: str, rows: list[tuple[str, str, str, str, str]]) -> str:
    """A current-format chemicals or diseases table; rows as (word, mesh, match, name, chebi or
    doid), `NA` where a word has no ID, as PFOCR writes them."""
    return ENTITY_TSV_HEADERS[entity] + "".join("\t".join(row) + "\n" for row in rows)
