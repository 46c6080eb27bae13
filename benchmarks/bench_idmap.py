"""Benchmark: reading a human-size NCBI gene_info file into the ID mapper, and mapping lists with it.

    python benchmarks/bench_idmap.py                 # 200,000 genes, 1,000 lists of 300 names
    python benchmarks/bench_idmap.py --genes 60000

Input: a synthetic, seeded Homo_sapiens.gene_info.gz shaped like NCBI's (16 columns, dbXrefs,
descriptions and other designations of realistic length, 0-5 synonyms a gene; ~57 MB unpacked
for 200,000 genes, as NCBI's human file has ~193,000 rows). Timed, each the best of --repeat runs:
gunzip + decode, `read_id_table` (all of reading), `IdMapper.from_tables` (building the mapper),
`symbol_library` on a 20,000-gene symbol library, and mapping L lists to symbols and to Entrez.

Target (issue 13): reading the human file "well under a few seconds". Wall and CPU
(`time.process_time`) are both printed: on a shared machine wall time moves, CPU less.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pfocr_enrich.enrichment.idmap import IdMapper  # noqa: E402
from pfocr_enrich.enrichment.idtables import _read_text, read_id_table  # noqa: E402

HEADER = (
    "#tax_id\tGeneID\tSymbol\tLocusTag\tSynonyms\tdbXrefs\tchromosome\tmap_location\tdescription\t"
    "type_of_gene\tSymbol_from_nomenclature_authority\tFull_name_from_nomenclature_authority\t"
    "Nomenclature_status\tOther_designations\tModification_date\tFeature_type\n"
)


def write_gene_info(path: Path, n_genes: int, seed: int = 1) -> int:
    """A seeded synthetic human gene_info.gz; returns its unpacked size in bytes."""
    rng = random.Random(seed)
    lines = [HEADER]
    for gene in range(1, n_genes + 1):
        symbol = f"GENE{gene}"
        synonyms = "|".join(f"SYN{gene}X{j}" for j in range(rng.choice([0, 0, 1, 1, 2, 3, 5]))) or "-"
        xrefs = f"MIM:{100000 + gene}|HGNC:HGNC:{gene}|Ensembl:ENSG{gene:011d}|AllianceGenome:HGNC:{gene}"
        authority = symbol if gene % 3 else "-"  # a third without nomenclature authority, as ncRNAs and loci
        designations = "|".join(f"protein designation {j} of gene {gene}" for j in range(rng.choice([0, 1, 3]))) or "-"
        lines.append(
            f"9606\t{gene}\t{symbol}\t-\t{synonyms}\t{xrefs}\t{gene % 22 + 1}\t{gene % 22 + 1}q{gene % 40}.{gene % 9}\t"
            f"description of gene {gene}\tprotein-coding\t{authority}\tfull name of {symbol}\tO\t{designations}\t"
            "20240101\t-\n"
        )
    data = "".join(lines).encode()
    path.write_bytes(gzip.compress(data, compresslevel=6))
    return len(data)


def best_of(repeat: int, step: Callable[[], object]) -> tuple[float, float, object]:
    """(wall s, CPU s, result) of the fastest of `repeat` runs."""
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = step()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu, result))
    return min(runs, key=lambda run: run[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--genes", type=int, default=200_000)
    parser.add_argument("--lists", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Homo_sapiens.gene_info.gz"
        size = write_gene_info(path, args.genes)
        rows: list[tuple[str, str, str]] = []

        def timed(step: str, function: Callable[[], object]) -> object:
            wall, cpu, result = best_of(args.repeat, function)
            rows.append((step, f"{wall:.2f}", f"{cpu:.2f}"))
            return result

        timed("gunzip + decode", lambda: _read_text(path))
        table = timed("read_id_table", lambda: read_id_table(path))
        mapper = timed("IdMapper.from_tables", lambda: IdMapper.from_tables([table], "Homo sapiens"))
        genes = [f"GENE{g}" for g in range(1, min(args.genes, 20_000) + 1)]
        library = timed("symbol_library (20,000 genes)", lambda: mapper.symbol_library(genes))
        rng = random.Random(2)
        names = [f"SYN{g}X0" if g % 2 else f"GENE{g}" for g in range(1, args.genes + 1)]
        lists = [rng.sample(names, 300) for _ in range(args.lists)]
        timed(
            f"map {args.lists} lists of 300 to symbols", lambda: [mapper.map_genes(x, "symbol", library) for x in lists]
        )
        timed(f"map {args.lists} lists of 300 to Entrez", lambda: [mapper.map_genes(x) for x in lists])
    print(
        f"synthetic gene_info: {args.genes:,} genes, {len(table.rows):,} names, {size / 1e6:.0f} MB unpacked, "
        f"{path.name}; best of {args.repeat}\n"
    )
    print("| step | wall s | CPU s |\n|---|---|---|")
    for step, wall, cpu in rows:
        print(f"| {step} | {wall} | {cpu} |")
    print(
        f"\ncommand: python benchmarks/bench_idmap.py --genes {args.genes} --lists {args.lists} --repeat {args.repeat}"
    )


if __name__ == "__main__":
    main()
