"""Generate N synthetic PFOCR figure records for benchmarks, shaped like the real ones.

    python benchmarks/make_records.py 91000 /tmp/records

Each record takes its genes from one line of PFOCR's 2021 human GMT (cycled with new figids
past 27,164 records), so under PFOCR's "hgnc3" rule (sources [hgnc_symbol], min_genes 3) the
first 27,164 records rebuild that GMT's gene lists. Around them each record carries what makes
real records ~5-10 KB and slow to parse: a caption, a schema-jsonld block repeating it, a
keywords list, and 2-3x more gene mentions than unique genes (repeated mentions, aliases,
previous symbols, family words expanded to every member). The text is generated, not copied.

About 5% of records are in the 2023+ format: front matter without genes plus
`_data/<figid>-genes.tsv`. Symbols are fake and deterministic: Entrez 7157 is `G7157`.
Output depends only on N and --seed, not on --jobs.
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
import time
from multiprocessing import Pool
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "pfocr"
DEFAULT_GMT = SHARED / "gmt" / "pfocr_hs_3sets_20210426.gmt"
NEW_FORMAT_SHARE = 0.05
N_FAMILIES = 1500

WORDS = (
    "signaling pathway activation receptor kinase phosphorylation transcription cell proliferation "
    "apoptosis inflammation cytokine secretion binding complex mitochondria metabolism glucose insulin "
    "tumor growth migration invasion expression regulation downstream upstream target inhibition "
    "induced mediated cascade response stress oxidative DNA damage repair cycle arrest survival "
    "differentiation stem immune T lymphocyte macrophage endothelial angiogenesis hypoxia autophagy "
    "lysosome membrane nuclear translocation ubiquitin degradation feedback loop crosstalk"
).split()
JOURNALS = ("J Biol Chem", "Front Immunol", "Cell Rep", "PLoS One", "Oncotarget", "Sci Rep", "Nat Commun")
NEW_TSV_HEADER = (
    "organism_id\torganism_name\torganism_group\tword\tmatch\tncbigene_symbol\tncbigene_id\tsource\t"
    "count_direct\tcount_synonym\tcount_match\n"
)
NEW_SOURCE = {
    "hgnc_symbol": "ncbigene_symbol",
    "hgnc_alias_symbol": "ncbigene_synonym",
    "hgnc_prev_symbol": "ncbigene_synonym",
    "bioentities_symbol": "famplex_relations",
}

# Set once per worker by _init: the GMT lines and gene families every record draws from.
_LINES: list[tuple[str, list[str]]] = []
_FAMILIES: list[tuple[str, list[str]]] = []


def read_gmt_lines(path: Path) -> list[tuple[str, list[str]]]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        fields = raw.split("\t")
        if len(fields) > 2:
            lines.append((fields[0].removesuffix(".jpg"), fields[2:]))
    return lines


def make_families(lines: list[tuple[str, list[str]]], seed: int) -> list[tuple[str, list[str]]]:
    """Gene families (a word like "FAM12" standing for 2-8 genes), as bioentities expands them."""
    genes = sorted({gene for _, genes in lines for gene in genes}, key=int)
    rng = random.Random(seed)
    return [(f"FAM{number}", sorted(rng.sample(genes, rng.randint(2, 8)), key=int)) for number in range(N_FAMILIES)]


def _init(gmt_path: str, seed: int) -> None:
    global _LINES, _FAMILIES
    _LINES = read_gmt_lines(Path(gmt_path))
    _FAMILIES = make_families(_LINES, seed)


def sentence(rng: random.Random, n_words: int) -> str:
    words = rng.choices(WORDS, k=n_words)
    return " ".join(words).capitalize() + "."


def folded(key: str, text: str, indent: int) -> str:
    """A long plain YAML scalar wrapped like PyYAML writes it (continuation lines indented)."""
    pad = " " * indent
    lines = textwrap.wrap(f"{key}: {text}", width=88 - indent)
    return pad + lines[0] + "\n" + "".join(f"{pad}  {line}\n" for line in lines[1:])


def gene_mentions(rng: random.Random, genes: list[str]) -> list[tuple[str, str, str, str, str]]:
    """(word, symbol, source, hgnc_symbol, entrez) rows: ~2.5x more mentions than unique genes."""
    mentions = [(f"G{g}", f"G{g}", "hgnc_symbol", f"G{g}", g) for g in genes]
    for g in genes:
        for _ in range(rng.choice((0, 1, 1, 2))):  # the same gene named again on the figure
            mentions.append((f"G{g}", f"G{g}", "hgnc_symbol", f"G{g}", g))
        if rng.random() < 0.5:
            mentions.append((f"A{g}X", f"A{g}X", "hgnc_alias_symbol", f"G{g}", g))
        if rng.random() < 0.15:
            mentions.append((f"P{g}", f"P{g}", "hgnc_prev_symbol", f"G{g}", g))
    for family, members in rng.sample(_FAMILIES, rng.randint(1, 4)):
        for _ in range(rng.choice((1, 2, 2, 3))):  # a family word may appear several times
            mentions.extend((family, family, "bioentities_symbol", f"G{m}", m) for m in members)
    rng.shuffle(mentions)
    return mentions


def record_texts(index: int, seed: int) -> tuple[str, str, str | None]:
    """(figid, record text, genes TSV or None) of record `index`; depends only on (index, seed)."""
    rng = random.Random(seed * 1_000_003 + index)
    base, genes = _LINES[index % len(_LINES)]
    cycle = index // len(_LINES)
    figid = base if cycle == 0 else f"{base}-r{cycle}"
    pmcid, _, image = figid.partition("__")
    year = rng.randint(1998, 2021)
    caption = " ".join(sentence(rng, rng.randint(10, 22)) for _ in range(rng.randint(5, 10)))
    papertitle = sentence(rng, rng.randint(6, 14))
    figtitle = papertitle.rstrip(".")
    reftext = f"Author {rng.randint(1, 999)}, et al. {rng.choice(JOURNALS)}. {year};{rng.randint(1, 60)}:{index}."
    mentions = gene_mentions(rng, genes)
    keywords = list(dict.fromkeys(m[3] for m in mentions))
    new_format = rng.random() < NEW_FORMAT_SHARE

    head = [
        "---\n",
        f"figid: {figid}\n",
        f"figlink: /pmc/articles/{pmcid}/figure/F{rng.randint(1, 9)}/\n",
        "number: Fig.\n",
        folded("caption", caption, 0),
        f"pmcid: {pmcid}\n",
        folded("papertitle", papertitle, 0),
        f"reftext: {reftext}\n",
        f"pmc_ranked_result_index: '{rng.randint(1, 99999)}'\n",
        f"pathway_score: {rng.random():.7f}\n",
        f"filename: {image}.jpg\n",
        folded("figtitle", figtitle, 0),
        f"year: '{year}'\n",
        "organisms:\n- Homo sapiens\n" if new_format else "organisms: Homo sapiens\n",
        f"ndex: {rng.getrandbits(128):032x}\n",
        "annotations: []\n",
        "seo: CreativeWork\n",
        "schema-jsonld:\n",
        "  '@context': https://schema.org/\n",
        f"  '@id': https://pfocr.wikipathways.org/figures/{figid}.html\n",
        "  '@type': Dataset\n",
        folded("description", caption, 2),
        "  license: CC0\n",
        "  name: CreativeWork\n",
        "  creator:\n    '@type': Organization\n    name: WikiPathways\n",
        "  keywords:\n",
        *(f"  - {k}\n" for k in keywords),
    ]
    if new_format:
        tsv = [NEW_TSV_HEADER]
        for word, _, source, symbol, entrez in mentions:
            n = rng.randint(1, 9)
            tsv.append(
                f"9606\tHomo sapiens\tMammals\t{word}\t{word}\t{symbol}\t{entrez}\t{NEW_SOURCE[source]}\t{n}\t0\t{n}\n"
            )
        return figid, "".join(head) + "---\n", "".join(tsv)
    body = [
        f"- word: {word}\n  symbol: {symbol}\n  source: {source}\n  hgnc_symbol: {hgnc}\n  entrez: '{entrez}'\n"
        for word, symbol, source, hgnc, entrez in mentions
    ]
    return figid, "".join([*head, "genes:\n", *body, "chemicals: []\ndiseases: []\n---\n"]), None


def write_range(task: tuple[int, int, int, str]) -> tuple[int, int, int]:
    """Write records start..stop-1; returns (records, new-format records, bytes)."""
    start, stop, seed, outdir = task
    out, data_dir = Path(outdir), Path(outdir) / "_data"
    n_new = n_bytes = 0
    for index in range(start, stop):
        figid, text, tsv = record_texts(index, seed)
        encoded = text.encode("utf-8")
        (out / f"{figid}.md").write_bytes(encoded)
        n_bytes += len(encoded)
        if tsv is not None:
            (data_dir / f"{figid}-genes.tsv").write_text(tsv, encoding="utf-8")
            n_new += 1
    return stop - start, n_new, n_bytes


def make_records(n: int, outdir: Path, gmt: Path, seed: int = 1, jobs: int = 2) -> dict[str, float]:
    """Write N records into `outdir` (and `outdir/_data`); returns counts and timings."""
    (outdir / "_data").mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    step = 2000
    tasks = [(start, min(start + step, n), seed, str(outdir)) for start in range(0, n, step)]
    with Pool(jobs, initializer=_init, initargs=(str(gmt), seed)) as pool:
        parts = pool.map(write_range, tasks, chunksize=1)
    return {
        "records": sum(p[0] for p in parts),
        "new_format": sum(p[1] for p in parts),
        "mean_bytes": sum(p[2] for p in parts) / max(n, 1),
        "seconds": time.monotonic() - started,
    }


def check_shared(*paths: Path) -> None:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        sys.exit(
            f"error: shared PFOCR data not found: {', '.join(missing)}. The benchmarks read "
            "../shared/pfocr/ beside the project (see /work/shared/pfocr/README.md); pass --gmt to point elsewhere."
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of records, e.g. 91000 (PFOCR's size)")
    parser.add_argument("outdir", type=Path, help="folder to write <figid>.md and _data/<figid>-genes.tsv into")
    parser.add_argument("--gmt", type=Path, default=DEFAULT_GMT, help="GMT whose lines give the genes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (output does not depend on it)")
    args = parser.parse_args(argv)
    check_shared(args.gmt)
    if args.n < 1:
        parser.error("n must be at least 1")
    stats = make_records(args.n, args.outdir, args.gmt, args.seed, args.jobs)
    print(
        f"wrote {stats['records']:.0f} records ({stats['new_format']:.0f} new-format) to {args.outdir}, "
        f"mean {stats['mean_bytes'] / 1024:.1f} KB a record file, in {stats['seconds']:.1f} s"
    )
    print("command: " + " ".join(["python", *sys.argv]))


if __name__ == "__main__":
    main()
