"""The workflow tells the truth: changed settings rerun what they change, stage targets build
their stage, --config overrides work, nothing stale is left unsaid, errors are one message."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml
from builders import HUMAN_GENE_INFO, REPO, SNAKEMAKE, gene_info, make_lists, make_records, serve
from builders import run_snakemake as snakemake

HUMAN = "pfocr_example_Homo_sapiens_entrez"
MOUSE = "pfocr_example_Mus_musculus_entrez"
# `snakemake enrich` plus provenance: every computed table without the plots, to keep reruns quick.
TARGETS = ("enrich", "results/provenance.json")


def default_config() -> dict:
    return yaml.safe_load((REPO / "config.yaml").read_text())


def with_changes(base: dict, changes: dict) -> dict:
    """`base` with `changes` merged one level into its sections."""
    merged = json.loads(json.dumps(base))
    for key, value in changes.items():
        merged[key] = {**merged[key], **value} if isinstance(value, dict) else value
    return merged


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("inputs")
    records, lists = make_records(root / "records"), make_lists(root / "lists")
    (root / "background.txt").write_text("\n".join(["3569", "3716", "3717", "6774", "7124", "7132", "8717"]))
    (root / "id_map.tsv").write_text("symbol\tentrez\nNOTAGENE\t3569\n")
    return with_changes(default_config(), {"records": str(records), "lists": str(lists), "shards": 2})


@pytest.fixture(scope="module")
def finished(inputs, tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("finished")
    done = snakemake(workdir, *TARGETS, config=inputs)
    assert done.returncode == 0, done.stderr[-3000:]
    return workdir


def copy_run(finished: Path, target: Path) -> Path:
    shutil.copytree(finished, target, symlinks=True)  # copy2 keeps mtimes: the copy is as up to date
    return target


def table(workdir: Path, library: str, name: str) -> pd.DataFrame:
    return pd.read_csv(workdir / f"results/enrichment/{library}/{name}.tsv", sep="\t", keep_default_na=False)


def summary(workdir: Path) -> pd.DataFrame:
    return pd.read_csv(workdir / "results/enrichment/summary.tsv", sep="\t", keep_default_na=False)


def provenance_config(workdir: Path) -> dict:
    return json.loads((workdir / "results/provenance.json").read_text())["config"]


def jobs_of_dry_run(workdir: Path, *targets: str) -> dict[str, int]:
    done = snakemake(workdir, "-n", *targets)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    if any("Nothing to be done" in line for line in lines):
        return {}
    start = lines.index("Job stats:") + 3
    counts = {}
    for line in lines[start:]:
        name, _, count = line.partition(" ")
        if name == "total":
            break
        counts[name] = int(count)
    return counts


def test_an_unchanged_rerun_does_nothing(finished: Path, tmp_path: Path):
    workdir = copy_run(finished, tmp_path / "run")
    assert jobs_of_dry_run(workdir, *TARGETS) == {}


def _bonferroni(workdir: Path) -> None:
    result = table(workdir, HUMAN, "inflammation")
    n_tests = int(summary(workdir).set_index(["list", "library"]).loc[("inflammation", HUMAN), "n_tests"])
    assert (result["padj"] == (result["pvalue"] * n_tests).clip(upper=1)).all()


def _overlapping(workdir: Path) -> None:
    rows = summary(workdir).set_index(["list", "library"])
    assert rows.loc[("wnt", HUMAN), "n_tests"] == len(table(workdir, HUMAN, "wnt")) == 1


def _alpha(workdir: Path) -> None:
    significant = pd.read_csv(workdir / "results/enrichment/significant.tsv", sep="\t")
    assert significant["padj"].max() <= 0.01
    assert summary(workdir)["n_significant"].sum() == len(significant)
    assert (table(workdir, HUMAN, "inflammation")["padj"] > 0.01).any()  # a row 0.05 would have kept


def _no_clusters(workdir: Path) -> None:
    assert set(table(workdir, HUMAN, "inflammation")["cluster"]) == {""}


def _size_filter(workdir: Path) -> None:
    # The 7-gene background leaves the IL6 figure 4 genes and the TNF figure 3: only IL6 has 4.
    rows = summary(workdir).set_index(["list", "library"])
    assert rows.loc[("inflammation", HUMAN), "universe_size"] == 7
    assert rows.loc[("inflammation", HUMAN), "n_tests"] == 1


def _gmt_filters(workdir: Path) -> None:
    # min_genes 5 drops the 4-gene mouse figure: no mouse GMT, no mouse library in the run.
    assert not (workdir / f"results/gmt/{MOUSE}.gmt").exists()
    assert set(summary(workdir)["library"]) == {HUMAN}
    figures = pd.read_csv(workdir / "results/gmt/figures.tsv", sep="\t", keep_default_na=False)
    assert set(figures["species"]) == {"Homo sapiens"}


# Each computation key, with what a dry run after changing it alone must schedule.
SETTINGS: dict[str, tuple[dict, str]] = {
    "gmt.sources": ({"gmt": {"sources": ["hgnc_symbol"]}}, "parse_records"),
    "gmt.min_genes": ({"gmt": {"min_genes": 5}}, "gene_sets"),
    "gmt.max_genes": ({"gmt": {"max_genes": 4}}, "gene_sets"),
    "gmt.organisms": ({"gmt": {"organisms": ["Homo sapiens"]}}, "gene_sets"),
    "gmt.years": ({"gmt": {"years": {"from": 2000, "to": None}}}, "gene_sets"),
    "gmt.collapse_duplicates": ({"gmt": {"collapse_duplicates": True}}, "gene_sets"),
    "gmt.gene_order": ({"gmt": {"gene_order": "numeric"}}, "gene_sets"),
    "gmt.set_id": ({"gmt": {"set_id": "figid_alias"}}, "gene_sets"),
    "gmt.entities": ({"gmt": {"entities": ["genes", "diseases"]}}, "parse_records"),
    "gmt.chemicals.min_size": ({"gmt": {"chemicals": {"min_size": 2}}}, "gene_sets"),
    "enrichment.duplicate_sets": ({"enrichment": {"duplicate_sets": "error"}}, "enrich_chunk"),
    "list_species": ({"list_species": {"wnt": "Mus musculus"}}, "enrich_chunk"),
    "enrichment.universe": ({"enrichment": {"universe": "BACKGROUND"}}, "enrich_chunk"),
    "enrichment.min_set_size": ({"enrichment": {"min_set_size": 4}}, "enrich_chunk"),
    "enrichment.max_set_size": ({"enrichment": {"max_set_size": 400}}, "enrich_chunk"),
    "enrichment.correction": ({"enrichment": {"correction": "holm"}}, "enrich_chunk"),
    "enrichment.count_tests": ({"enrichment": {"count_tests": "overlapping"}}, "enrich_chunk"),
    "enrichment.alpha": ({"enrichment": {"alpha": 0.1}}, "enrich_chunk"),
    "enrichment.species": ({"enrichment": {"species": "Mus musculus"}}, "enrich_chunk"),
    "id_map": ({"id_map": "ID_MAP"}, "enrich_chunk"),
    "report.cluster_jaccard": ({"report": {"cluster_jaccard": 0.9}}, "enrich_chunk"),
    "enrichment.rows": ({"enrichment": {"rows": "all"}}, "enrich_chunk"),
    "report.top_n": ({"report": {"top_n": 5}}, "enrich_chunk"),  # the number of covering sets
    "enrichment.tables": ({"enrichment": {"tables": "per_list"}}, "enrich_chunk"),
}


def resolve(changes: dict, inputs: dict) -> dict:
    """Test files for the placeholders in `changes`."""
    folder = Path(inputs["lists"]).parent
    text = json.dumps(changes).replace("BACKGROUND", str(folder / "background.txt"))
    return json.loads(text.replace("ID_MAP", str(folder / "id_map.tsv")))


@pytest.mark.parametrize("key", list(SETTINGS))
def test_each_setting_alone_reruns_the_jobs_that_use_it(key: str, inputs: dict, finished: Path, tmp_path: Path):
    changes, first_job = SETTINGS[key]
    workdir = copy_run(finished, tmp_path / "run")
    (workdir / "override.yaml").write_text(yaml.safe_dump(with_changes(inputs, resolve(changes, inputs))))
    jobs = jobs_of_dry_run(workdir, *TARGETS)
    assert first_job in jobs, jobs
    assert "provenance" in jobs or first_job in ("parse_records", "gene_sets"), jobs  # the checkpoint hides it


def test_a_report_setting_reruns_no_enrichment(finished: Path, tmp_path: Path, inputs: dict):
    workdir = copy_run(finished, tmp_path / "run")
    (workdir / "override.yaml").write_text(yaml.safe_dump(with_changes(inputs, {"report": {"x_axis": "gene_ratio"}})))
    # x_axis shapes plots only: of the enrichment targets, only provenance (which records it) reruns.
    assert set(jobs_of_dry_run(workdir, *TARGETS)) - {"enrich"} == {"provenance"}


# Changed together to keep the suite short; each check looks at its own key's effect.
RUNS: dict[str, tuple[dict, list[Callable[[Path], None]]]] = {
    "statistics": (
        {
            "enrichment": {"correction": "bonferroni", "count_tests": "overlapping", "alpha": 0.01},
            "report": {"cluster_jaccard": None},
        },
        [_bonferroni, _overlapping, _alpha, _no_clusters],
    ),
    "universe and size filter": (
        {"enrichment": {"universe": "BACKGROUND", "min_set_size": 4, "max_set_size": 4}},
        [_size_filter],
    ),
    "gmt filters": ({"gmt": {"min_genes": 5}}, [_gmt_filters]),
}


@pytest.mark.parametrize("run", list(RUNS))
def test_changed_settings_change_the_results_and_provenance_agrees(
    run: str, inputs: dict, finished: Path, tmp_path: Path
):
    changes, checks = RUNS[run]
    changes = resolve(changes, inputs)
    workdir = copy_run(finished, tmp_path / "run")
    done = snakemake(workdir, *TARGETS, config=with_changes(inputs, changes))
    assert done.returncode == 0, done.stderr[-3000:]
    for check in checks:
        check(workdir)
    recorded = provenance_config(workdir)
    for section, values in changes.items():
        for name, value in values.items():
            assert recorded[section][name] == value, (section, name)
    assert jobs_of_dry_run(workdir, *TARGETS) == {}, "a second run with the same settings must do nothing"


def test_combined_tables_replace_the_per_list_ones_and_the_report_reads_them(
    finished: Path, tmp_path: Path, inputs: dict
):
    """enrichment.tables: combined after a run that wrote both: the per-list tables, significant.tsv
    and per-list clusterProfiler tables go; the Parquet table holds `rows: significant` only; the
    report (plots, page, compareCluster table) is made from it."""
    workdir = copy_run(finished, tmp_path / "run")
    assert (workdir / f"results/enrichment/{HUMAN}/inflammation.tsv").exists()
    before = pd.read_parquet(workdir / f"results/enrichment/{HUMAN}.parquet")
    config = with_changes(inputs, {"enrichment": {"tables": "combined", "rows": "significant"}})
    done = snakemake(workdir, config=config)  # the default target: report included
    assert done.returncode == 0, done.stderr[-3000:]
    results = workdir / "results"
    for gone in (
        f"enrichment/{HUMAN}",
        "enrichment/significant.tsv",
        f"interop/clusterprofiler/{HUMAN}",
        f"interop/enrichmentmap/{HUMAN}",
    ):
        assert not (results / gone).exists(), gone
    after = pd.read_parquet(results / f"enrichment/{HUMAN}.parquet")
    expected = before[before["padj"] <= 0.05].reset_index(drop=True)
    assert len(after) == len(expected) > 0
    pd.testing.assert_frame_equal(after.astype(str), expected.astype(str))
    compare_cluster = pd.read_csv(results / f"interop/clusterprofiler/{HUMAN}.tsv", sep="\t")
    assert compare_cluster.columns[0] == "Cluster" and len(compare_cluster) == len(after)
    enrichment_map = pd.read_csv(results / f"interop/enrichmentmap/{HUMAN}.txt", sep="\t")
    assert enrichment_map.columns[0] == "list" and len(enrichment_map) == len(after)
    assert (results / f"plots/{HUMAN}/heatmap.png").exists()
    assert "inflammation" in (results / f"report/significant/{HUMAN}.html").read_text()
    assert provenance_config(workdir)["enrichment"]["tables"] == "combined"


def test_removing_a_list_removes_its_tables(finished: Path, tmp_path: Path, inputs: dict):
    workdir = copy_run(finished, tmp_path / "run")
    lists = tmp_path / "lists"
    shutil.copytree(inputs["lists"], lists)
    (lists / "wnt.txt").unlink()
    done = snakemake(workdir, *TARGETS, config={**inputs, "lists": str(lists)})
    assert done.returncode == 0, done.stderr[-3000:]
    assert not (workdir / f"results/enrichment/{HUMAN}/wnt.tsv").exists()
    assert (workdir / f"results/enrichment/{HUMAN}/inflammation.tsv").exists()
    assert set(summary(workdir)["list"]) == {"inflammation"}


def test_a_run_without_records_on_a_users_library_names_the_libraries_left_behind(
    finished: Path, tmp_path: Path, inputs: dict
):
    workdir = copy_run(finished, tmp_path / "run")
    gmt = tmp_path / "mine.gmt"
    gmt.write_text("S1\tone\t89780\t1499\t324\nS2\ttwo\t7124\t7132\t8717\n")
    config = with_changes(inputs, {"records": None, "enrichment": {"libraries": [str(gmt)], "min_set_size": 1}})
    done = snakemake(workdir, "enrich", config=config)
    assert done.returncode == 0, done.stderr[-3000:]
    assert set(summary(workdir)["library"]) == {"mine"}
    assert table(workdir, "mine", "wnt")["overlap"].tolist() == [3]
    assert "left from an earlier run" in done.stderr and f"results/enrichment/{HUMAN}" in done.stderr
    config["enrichment"]["libraries"] = "built"
    done = snakemake(tmp_path / "run2", "-n", config=config)
    assert done.returncode == 1 and "config 'records' is null" in done.stderr


def test_stage_targets_build_their_stage_only(inputs: dict, tmp_path: Path):
    workdir = tmp_path / "run"
    done = snakemake(workdir, "gmt", config=inputs)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (workdir / f"results/gmt/{HUMAN}.gmt").exists()
    assert not (workdir / "results/enrichment").exists()
    done = snakemake(workdir, "enrich")
    assert done.returncode == 0, done.stderr[-3000:]
    assert (workdir / "results/enrichment/summary.tsv").exists()
    assert re.search(r"enrichment output: [0-9.]+ kB in \d+ files under results/enrichment", done.stderr)
    assert not (workdir / "results/plots").exists()
    done = snakemake(workdir, "report")
    assert done.returncode == 0, done.stderr[-3000:]
    assert (workdir / f"results/plots/{HUMAN}/heatmap.png").exists()
    assert (workdir / "results/provenance.json").exists()


def command_line_run(
    workdir: Path, inputs: dict, *args: str, config: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """snakemake with config.yaml and --config as a user types it (the README's commands); `config`
    entries come after the inputs' and win."""
    command = [*SNAKEMAKE, "--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir), "--cores", "2"]
    command += [*args, "--configfile", str(REPO / "config.yaml"), "--config"]
    command += [f"records={inputs['records']}", f"lists={inputs['lists']}", "shards=2", *config]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_readme_release_override_names_the_gmts(inputs: dict, tmp_path: Path):
    done = command_line_run(tmp_path, inputs, "gmt", config=("release=20240101",))
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "results/gmt/pfocr_20240101_Homo_sapiens_entrez.gmt").exists()


def test_nested_numeric_override_is_read_as_a_number(inputs: dict, tmp_path: Path):
    done = command_line_run(tmp_path, inputs, "-n", "enrich", config=('enrichment={"lists_per_job": 1}',))
    assert done.returncode == 0, done.stderr[-3000:]
    settings = json.loads((tmp_path / "results/settings/run.json").read_text())
    assert settings["enrichment"]["lists_per_job"] == 1
    # A nested override keeps the section's other keys from config.yaml.
    assert settings["enrichment"]["correction"] == "fdr_bh"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ('enrichment={"min_set_size": 50, "max_set_size": 10}', "'enrichment.min_set_size' (50) is above"),
        ('gmt={"min_genes": 9, "max_genes": 4}', "'gmt.min_genes' (9) is above"),
        ('enrichment={"alpha": "often"}', "config 'enrichment.alpha': 'often' is not of type 'number'"),
        ("lists=/nonexistent/lists", "config 'lists': /nonexistent/lists does not exist"),
    ],
)
def test_impossible_settings_stop_before_anything_runs_with_one_message(
    override: str, message: str, inputs: dict, tmp_path: Path
):
    done = command_line_run(tmp_path, inputs, config=(override,))
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr and 'File "' not in done.stderr, done.stderr
    assert not (tmp_path / "results/gmt").exists()


def test_id_map_ncbi_fetches_each_species_table_once_and_maps_symbols_for_a_symbol_library(
    inputs: dict, tmp_path: Path
):
    served = tmp_path / "served" / "Mammalia"
    served.mkdir(parents=True)
    with gzip.open(served / "Homo_sapiens.gene_info.gz", "wt") as handle:
        handle.write(gene_info(HUMAN_GENE_INFO))
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "stress.txt").write_text("TNFA\nCXCL2\nATF3\nIER3\nNOTAGENE\n")
    symbols = tmp_path / "symbols.gmt"
    symbols.write_text("STRESS\tdesc\tTNF\tCXCL2\tATF3\tIER3\tEGFR\nOTHER\tdesc\tTP53\tERBB2\tMARCHF1\n")
    with serve(tmp_path / "served") as (base_url, requested):
        config = with_changes(
            inputs,
            {
                "records": None,
                "lists": str(lists),
                "id_map": "ncbi",
                "ncbi_gene_info_url": base_url,
                "enrichment": {"libraries": [str(symbols)]},
            },
        )
        done = snakemake(tmp_path / "run", "enrich", config=config)
        assert done.returncode == 0, done.stderr[-3000:]
        again = snakemake(tmp_path / "run", "enrich", "--forcerun", "id_tables")
        assert again.returncode == 0, again.stderr[-3000:]
    assert requested == ["/Mammalia/Homo_sapiens.gene_info.gz"]  # once: the second run used the cache
    result = table(tmp_path / "run", "symbols", "stress")
    assert result.loc[result["set_id"] == "STRESS", "overlap"].item() == 4  # TNFA (previous symbol) -> TNF
    unmapped = pd.read_csv(tmp_path / "run/results/enrichment/unmapped.tsv", sep="\t")
    assert unmapped["gene"].tolist() == ["NOTAGENE"]


def test_lists_are_tested_only_against_libraries_of_their_species(inputs: dict, tmp_path: Path):
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "human.txt").write_text("IL6\nJAK1\nJAK2\nSTAT3\n")
    (lists / "mouse.tsv").write_text("list\tgene\tspecies\ninsulin\tInsr\tMus musculus\ninsulin\tIrs1\tMus musculus\n")
    (lists / "other.txt").write_text("Insr\nIrs1\nAkt2\n")
    (lists / "notes.xlsx").write_bytes(b"PK\x03\x04")
    config = with_changes(inputs, {"lists": str(lists), "list_species": {"other": "Mus musculus"}})
    done = snakemake(tmp_path / "run", "enrich", config=config)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = summary(tmp_path / "run")
    assert sorted(zip(rows["list"], rows["library"], rows["species"], strict=True)) == [
        ("human", HUMAN, "Homo sapiens"),
        ("insulin", MOUSE, "Mus musculus"),
        ("other", MOUSE, "Mus musculus"),
    ]
    assert sorted(p.name for p in (tmp_path / f"run/results/enrichment/{MOUSE}").glob("*.tsv")) == [
        "insulin.cover.tsv",
        "insulin.tsv",
        "other.cover.tsv",
        "other.tsv",
    ]
    assert "1 file(s) not read as gene lists" in done.stderr and "notes.xlsx" in done.stderr


def test_a_list_whose_species_no_library_has_is_named_as_not_tested(inputs: dict, tmp_path: Path):
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "rat.txt").write_text("Insr\nIrs1\n")
    (lists / "human.txt").write_text("IL6\nJAK1\n")
    config = with_changes(inputs, {"lists": str(lists), "list_species": {"rat": "Rattus norvegicus"}})
    done = snakemake(tmp_path / "run", "enrich", config=config)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "no library of their species or type: 1 lists: rat (Rattus norvegicus)" in done.stderr
    assert "no list of its species or type: 1 libraries" in done.stderr and MOUSE in done.stderr


def test_a_user_library_named_like_a_built_one_is_refused(inputs: dict, tmp_path: Path):
    gmt = tmp_path / f"{HUMAN}.gmt"
    gmt.write_text("S1\tone\t3569\t3716\t3717\n")
    config = with_changes(inputs, {"enrichment": {"libraries": ["built", str(gmt)]}})
    done = snakemake(tmp_path / "run", "-n", config=config)
    assert done.returncode == 1
    assert "the name of a library built from the records in this run" in done.stderr
