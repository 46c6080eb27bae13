"""Benchmark: batch scale. 10,000 lists through the workflow, report included, against GSEApy.

    python benchmarks/bench_batch.py                      # 10,000 lists; report scaling at 1,000 and 4,000
    python benchmarks/bench_batch.py --lists 2000 --scaling ""

Lists as `bench_enrichment.py` draws them (200 Entrez IDs, half from 3 random sets of the library,
half from its other genes) against PFOCR's 2021 human GMT (27,164 sets), default settings
(`enrichment.tables: auto`, so `combined` above report.max_list_plots lists).

Measured, with `--cores 2`:
- the statistics engine per list (`engine.enrich_batch` in batches of 50 as the enrichment jobs run
  it; GSEApy's settings: every set sharing a gene tested, BH over those), beside GSEApy `enrich()`
  in the same process, and their ratio;
- `snakemake enrich` wall time (the GMT stage is done first and not timed), then the default
  target (report included) on top of it; peak memory of the largest process (GNU time) and of
  the whole process tree; what the run leaves under results/ (bytes, files per library);
- the report stage's time per list at other list counts (`--scaling`): it must not grow.

Targets (issue "Batch scale"): enrich <= 120 s; report <= 120 s more; peak <= 2 GB; <= 2 GB
written and <= 1,000 files per library; engine <= 2 ms a list.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_enrichment import BATCH, LIST_SIZE, draw_lists  # noqa: E402
from bench_records import run_workflow  # noqa: E402
from make_records import DEFAULT_GMT, SHARED, check_shared  # noqa: E402

from pfocr_enrich.enrichment.engine import Settings, enrich_batch, load_library, make_universe  # noqa: E402
from pfocr_enrich.gmt import read_gmt  # noqa: E402
from pfocr_enrich.text import human_size  # noqa: E402


def engine_seconds(library, lists: dict[str, list[str]], settings: Settings) -> float:
    """Wall seconds of enrich_batch over every list, in batches of BATCH."""
    universe = make_universe(library, settings, None)
    names = list(lists)
    started = time.perf_counter()
    for start in range(0, len(names), BATCH):
        enrich_batch(library, {n: (lists[n], len(lists[n])) for n in names[start : start + BATCH]}, settings, universe)
    return time.perf_counter() - started


def overrides(lists_tsv: Path, gmt: Path, records: Path) -> str:
    return (
        f"records: {records}\nlists: {lists_tsv}\nrelease: bench\nshards: 2\n"
        f"enrichment:\n  libraries: [{gmt}]\n  species: Homo sapiens\n"
    )


def output_footprint(results: Path) -> tuple[int, dict[str, int]]:
    """Bytes under results/ (Snakemake's hidden files aside) and files per library folder or file stem."""
    files = [p for p in results.rglob("*") if p.is_file() and not p.name.startswith(".")]
    per_library: dict[str, int] = {}
    for path in files:
        for part in (*path.relative_to(results).parts[:-1], path.name.split(".")[0]):
            if part.startswith("bench") or part.startswith("pfocr_hs"):
                per_library[part] = per_library.get(part, 0) + 1
                break
    return sum(p.stat().st_size for p in files), per_library


def run(work: Path, lists: dict[str, list[str]], gmt: Path, records: Path) -> dict:
    """The GMT stage, then `snakemake enrich`, then the default target; timings of the last two."""
    work.mkdir(parents=True, exist_ok=True)
    lists_tsv = work / "lists.tsv"
    pd.DataFrame([(n, g) for n, genes in lists.items() for g in genes], columns=["list", "gene"]).to_csv(
        lists_tsv, sep="\t", index=False
    )
    scratch = work / "workflow"
    config = overrides(lists_tsv, gmt, records)
    run_workflow(scratch, config, ("gmt",))
    enrich = run_workflow(scratch, config, ("enrich",))
    report = run_workflow(scratch, config, ())
    size, files = output_footprint(scratch / "results")
    largest = sorted(
        ((str(p.relative_to(scratch)), p.stat().st_size) for p in (scratch / "results").rglob("*") if p.is_file()),
        key=lambda item: -item[1],
    )[:2]
    return {"enrich": enrich, "report": report, "bytes": size, "files": files, "largest": largest}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lists", type=int, default=10000)
    parser.add_argument("--scaling", default="1000,4000", help="list counts whose report time per list is compared")
    parser.add_argument("--gseapy-lists", type=int, default=3)
    parser.add_argument("--gmt", type=Path, default=DEFAULT_GMT)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a new temporary folder)")
    args = parser.parse_args(argv)
    records = SHARED / "records"
    check_shared(args.gmt, records)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="pfocr_bench_batch_"))
    lists = draw_lists(args.gmt, args.lists, args.seed)
    print(f"library {args.gmt.name}; {len(lists)} lists of {LIST_SIZE} Entrez IDs (seed {args.seed}); work {work}")

    import gseapy

    logging.getLogger("gseapy").setLevel(logging.ERROR)
    gmt_dict = {gs.name: list(gs.genes) for gs in read_gmt(args.gmt).sets}
    few = list(lists.items())[: args.gseapy_lists]
    started = time.perf_counter()
    for _, genes in few:
        gseapy.enrich(gene_list=genes, gene_sets=gmt_dict, background=None, outdir=None, no_plot=True)
    gseapy_s = (time.perf_counter() - started) / len(few)
    library = load_library(args.gmt)
    plain = Settings(min_set_size=1, max_set_size=10**9, count_tests="overlapping", cluster_jaccard=None)
    engine_s = engine_seconds(library, lists, plain) / len(lists)
    clustered_s = engine_seconds(library, lists, Settings()) / len(lists)

    main_run = run(work / f"lists_{len(lists)}", lists, args.gmt, records)
    scaling = {}
    for count in [int(c) for c in args.scaling.split(",") if c]:
        if count == len(lists):
            scaling[count] = main_run
            continue
        scaling[count] = run(work / f"lists_{count}", draw_lists(args.gmt, count, args.seed), args.gmt, records)

    enrich, report = main_run["enrich"], main_run["report"]
    peak = max(enrich["peak_mb"], report["peak_mb"])
    print()
    print("| metric | value | target |")
    print("|---|---|---|")
    print(f"| GSEApy `enrich`, a list (mean of {len(few)}) | {gseapy_s:.2f} s | |")
    print(f"| ours, engine, a list (GSEApy's settings, {len(lists)} lists) | {engine_s * 1000:.2f} ms | <= 2 ms |")
    print(f"| speed-up GSEApy / ours | {gseapy_s / engine_s:,.0f}x | |")
    print(f"| ours, engine with default settings and redundancy clusters, a list | {clustered_s * 1000:.2f} ms | |")
    print(f"| `snakemake enrich`, {len(lists)} lists, --cores 2 | {enrich['wall']:.1f} s | <= 120 s |")
    print(f"| default target after it (report) | {report['wall']:.1f} s | <= 120 s |")
    print(f"| peak RSS, largest single process | {peak:.0f} MB | <= 2048 MB |")
    print(f"| peak RSS, whole process tree | {max(enrich['tree_peak_mb'], report['tree_peak_mb']):.0f} MB | |")
    print(f"| results/ after the run | {human_size(main_run['bytes'])} | <= 2 GB |")
    for path, size in main_run["largest"]:
        print(f"| of which {path} | {human_size(size)} | |")
    print(f"| files per library | {max(main_run['files'].values(), default=0)} | <= 1,000 |")
    for count, result in sorted(scaling.items()):
        print(f"| report stage, {count} lists: per list | {result['report']['wall'] / count * 1000:.1f} ms | flat |")
    print()
    print(f"workflow command (enrich): {enrich['command']}")
    print("command: " + " ".join(["python", *sys.argv]))


if __name__ == "__main__":
    main()
