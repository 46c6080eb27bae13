"""The workflow gives the same results on a SLURM cluster as on one machine.

Each case runs the workflow twice from fresh copies of the repository, once locally and once
with `--executor slurm` through the SLURM profile a user would copy, and compares every file
under results/ byte for byte. The example run also shows the profile's job groups at work.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slurm

REPO = Path(__file__).resolve().parents[2]
WORKFLOW_PARTS = ["Snakefile", "config.yaml", "workflow", "scripts", "resources"]
EXAMPLE_RECORDS = REPO / "resources" / "example" / "records"
# On a 2-CPU node each SLURM job costs ~10 s (two Snakemake start-ups: the job and its srun step).
RUN_TIMEOUT_S = 900
# Bookkeeping that differs between runs by nature, not results.
NOT_COMPARED = {"logs", "benchmarks", ".snakemake"}
FIGID_LINE = re.compile(r"^figid: *(['\"]?)([^'\"\s]+)\1 *$", flags=re.MULTILINE)
# Snakemake's own log: a job header per cluster job ("localrule" for local ones, indented
# inside a group job's block), and the plugin's line for each sbatch, whose log folder is
# named rule_<rule> or group_<group>_<rules>.
CLUSTER_JOB = re.compile(r"^\s*(?:rule|checkpoint) \w+:$", flags=re.MULTILINE)
SLURM_SUBMISSION = re.compile(r"has been submitted with SLURM jobid \d+ \(log: \S+/slurm_logs/(\w+)/")


def copy_workflow(destination: Path) -> Path:
    destination.mkdir(parents=True)
    for part in WORKFLOW_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns(".snakemake", "__pycache__"))
        elif source.exists():
            shutil.copy2(source, destination / part)
    return destination


def slurm_profile(cluster, destination: Path) -> Path:
    """The repository's SLURM profile, edited as a user would for this cluster (which has no accounting)."""
    profile = yaml.safe_load((REPO / "workflow" / "profiles" / "slurm" / "config.yaml").read_text())
    profile["default-resources"]["slurm_partition"] = cluster.partition
    # Without accounting, sacct hangs silently; squeue needs MinJobAge >= 120 (conftest sets 600).
    profile["slurm-no-account"] = True
    profile["slurm-status-command"] = "squeue"
    profile["slurm-init-seconds-before-status-checks"] = 5
    destination.mkdir(parents=True)
    (destination / "config.yaml").write_text(yaml.safe_dump(profile, sort_keys=False))
    return destination


def snakemake(workdir: Path, *args: str) -> str:
    """Run Snakemake in `workdir`; its log (stderr). Jobs find the same snakemake on PATH."""
    venv_bin = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [str(Path(venv_bin) / "snakemake"), *args]
    started = time.monotonic()
    try:
        result = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired as timeout:
        queue = subprocess.run(["squeue", "--all", "--long"], capture_output=True, text=True).stdout
        stderr = (timeout.stderr or b"").decode(errors="replace")[-4000:]
        pytest.fail(
            f"{' '.join(command)} still running after {RUN_TIMEOUT_S} s in {workdir}; SLURM queue:\n{queue}\n"
            f"{stderr}\n{slurm_job_logs(workdir)}"
        )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} failed in {workdir} (exit {result.returncode}):\n{result.stderr[-6000:]}\n"
            f"{slurm_job_logs(workdir)}"
        )
    print(f"{elapsed:6.1f} s  {' '.join(command)}")
    return result.stderr


def slurm_job_logs(workdir: Path, last: int = 3) -> str:
    logs = sorted((workdir / ".snakemake" / "slurm_logs").rglob("*.log"), key=lambda log: log.stat().st_mtime)
    return "\n".join(f"--- {log}\n{log.read_text(errors='replace')[-2000:]}" for log in logs[-last:])


def result_files(workdir: Path) -> dict[str, bytes]:
    results = workdir / "results"
    return {
        path.relative_to(results).as_posix(): path.read_bytes()
        for path in sorted(results.rglob("*"))
        if path.is_file() and not NOT_COMPARED.intersection(path.relative_to(results).parts) and path.suffix != ".html"
    }


def assert_same_results(local: Path, on_slurm: Path) -> None:
    expected, found = result_files(local), result_files(on_slurm)
    assert expected, f"the local run wrote nothing under {local / 'results'}"
    assert sorted(found) == sorted(expected), "the SLURM run wrote different files than the local run"
    differing = [name for name in expected if found[name] != expected[name]]
    assert not differing, f"files differ between the local and the SLURM run: {differing}"


@dataclass(frozen=True)
class Runs:
    local: Path
    on_slurm: Path
    slurm_log: str


def run_both_ways(cluster, tmp_path: Path, *options: str) -> Runs:
    local = copy_workflow(tmp_path / "local")
    on_slurm = copy_workflow(tmp_path / "slurm")
    profile = slurm_profile(cluster, tmp_path / "profile")
    snakemake(local, "--workflow-profile", "workflow/profiles/default", "--cores", "2", *options)
    slurm_log = snakemake(on_slurm, "--workflow-profile", str(profile), *options)
    return Runs(local, on_slurm, slurm_log)


def many_records(source: Path, destination: Path, at_least: int) -> int:
    """Copies of the records in `source` under new figids until there are `at_least`; how many.

    Each copy keeps the folder layout, so a new-format record still finds its genes table
    (beside it or in _data/) under the new figid.
    """
    stems = sorted(path.stem for path in source.rglob("*.md"))
    assert stems, f"no records (*.md) in {source}"
    for copy in range(math.ceil(at_least / len(stems))):
        for path in source.rglob("*"):
            if not path.is_file():
                continue
            relative = path.relative_to(source)
            name = relative.name
            for stem in stems:
                if name.startswith(stem + ".") or name.startswith(stem + "-genes"):
                    name = f"{stem}_copy{copy:03d}" + name[len(stem) :]
                    break
            target = destination / f"copy{copy:03d}" / relative.parent / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".md":
                text = FIGID_LINE.sub(rf"figid: \g<1>\g<2>_copy{copy:03d}\g<1>", path.read_text(), count=1)
                target.write_text(text)
            else:
                shutil.copy2(path, target)
    return len(list(destination.rglob("*.md")))


def test_a_job_runs_on_the_test_cluster(slurm_cluster):
    result = subprocess.run(
        ["srun", f"--partition={slurm_cluster.partition}", "--ntasks=1", "hostname"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    print(f"cluster up in {slurm_cluster.start_seconds:.1f} s: {slurm_cluster.cpus} CPUs, {slurm_cluster.mem_mb} MB")


@pytest.fixture(scope="module")
def example_runs(slurm_cluster, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    # Two shards: fewer, larger jobs keep the run short on a 2-CPU test node.
    return run_both_ways(slurm_cluster, tmp_path_factory.mktemp("example"), "--config", "shards=2")


def test_example_gives_the_same_results_on_slurm_as_locally(example_runs: Runs):
    assert_same_results(example_runs.local, example_runs.on_slurm)


def test_grouped_jobs_share_slurm_jobs_that_fit_the_node(example_runs: Runs):
    # The example has 2 enrich and 8 report jobs (2 libraries); the profile's group-components
    # batch them. Had a group asked for more CPUs or memory than the node has, SLURM would have
    # kept it pending and the run above would have timed out instead of finishing.
    cluster_jobs = len(CLUSTER_JOB.findall(example_runs.slurm_log))
    submissions = SLURM_SUBMISSION.findall(example_runs.slurm_log)
    for group in ("group_enrich_", "group_report_"):
        assert any(folder.startswith(group) for folder in submissions), f"no {group}* among {sorted(submissions)}"
    assert len(submissions) < cluster_jobs, f"{len(submissions)} SLURM jobs for {cluster_jobs} cluster jobs"


def test_sharded_larger_input_gives_the_same_results_on_slurm(slurm_cluster, tmp_path: Path):
    records = tmp_path / "records"
    count = many_records(EXAMPLE_RECORDS, records, at_least=300)
    assert count >= 300
    # Sharding only splits records -> gene sets; stopping there keeps the run short (the example covers the rest).
    runs = run_both_ways(slurm_cluster, tmp_path, "--config", f"records={records}", "shards=4", "--until", "gene_sets")
    assert_same_results(runs.local, runs.on_slurm)
