"""Benchmark: our over-representation analysis against GSEApy's offline `enrich`, then end to end.

    python benchmarks/bench_enrichment.py                       # 1,000 lists, 3 through GSEApy
    python benchmarks/bench_enrichment.py --lists 100 --no-workflow

Library: PFOCR's 2021 human GMT (27,164 sets). Lists: L seeded random 200-gene lists of Entrez
IDs, half drawn from 3 random sets (so there is signal), half from the library's other genes.

Same statistics on both sides. `gseapy.enrich(gene_list, gene_sets=<dict>, background=None)`
uses every gene of the library as the universe (`Enrichr.parse_background`), keeps only list
genes in it, tests every set with at least one list gene (it has no set-size filter) with
scipy's hypergeom.sf, and BH-adjusts over those sets. Ours matches that with the universe
"annotated", Settings(min_set_size=1, max_set_size=no limit, count_tests="overlapping").
GSEApy gets the library as a dict read once, so neither side pays for reading the GMT per list;
our library load (GMT -> sparse matrix) is timed and reported separately.

Then the workflow: the L lists as one TSV (`list`, `gene`), `snakemake --cores 2` with default
enrichment settings against that GMT, targets summary.tsv, significant.tsv and unmapped.tsv
(so every per-list table is written; the report stage's plots are not part of this target);
records point at the few shared records so the GMT part is trivial.

Targets (issue): ours >= 500x faster per list; p and adjusted p within 1e-9 relative;
1,000 lists end to end <= 60 s wall with --cores 2, peak memory < 2 GB.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_records import run_workflow  # noqa: E402
from make_records import DEFAULT_GMT, SHARED, check_shared  # noqa: E402

from pfocr_enrich.enrichment.engine import Settings, enrich_batch, load_library, make_universe  # noqa: E402
from pfocr_enrich.gmt import read_gmt  # noqa: E402

LIST_SIZE = 200
BATCH = 50  # lists per enrich_batch call, as batch.run_chunk does
# The enrichment outputs (they need every per-list table); the report stage after them (plots,
# pages) is not part of this target.
ENRICHMENT_TARGETS = (
    "results/enrichment/summary.tsv",
    "results/enrichment/significant.tsv",
    "results/enrichment/unmapped.tsv",
)
_LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


def draw_lists(gmt: Path, n_lists: int, seed: int) -> dict[str, list[str]]:
    """n_lists lists of LIST_SIZE unique Entrez IDs: half from 3 random sets, half from the rest."""
    sets = [gs.genes for gs in read_gmt(gmt).sets]
    all_genes = np.array(sorted({g for genes in sets for g in genes}, key=int))
    rng = np.random.default_rng(seed)
    lists = {}
    for number in range(n_lists):
        chosen = rng.choice(len(sets), size=3, replace=False)
        signal = sorted({g for i in chosen for g in sets[i]}, key=int)
        signal = list(rng.permutation(signal)[: LIST_SIZE // 2])
        taken = set(signal)
        rest = [g for g in rng.permutation(all_genes)[: LIST_SIZE * 2] if g not in taken]
        lists[f"list{number:04d}"] = signal + rest[: LIST_SIZE - len(signal)]
    return lists


def run_ours(
    library, lists: dict[str, list[str]], settings: Settings, keep: set[str] | None = None
) -> tuple[float, float, dict[str, pd.DataFrame]]:
    """Wall and CPU seconds of enrich_batch over `lists` in batches, as the enrichment jobs run
    it, and the tables of the lists in `keep` (all when None). Timed: the engine's result, every
    column of every row with genes and sets as indices (what the writers take); the tables with
    text of the kept lists are built after the clock stops. Like the workflow, which writes each
    batch and drops it, the loop does not hold 1,000 tables (~1.5 GB of strings) in memory."""
    universe = make_universe(library, settings, None)
    names = list(lists)
    kept_batches = []
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(names), BATCH):
        part = {name: (lists[name], len(lists[name])) for name in names[start : start + BATCH]}
        result = enrich_batch(library, part, settings, universe)
        if keep is None or keep & set(part):
            kept_batches.append(result)
    elapsed, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    tables = {r.name: r.table for batch in kept_batches for r in batch.list_results() if keep is None or r.name in keep}
    return elapsed, cpu_s, tables


def relative_difference(ours: np.ndarray, theirs: np.ndarray) -> float:
    both_zero = (ours == 0) & (theirs == 0)
    scale = np.maximum(np.abs(ours), np.abs(theirs))
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = np.where(both_zero, 0.0, np.abs(ours - theirs) / scale)
    return float(diff.max()) if diff.size else 0.0


def compare(gseapy_tables: dict[str, pd.DataFrame], our_tables: dict[str, pd.DataFrame]) -> dict[str, float]:
    rows = p_diff = padj_diff = 0.0
    mismatched_sets = 0
    for name, theirs in gseapy_tables.items():
        ours = our_tables[name].set_index("set_id")
        theirs = theirs.set_index("Term")
        mismatched_sets += len(set(ours.index) ^ set(theirs.index))
        common = ours.index.intersection(theirs.index)
        rows += len(common)
        overlap = theirs.loc[common, "Overlap"].str.split("/").str[0].astype(int).to_numpy()
        if not np.array_equal(overlap, ours.loc[common, "overlap"].to_numpy()):
            mismatched_sets += 1
        p_diff = max(
            p_diff, relative_difference(ours.loc[common, "pvalue"].to_numpy(), theirs.loc[common, "P-value"].to_numpy())
        )
        padj_diff = max(
            padj_diff,
            relative_difference(ours.loc[common, "padj"].to_numpy(), theirs.loc[common, "Adjusted P-value"].to_numpy()),
        )
    return {"rows": rows, "p": p_diff, "padj": padj_diff, "mismatched": mismatched_sets}


def log_span(paths: list[Path]) -> float:
    stamps = [
        datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f")
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if (m := _LOG_TIME.match(line))
    ]
    return (max(stamps) - min(stamps)).total_seconds() if stamps else 0.0


def workflow_overrides(lists_tsv: Path, gmt: Path, records: Path) -> str:
    return (
        f"records: {records}\n"
        f"lists: {lists_tsv}\n"
        "release: bench\n"
        "shards: 2\n"
        "enrichment:\n"
        f"  libraries: [{gmt}]\n"
        "  species: Homo sapiens\n"
        "  universe: annotated\n"
        "  min_set_size: 3\n"
        "  max_set_size: 500\n"
        "  correction: fdr_bh\n"
        "  count_tests: all\n"
        "  alpha: 0.05\n"
        "  lists_per_job: 250\n"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lists", type=int, default=1000, help="lists for our per-list time and the workflow")
    parser.add_argument("--gseapy-lists", type=int, default=3, help="lists run through GSEApy (~5 s each)")
    parser.add_argument("--gmt", type=Path, default=DEFAULT_GMT)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a new temporary folder)")
    parser.add_argument("--no-workflow", action="store_true", help="skip the end-to-end snakemake run")
    args = parser.parse_args(argv)
    records = SHARED / "records"
    check_shared(args.gmt, records)
    if args.gseapy_lists > args.lists:
        parser.error("--gseapy-lists must not exceed --lists")
    import gseapy

    logging.getLogger("gseapy").setLevel(logging.ERROR)
    lists = draw_lists(args.gmt, args.lists, args.seed)
    print(f"library {args.gmt.name}; {len(lists)} lists of {LIST_SIZE} Entrez IDs (seed {args.seed})")

    started, cpu = time.perf_counter(), time.process_time()
    library = load_library(args.gmt)
    load_s, load_cpu = time.perf_counter() - started, time.process_time() - cpu
    # GSEApy's statistics and its table (no figure clustering, which GSEApy does not do: its
    # cost is timed separately below).
    settings = Settings(min_set_size=1, max_set_size=10**9, count_tests="overlapping", cluster_jaccard=None)
    print(
        f"ours: library load {load_s:.2f} s, CPU {load_cpu:.2f} s "
        f"({len(library.set_ids)} sets x {len(library.genes)} genes)"
    )

    gmt_dict = {gs.name: list(gs.genes) for gs in read_gmt(args.gmt).sets}
    few = dict(list(lists.items())[: args.gseapy_lists])
    gseapy_tables = {}
    started, cpu = time.perf_counter(), time.process_time()
    for name, genes in few.items():
        result = gseapy.enrich(gene_list=genes, gene_sets=gmt_dict, background=None, outdir=None, no_plot=True)
        gseapy_tables[name] = result.res2d
    gseapy_per_list = (time.perf_counter() - started) / len(few)
    gseapy_cpu = (time.process_time() - cpu) / len(few)
    print(f"GSEApy {gseapy.__version__}: {gseapy_per_list:.2f} s a list, CPU {gseapy_cpu:.2f} s ({len(few)} lists)")

    few_s, few_cpu, few_tables = run_ours(library, few, settings)
    many_s, many_cpu, many_tables = run_ours(library, lists, settings, keep=set(few))
    ours_per_list, ours_cpu = many_s / len(lists), many_cpu / len(lists)
    ours_amortised = (many_s + load_s) / len(lists)
    ours_cpu_amortised = (many_cpu + load_cpu) / len(lists)
    print(
        f"ours: {few_s:.3f} s ({few_cpu:.3f} s CPU) for the {len(few)} GSEApy lists; "
        f"{many_s:.2f} s ({many_cpu:.2f} s CPU) for {len(lists)} lists"
    )
    clustered_s, clustered_cpu, _ = run_ours(library, lists, replace(settings, cluster_jaccard=0.5), keep=set())
    print(
        f"ours with the redundancy clusters (report.cluster_jaccard 0.5): {clustered_s / len(lists) * 1000:.1f} ms "
        f"a list ({clustered_cpu / len(lists) * 1000:.1f} ms CPU), {gseapy_per_list / (clustered_s / len(lists)):,.0f}x"
    )
    diffs = compare(gseapy_tables, few_tables)
    assert all(few_tables[n].equals(many_tables[n]) for n in few), "batching changed a result"

    e2e = None
    if not args.no_workflow:
        work = args.workdir or Path(tempfile.mkdtemp(prefix="pfocr_bench_enrichment_"))
        work.mkdir(parents=True, exist_ok=True)
        lists_tsv = work / f"lists_{len(lists)}.tsv"
        pd.DataFrame(
            [(name, gene) for name, genes in lists.items() for gene in genes], columns=["list", "gene"]
        ).to_csv(lists_tsv, sep="\t", index=False)
        scratch = work / "workflow"
        e2e = run_workflow(scratch, workflow_overrides(lists_tsv, args.gmt, records), ENRICHMENT_TARGETS)
        logs = scratch / "logs"
        enrich_logs = sorted((logs / "enrich_chunk").rglob("*.log"))
        e2e["enrich_span"] = log_span(
            enrich_logs
            + sorted((logs / "enrichment_tables").glob("*.log"))
            + [logs / "enrichment_summary" / "enrichment_summary.log"]
        )
        e2e["chunk_max"] = max(log_span([p]) for p in enrich_logs)
        e2e["n_tables"] = len(list((scratch / "results" / "enrichment" / args.gmt.stem).glob("list*.tsv")))
        e2e["n_chunks"] = len(enrich_logs)
        print(f"workflow command: {e2e['command']}")
        print(f"workflow log: {e2e['log']}")

    print()
    print("| metric | wall | CPU | target |")
    print("|---|---|---|---|")
    print(f"| GSEApy `enrich`, a list (mean of {len(few)}) | {gseapy_per_list:.2f} s | {gseapy_cpu:.2f} s | |")
    print(
        f"| ours, a list ({len(lists)} lists, library loaded once) | {ours_per_list * 1000:.2f} ms "
        f"| {ours_cpu * 1000:.2f} ms | <= 2 ms |"
    )
    print(
        f"| ours, a list incl. library load amortised over {len(lists)} | {ours_amortised * 1000:.1f} ms "
        f"| {ours_cpu_amortised * 1000:.1f} ms | |"
    )
    print(f"| ours, library load (once per job) | {load_s:.2f} s | {load_cpu:.2f} s | |")
    print(
        f"| speed-up GSEApy / ours (load excluded) | {gseapy_per_list / ours_per_list:,.0f}x "
        f"| {gseapy_cpu / ours_cpu:,.0f}x | >= 500x |"
    )
    print(
        f"| speed-up GSEApy / ours (load amortised) | {gseapy_per_list / ours_amortised:,.0f}x "
        f"| {gseapy_cpu / ours_cpu_amortised:,.0f}x | >= 500x |"
    )
    print()
    print("| metric | value | target |")
    print("|---|---|---|")
    print(f"| (list, set) rows compared; sets in one table only | {diffs['rows']:.0f}; {diffs['mismatched']} | 0 |")
    print(f"| max relative difference, P-value | {diffs['p']:.2e} | <= 1e-9 |")
    print(f"| max relative difference, adjusted P-value (BH, overlapping) | {diffs['padj']:.2e} | <= 1e-9 |")
    if e2e is not None:
        print(f"| workflow, {len(lists)} lists, whole run, --cores 2 | {e2e['wall']:.1f} s | <= 60 s |")
        print(f"| workflow CPU (user + sys, every process) | {e2e['cpu']:.1f} s | |")
        stage = f"enrichment stage ({e2e['n_chunks']} enrich jobs -> summary), from step logs"
        print(f"| {stage} | {e2e['enrich_span']:.1f} s | |")
        print(f"| slowest enrich job (250 lists), in-step | {e2e['chunk_max']:.1f} s | |")
        print(f"| per-list tables written | {e2e['n_tables']} | {len(lists)} |")
        print(f"| peak RSS, largest single process (/usr/bin/time -v) | {e2e['peak_mb']:.0f} MB | < 2048 MB |")
        print(f"| peak RSS, snakemake + all jobs summed (psutil, 0.1 s) | {e2e['tree_peak_mb']:.0f} MB | |")
    print()
    print("command: " + " ".join(["python", *sys.argv]))


if __name__ == "__main__":
    main()
