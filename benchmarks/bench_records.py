"""Benchmark: PFOCR records -> GMT files with the workflow, against a bare YAML-loading loop.

    python benchmarks/bench_records.py                 # 91,000 records (PFOCR's size)
    python benchmarks/bench_records.py --n 5000        # a quick run
    python benchmarks/bench_records.py --records DIR   # reuse records made by make_records.py
    python benchmarks/bench_records.py --records DIR --no-bare --compare-entities --repeats 2

Steps: make N records (make_records.py) unless --records is given; time a bare loop (read the
file, split the front matter, yaml.load with CSafeLoader; new-format genes TSVs read with csv) on
one core and in 2 processes; run the workflow's records -> GMT part (`snakemake --cores 2`,
targets figures.tsv, skipped.tsv, id_map.tsv and both human GMTs) in a scratch folder under
/usr/bin/time -v; then, on a smaller N, check the GMTs are byte-identical with shards=2 and
shards=8. The bare loops run first, so every timing reads the records from a warm page cache.
--compare-entities also builds the chemical and disease libraries (`gmt.entities: [genes,
chemicals, diseases]`) beside each genes-only run, alternating, `--repeats` times each.

Targets (issue): 91k records -> GMTs <= 60 s wall with --cores 2; parsing <= 1.5x the bare loop;
peak memory < 2 GB; chemical and disease libraries add <= 20% (issue 16).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from multiprocessing import Pool
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_records import DEFAULT_GMT, check_shared, make_records  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
RELEASE = "bench"
GMT_TARGETS = (
    "results/gmt/figures.tsv",
    "results/gmt/skipped.tsv",
    "results/gmt/id_map.tsv",
    f"results/gmt/pfocr_{RELEASE}_Homo_sapiens_entrez.gmt",
    f"results/gmt/pfocr_{RELEASE}_Homo_sapiens_symbol.gmt",
)
ALL_ENTITIES = ("genes", "chemicals", "diseases")
ENTITY_TARGETS = (
    "results/gmt/entity_names.tsv",
    *(f"results/gmt/pfocr_{RELEASE}_{library}.gmt" for library in ("chemicals_chebi", "chemicals_mesh")),
    *(f"results/gmt/pfocr_{RELEASE}_{library}.gmt" for library in ("diseases_doid", "diseases_mesh")),
)


def record_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.md"))


def bare_load(paths: list[Path]) -> tuple[int, float]:
    """Read, split front matter, yaml.load (CSafeLoader); read new-format genes TSVs.

    Returns the gene mentions seen and the CPU seconds this process spent.
    """
    cpu = time.process_time()
    n_genes = 0
    for path in paths:
        text = path.read_bytes().decode("utf-8")
        end = text.index("\n---\n", 3)
        meta = yaml.load(text[4:end], Loader=yaml.CSafeLoader)  # noqa: S506 - safe loader
        if "genes" in meta:
            n_genes += len(meta["genes"])
        else:
            table = path.parent / "_data" / f"{path.stem}-genes.tsv"
            n_genes += sum(1 for _ in csv.DictReader(io.StringIO(table.read_text(encoding="utf-8")), delimiter="\t"))
    return n_genes, time.process_time() - cpu


def time_bare(paths: list[Path], processes: int) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (all processes) and gene mentions of the bare loop."""
    started = time.perf_counter()
    if processes == 1:
        parts = [bare_load(paths)]
    else:
        with Pool(processes) as pool:
            parts = pool.map(bare_load, [paths[i::processes] for i in range(processes)])
    return time.perf_counter() - started, sum(p[1] for p in parts), sum(p[0] for p in parts)


class TreeMemory(threading.Thread):
    """Peak summed RSS of a process and its descendants, sampled every 0.1 s (needs psutil)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                total = 0
                for proc in procs:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak_mb = max(self.peak_mb, total / 2**20)
            except psutil.Error:
                return
            time.sleep(0.1)


def run_workflow(scratch: Path, overrides: str, targets: tuple[str, ...], cores: int = 2) -> dict:
    """Run snakemake under /usr/bin/time -v in `scratch`; wall s, peak RSS of one process, tree peak."""
    scratch.mkdir(parents=True, exist_ok=True)
    override_file = scratch / "bench_config.yaml"
    override_file.write_text(overrides, encoding="utf-8")
    command = [
        str(SNAKEMAKE),
        "--snakefile",
        str(ROOT / "Snakefile"),
        "--directory",
        str(scratch),
        "--configfile",
        str(ROOT / "config.yaml"),
        str(override_file),
        "--cores",
        str(cores),
        *targets,
    ]
    timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    log_path = scratch / "snakemake_run.log"
    started = time.perf_counter()
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(timer + command, stdout=log, stderr=subprocess.STDOUT)
        sampler = TreeMemory(proc.pid)
        sampler.start()
        code = proc.wait()
        sampler.done.set()
    wall = time.perf_counter() - started
    text = log_path.read_text(encoding="utf-8", errors="replace")
    if code != 0:
        sys.exit(f"error: snakemake failed (exit {code}); see {log_path}\n" + text[-3000:])
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text))
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if rss:
        peak_mb = int(rss.group(1)) / 1024
    else:  # no GNU time: the largest waited-for child of this process
        import resource

        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_mb": peak_mb,
        "tree_peak_mb": sampler.peak_mb,
        "command": " ".join(command),
        "log": log_path,
    }


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text(encoding="utf-8").split(" ")[0]
    except OSError:
        return "?"


def job_seconds(run_log: Path, rule: str) -> float:
    """Longest start-to-finish span of `rule`'s jobs in Snakemake's log (1 s resolution)."""
    text = run_log.read_text(encoding="utf-8", errors="replace")
    stamp = r"\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]\n"
    starts = [m.group(1) for m in re.finditer(stamp + rf"local(?:rule|checkpoint) {rule}:", text)]
    ends = [m.group(1) for m in re.finditer(stamp + rf"Finished jobid: \d+ \(Rule: {rule}\)", text)]
    spans = [
        (
            datetime.strptime(end, "%a %b %d %H:%M:%S %Y") - datetime.strptime(start, "%a %b %d %H:%M:%S %Y")
        ).total_seconds()
        for start, end in zip(starts, ends, strict=False)
    ]
    return max(spans, default=0.0)


def step_times(scratch: Path) -> dict[str, float]:
    logs = scratch / "logs"
    shard_logs = sorted((logs / "parse_records").glob("*.log"))
    parsed = []
    for log_file in shard_logs:
        match = re.search(r"parsed \d+ records in ([\d.]+) s", log_file.read_text(encoding="utf-8"))
        parsed.append(float(match.group(1)) if match else 0.0)
    return {
        "parse_sum": sum(parsed),
        "parse_max": max(parsed, default=0.0),
        "gene_sets": job_seconds(scratch / "snakemake_run.log", "gene_sets"),
        "gmt_max": job_seconds(scratch / "snakemake_run.log", "gmt_species"),
        "entity_gmt_max": job_seconds(scratch / "snakemake_run.log", "entity_gmt"),
    }


def overrides(records: Path, lists: Path, shards: int, entities: tuple[str, ...] = ("genes",)) -> str:
    return (
        f"records: {records}\nlists: {lists}\nrelease: {RELEASE}\nshards: {shards}\n"
        f"gmt:\n  entities: [{', '.join(entities)}]\n"
    )


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*")) if p.is_file()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=91_000, help="records to generate (default 91,000)")
    parser.add_argument("--records", type=Path, help="reuse this folder of records instead of generating")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a new temporary folder)")
    parser.add_argument("--shards", type=int, default=8, help="config 'shards' for the timed run (default 8)")
    parser.add_argument("--check-n", type=int, default=5000, help="records for the shards=2 vs 8 check (0: skip)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-bare", action="store_true", help="skip the bare yaml.load loops (~8 min at 91k)")
    parser.add_argument(
        "--compare-entities", action="store_true", help="also build chemical and disease libraries, alternating"
    )
    parser.add_argument("--repeats", type=int, default=1, help="workflow runs of each kind (default 1)")
    args = parser.parse_args(argv)
    check_shared(DEFAULT_GMT)
    if not SNAKEMAKE.exists():
        sys.exit(f"error: no snakemake beside {sys.executable}; run with the project's venv python")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="pfocr_bench_records_"))
    work.mkdir(parents=True, exist_ok=True)
    lists = work / "list.txt"  # one tiny list: config needs one, the GMT targets never read it
    lists.write_text("7157\n672\n", encoding="utf-8")

    if args.records is None:
        records = work / f"records_{args.n}"
        made = make_records(args.n, records, DEFAULT_GMT, args.seed)
        print(f"generated {made['records']:.0f} records in {records} in {made['seconds']:.1f} s")
    else:
        records = args.records
    paths = record_files(records)
    if not paths:
        sys.exit(f"error: no *.md records in {records}")
    n = len(paths)
    print(f"records: {n} in {records}")

    warm = time.perf_counter()  # read every file once, so no timing below pays for the disk
    n_bytes = sum(len(p.read_bytes()) for p in paths) + sum(len(p.read_bytes()) for p in records.glob("_data/*.tsv"))
    print(f"page cache warmed: {n_bytes / 2**20:.0f} MB read in {time.perf_counter() - warm:.1f} s")
    print(f"load average before: {load_average()}")
    nan = float("nan")
    bare1 = bare1_cpu = bare2 = bare2_cpu = nan
    if not args.no_bare:
        bare1, bare1_cpu, genes1 = time_bare(paths, 1)
        print(f"bare loop, 1 process:  {bare1:.1f} s wall, {bare1_cpu:.1f} s CPU ({genes1} gene mentions)")
        bare2, bare2_cpu, genes2 = time_bare(paths, 2)
        print(f"bare loop, 2 processes: {bare2:.1f} s wall, {bare2_cpu:.1f} s CPU")
        assert genes1 == genes2

    kinds = {"genes": (("genes",), GMT_TARGETS)}
    if args.compare_entities:
        kinds["all"] = (ALL_ENTITIES, GMT_TARGETS + ENTITY_TARGETS)
    runs: dict[str, list[tuple[dict, dict]]] = {kind: [] for kind in kinds}
    for repeat in range(args.repeats):
        for kind, (entities, targets) in kinds.items():
            scratch = work / f"workflow_{kind}_{repeat}"
            done = run_workflow(scratch, overrides(records, lists, args.shards, entities), targets)
            runs[kind].append((done, step_times(scratch)))
            print(f"workflow, gmt.entities [{', '.join(entities)}]: {done['wall']:.1f} s wall, {done['cpu']:.1f} s CPU")
            print(f"  command: {done['command']}")
            print(f"  log: {done['log']}")
    run, steps = runs["genes"][0]
    print(f"load average after the workflow: {load_average()}")

    shard_check = "skipped"
    if args.check_n:
        check_records = work / f"records_{args.check_n}"
        if not check_records.exists():
            make_records(args.check_n, check_records, DEFAULT_GMT, args.seed)
        digests = {}
        for shards in (2, 8):
            run_workflow(work / f"shards_{shards}", overrides(check_records, lists, shards), GMT_TARGETS)
            digests[shards] = digest(work / f"shards_{shards}" / "results" / "gmt")
        same = digests[2] == digests[8]
        shard_check = f"{'byte-identical' if same else 'DIFFERENT'} ({', '.join(sorted(digests[2]))})"
        if not same:
            print("shards=2 vs shards=8 differ:", digests, file=sys.stderr)

    ratio = run["wall"] / bare2
    parse_ratio = steps["parse_sum"] / bare1
    print()
    print("| metric | value | target |")
    print("|---|---|---|")
    print(f"| records | {n} | |")
    print(f"| workflow wall, records -> GMTs, --cores 2, shards {args.shards} | {run['wall']:.1f} s | <= 60 s |")
    print(f"| workflow CPU (user + sys, every process) | {run['cpu']:.1f} s | |")
    print(f"| bare loop, 1 process: wall (CPU) | {bare1:.1f} s ({bare1_cpu:.1f} s) | |")
    print(f"| bare loop, 2 processes: wall (CPU) | {bare2:.1f} s ({bare2_cpu:.1f} s) | |")
    print(f"| ratio workflow CPU / bare CPU (1 process) | {run['cpu'] / bare1_cpu:.2f} | |")
    print(f"| ratio workflow wall / bare 2-process | {ratio:.2f} | <= 1.5 |")
    print(f"| parse_records CPU: sum of shard parse times / bare 1-process | {parse_ratio:.2f} | <= 1.5 |")
    print(
        f"| parse_records, summed over {args.shards} shards (slowest shard) | {steps['parse_sum']:.1f} s "
        f"({steps['parse_max']:.1f} s) | |"
    )
    print(f"| gene_sets checkpoint (merge), job start to finish | {steps['gene_sets']:.0f} s | |")
    print(f"| gmt_species rule, slowest job, start to finish | {steps['gmt_max']:.0f} s | |")
    print(f"| peak RSS, largest single process (/usr/bin/time -v) | {run['peak_mb']:.0f} MB | < 2048 MB |")
    print(f"| peak RSS, snakemake + all jobs summed (psutil, 0.1 s) | {run['tree_peak_mb']:.0f} MB | |")
    print(f"| GMTs with shards=2 vs shards=8, {args.check_n} records | {shard_check} | identical |")
    if args.compare_entities:
        for kind, label in (("genes", "[genes]"), ("all", "[genes, chemicals, diseases]")):
            walls = ", ".join(f"{done['wall']:.1f}" for done, _ in runs[kind])
            cpus = ", ".join(f"{done['cpu']:.1f}" for done, _ in runs[kind])
            print(f"| workflow with gmt.entities {label}: wall (CPU), each run | {walls} s ({cpus} s) | |")
        for step, name in (("parse_sum", "parse_records summed"), ("gene_sets", "gene_sets merge")):
            values = {kind: median([s[step] for _, s in runs[kind]]) for kind in runs}
            print(f"| {name}, median: genes only -> all three | {values['genes']:.1f} s -> {values['all']:.1f} s | |")
        entity_gmt = median([s["entity_gmt_max"] for _, s in runs["all"]])
        print(f"| entity_gmt rule, slowest job, start to finish | {entity_gmt:.0f} s | |")
        wall = {kind: median([done["wall"] for done, _ in runs[kind]]) for kind in runs}
        cpu = {kind: median([done["cpu"] for done, _ in runs[kind]]) for kind in runs}
        print(
            f"| **chemicals and diseases added: median wall (CPU)** | **{wall['all'] / wall['genes'] - 1:+.0%}** "
            f"({cpu['all'] / cpu['genes'] - 1:+.0%}) | <= +20% |"
        )
    print()
    print("command: " + " ".join(["python", *sys.argv]))


if __name__ == "__main__":
    main()
