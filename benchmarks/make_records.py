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

Chemicals and diseases come at the rates of real records (sampled from the PFOCR database and
../shared): a current record has a `-chemicals.tsv` 70% of the time, of ~12 rows (1-40, the same
chemical named again often, 40% of rows without ChEBI ID), and a `-diseases.tsv` 22% of the
time, of ~3 rows (85% without DOID, a few without any ID); 10% of current records have
chemicals and no genes table (PFOCR keeps a figure for 3 chemical words). Old-format records
list fewer (2 of the 5 real ones have 1-3 chemicals, 1 has a disease): inline MeSH lists in 35%
(1-4 chemicals) and 20% (1-2 diseases). Chemicals and diseases are drawn from fixed
vocabularies, the common ones far more often (as ATP and glucose are). IDs are fake.
Output depends only on N and --seed, not on --jobs.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import textwrap
import time
from multiprocessing import Pool
from pathlib import Path

# ../shared beside the clone, or where PFOCR_ENRICH_SHARED points (a git worktree elsewhere), as the tests.
SHARED = Path(os.environ.get("PFOCR_ENRICH_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "pfocr"
DEFAULT_GMT = SHARED / "gmt" / "pfocr_hs_3sets_20210426.gmt"
NEW_FORMAT_SHARE = 0.05
N_FAMILIES = 1500
N_CHEMICALS, N_DISEASES = 4000, 1500
# Chemical and disease rates, by record format (see the module docstring).
CHEMICALS_SHARE = {"new": 0.70, "old": 0.35}
DISEASES_SHARE = {"new": 0.22, "old": 0.20}
CHEMICALS_ONLY_SHARE = 0.10  # of current records: chemicals and no genes table

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

# Set once per worker by _init: the GMT lines, gene families and chemical and disease
# vocabularies (with cumulative weights) every record draws from.
_LINES: list[tuple[str, list[str]]] = []
_FAMILIES: list[tuple[str, list[str]]] = []
_VOCABULARY: dict[str, tuple[list[tuple[str, str, str, str, str]], list[float]]] = {}


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


def make_vocabulary(entity: str, n: int, seed: int) -> tuple[list[tuple[str, str, str, str, str]], list[float]]:
    """(word, mesh, match, name, chebi or doid) rows, `NA` where the text mining found no
    ChEBI or DOID entry, and cumulative Zipf weights: entry k is drawn ~1/k as often as the first."""
    rng = random.Random(seed * 7 + len(entity))
    with_specific = 0.6 if entity == "chemicals" else 0.15
    rows = []
    for number in range(n):
        mesh = f"mesh:{'D' if number % 3 else 'C'}{100000 + number:06d}"
        if rng.random() < with_specific:
            specific = f"chebi:{10000 + number}" if entity == "chemicals" else f"doid:{1000000 + number:07d}"
            rows.append((f"{entity[:4].title()}{number}", mesh, f"Term {number}", f"{entity[:4]}-{number}", specific))
        else:
            rows.append((f"{entity[:4].title()}{number}", mesh, "NA", "NA", "NA"))
    weights, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1 / rank
        weights.append(total)
    return rows, weights


def _init(gmt_path: str, seed: int) -> None:
    global _LINES, _FAMILIES, _VOCABULARY
    _LINES = read_gmt_lines(Path(gmt_path))
    _FAMILIES = make_families(_LINES, seed)
    _VOCABULARY = {
        "chemicals": make_vocabulary("chemicals", N_CHEMICALS, seed),
        "diseases": make_vocabulary("diseases", N_DISEASES, seed),
    }


def entity_rows(rng: random.Random, entity: str, n: int) -> list[tuple[str, str, str, str, str]]:
    """`n` mentions of one figure: a few distinct entries, named again (sometimes in lower case)."""
    rows, weights = _VOCABULARY[entity]
    distinct = rng.choices(rows, cum_weights=weights, k=max(1, (n + 1) // 2))
    mentions = [rng.choice(distinct) for _ in range(n)]
    return [(word.lower(), *rest) if rng.random() < 0.2 else (word, *rest) for word, *rest in mentions]


def entity_mentions(rng: random.Random, record_format: str) -> dict[str, list[tuple[str, str, str, str, str]]]:
    """A figure's chemical and disease mentions (an entity absent: no key)."""
    mentions = {}
    if rng.random() < CHEMICALS_SHARE[record_format]:
        n = min(40, 1 + int(rng.expovariate(1 / 11))) if record_format == "new" else rng.randint(1, 4)
        mentions["chemicals"] = entity_rows(rng, "chemicals", n)
    if rng.random() < DISEASES_SHARE[record_format]:
        n = min(10, 1 + int(rng.expovariate(1 / 2))) if record_format == "new" else rng.randint(1, 2)
        rows = entity_rows(rng, "diseases", n)
        # a few rows without any ID, as "Stroma" in a real table
        mentions["diseases"] = [("Stroma", "NA", "NA", "NA", "NA") if rng.random() < 0.05 else r for r in rows]
    return mentions


def inline_entities(mentions: dict[str, list[tuple[str, str, str, str, str]]]) -> str:
    """Old-format `chemicals:` and `diseases:` lists: word, source MESH, bare MeSH ID."""
    text = []
    for entity in ("chemicals", "diseases"):
        rows = mentions.get(entity)
        if not rows:
            text.append(f"{entity}: []\n")
            continue
        text.append(f"{entity}:\n")
        text += [
            f"- word: {word}\n  source: MESH\n  identifier: {mesh.removeprefix('mesh:')}\n" for word, mesh, *_ in rows
        ]
    return "".join(text)


ENTITY_TSV_HEADERS = {"chemicals": "word\tmesh\tmatch\tname\tchebi\n", "diseases": "word\tmesh\tmatch\tname\tdoid\n"}


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


def record_texts(index: int, seed: int) -> tuple[str, str, dict[str, str]]:
    """(figid, record text, current-format tables by kind: genes, chemicals, diseases) of record
    `index`; depends only on (index, seed)."""
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
    entities = entity_mentions(rng, "new" if new_format else "old")

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
        tables = {
            entity: ENTITY_TSV_HEADERS[entity] + "".join("\t".join(row) + "\n" for row in rows)
            for entity, rows in entities.items()
        }
        if "chemicals" in entities and rng.random() < CHEMICALS_ONLY_SHARE / CHEMICALS_SHARE["new"]:
            return figid, "".join(head) + "---\n", tables  # kept by PFOCR for its chemicals alone
        tsv = [NEW_TSV_HEADER]
        for word, _, source, symbol, entrez in mentions:
            n = rng.randint(1, 9)
            tsv.append(
                f"9606\tHomo sapiens\tMammals\t{word}\t{word}\t{symbol}\t{entrez}\t{NEW_SOURCE[source]}\t{n}\t0\t{n}\n"
            )
        return figid, "".join(head) + "---\n", {"genes": "".join(tsv), **tables}
    body = [
        f"- word: {word}\n  symbol: {symbol}\n  source: {source}\n  hgnc_symbol: {hgnc}\n  entrez: '{entrez}'\n"
        for word, symbol, source, hgnc, entrez in mentions
    ]
    return figid, "".join([*head, "genes:\n", *body, inline_entities(entities), "---\n"]), {}


def write_range(task: tuple[int, int, int, str]) -> tuple[int, int, int]:
    """Write records start..stop-1; returns (records, new-format records, bytes)."""
    start, stop, seed, outdir = task
    out, data_dir = Path(outdir), Path(outdir) / "_data"
    n_new = n_bytes = 0
    for index in range(start, stop):
        figid, text, tables = record_texts(index, seed)
        encoded = text.encode("utf-8")
        (out / f"{figid}.md").write_bytes(encoded)
        n_bytes += len(encoded)
        for kind, table in tables.items():
            (data_dir / f"{figid}-{kind}.tsv").write_text(table, encoding="utf-8")
        n_new += "genes:" not in text
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
    parser.add_argument(
        "outdir", type=Path, help="folder to write <figid>.md and _data/<figid>-{genes,chemicals,diseases}.tsv into"
    )
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
