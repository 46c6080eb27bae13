"""The workflow end to end: `snakemake` on small inputs built here, and on the bundled example."""

from __future__ import annotations

import functools
import http.server
import subprocess
import tarfile
import threading
from pathlib import Path

import pandas as pd
import pytest
import yaml
from builders import REPO, SNAKEMAKE, make_entity_records, make_lists, make_records
from builders import run_snakemake as snakemake


@pytest.fixture(scope="module")
def example_inputs(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("inputs")
    return make_records(root / "records"), make_lists(root / "lists")


@pytest.fixture(scope="module")
def run_dir(example_inputs, tmp_path_factory) -> Path:
    records, lists = example_inputs
    workdir = tmp_path_factory.mktemp("run")
    done = snakemake(workdir, config={"records": str(records), "lists": str(lists), "shards": 3})
    assert done.returncode == 0, done.stderr[-3000:]
    return workdir


def test_gmt_outputs_per_species_in_both_id_types(run_dir: Path):
    gmt = run_dir / "results/gmt"
    # Genes in the order the records first mention them, as PFOCR writes its libraries (issue 13).
    assert (gmt / "pfocr_example_Homo_sapiens_entrez.gmt").read_text().splitlines()[0] == (
        "EX_IL6\tEX_IL6 pathway\t3569\t3716\t3717\t6774\t3570"
    )
    assert (gmt / "pfocr_example_Homo_sapiens_symbol.gmt").read_text().splitlines()[0] == (
        "EX_IL6\tEX_IL6 pathway\tIL6\tJAK1\tJAK2\tSTAT3\tIL6R"
    )
    assert (gmt / "pfocr_example_Mus_musculus_entrez.gmt").read_text() == (
        "EX_MOUSE\tMouse insulin\t16337\t16367\t11652\t20528\n"
    )


def test_figures_and_skipped_tables_account_for_every_record(run_dir: Path):
    figures = (run_dir / "results/gmt/figures.tsv").read_text().splitlines()
    assert figures[0].split("\t")[:9] == [
        "figid",
        "species",
        "n_genes",
        "pmcid",
        "year",
        "title",
        "papertitle",
        "figlink",
        "record_file",
    ]
    assert len(figures) == 1 + 5
    assert figures[0].split("\t")[-1] == "set_id"  # chemical and disease counts only when they are built
    assert not list((run_dir / "results/gmt").glob("*chemicals*")) and not list(
        (run_dir / "results/gmt").glob("*entity*")
    )
    skipped = (run_dir / "results/gmt/skipped.tsv").read_text()
    assert "broken.md\t\t\tmalformed YAML" in skipped
    assert "EX_SMALL\tHomo sapiens\ttoo few genes" in skipped


def test_enrichment_tables_summary_and_unmapped(run_dir: Path):
    table = (run_dir / "results/enrichment/pfocr_example_Homo_sapiens_entrez/inflammation.tsv").read_text()
    header, first = table.splitlines()[:2]
    assert header.split("\t")[:14] == [
        "set_id",
        "set_name",
        "set_size",
        "overlap",
        "query_size",
        "universe_size",
        "pvalue",
        "padj",
        "odds_ratio",
        "fold_enrichment",
        "gene_ratio",
        "bg_ratio",
        "combined_score",
        "overlap_genes",
    ]
    assert first.startswith("EX_IL6\tEX_IL6 pathway\t5\t4\t5\t20\t")
    summary = (run_dir / "results/enrichment/summary.tsv").read_text()
    assert "inflammation\tpfocr_example_Homo_sapiens_entrez\t7\t5\t5\t20\t4\t1\t2\t0\t" in summary
    unmapped = (run_dir / "results/enrichment/unmapped.tsv").read_text()
    assert "NOTAGENE\tunknown" in unmapped and "1-Mar\texcel_date\tMARCHF1/MARCH1" in unmapped


def test_outputs_do_not_depend_on_shard_count(run_dir: Path, example_inputs, tmp_path: Path):
    records, lists = example_inputs
    other = tmp_path / "one_shard"
    done = snakemake(
        other,
        "results/enrichment/summary.tsv",
        "results/gmt/pfocr_example_Homo_sapiens_symbol.gmt",
        "results/gmt/pfocr_example_Mus_musculus_symbol.gmt",
        config={
            "records": str(records),
            "lists": str(lists),
            "shards": 1,
            "enrichment": {**default_config()["enrichment"], "lists_per_job": 1},
        },
    )
    assert done.returncode == 0, done.stderr[-3000:]
    compared = 0
    for stage in ("gmt", "enrichment"):
        for path in sorted((run_dir / "results" / stage).rglob("*")):
            if path.is_file() and "work" not in path.parts:
                if path.suffix == ".parquet":  # row groups follow the chunks: compare the rows
                    pd.testing.assert_frame_equal(
                        pd.read_parquet(other / path.relative_to(run_dir)).astype(str),
                        pd.read_parquet(path).astype(str),
                    )
                else:
                    assert (other / path.relative_to(run_dir)).read_bytes() == path.read_bytes(), path
                compared += 1
    assert compared >= 13  # human lists only: the mouse library has no list of its species


def test_gmt_stage_builds_chemical_and_disease_libraries_when_asked(tmp_path: Path):
    records = make_entity_records(tmp_path / "records")
    gmt = {**default_config()["gmt"], "entities": ["genes", "chemicals", "diseases"]}
    done = snakemake(tmp_path / "w", "gmt", config={"records": str(records), "lists": None, "shards": 2, "gmt": gmt})
    assert done.returncode == 0, done.stderr[-3000:]
    out = tmp_path / "w/results/gmt"
    assert (out / "pfocr_example_chemicals_chebi.gmt").read_text() == (
        "EX_CHEM\tTCA cycle metabolites\tchebi:30769\tchebi:26806\nEX_MOUSE\tMouse insulin\tchebi:5931\tchebi:4167\n"
    )
    assert (out / "pfocr_example_chemicals_mesh.gmt").read_text() == (
        "EX_CHEM\tTCA cycle metabolites\tmesh:D019343\tmesh:D013386\tmesh:D011773\n"
        "EX_MOUSE\tMouse insulin\tmesh:D007328\tmesh:D005947\tmesh:D019344\tmesh:D000255\n"
        "EX_PI3K\tEX_PI3K pathway\tmesh:D005947\tmesh:D000255\n"
    )
    assert (out / "pfocr_example_diseases_doid.gmt").read_text() == "EX_MOUSE\tMouse insulin\tdoid:9351\n"
    assert (out / "pfocr_example_diseases_mesh.gmt").read_text() == (
        "EX_MOUSE\tMouse insulin\tmesh:D003920\nEX_PI3K\tEX_PI3K pathway\tmesh:D003920\n"
    )
    # The gene libraries are today's.
    assert (
        out / "pfocr_example_Mus_musculus_entrez.gmt"
    ).read_text() == "EX_MOUSE\tMouse insulin\t16337\t16367\t11652\t20528\n"
    figures = pd.read_csv(out / "figures.tsv", sep="\t", keep_default_na=False, dtype=str)
    assert list(figures.columns[-3:]) == ["set_id", "n_chemicals", "n_diseases"]
    counts = figures.set_index("figid")[["species", "n_genes", "n_chemicals", "n_diseases"]]
    assert counts.loc["EX_MOUSE"].tolist() == ["Mus musculus", "4", "4", "1"]
    assert counts.loc["EX_CHEM"].tolist() == ["", "0", "3", "0"]  # in the chemical libraries only
    assert counts.loc["EX_IL6"].tolist() == ["Homo sapiens", "5", "0", "0"]
    skipped = pd.read_csv(out / "skipped.tsv", sep="\t", keep_default_na=False)
    reasons = set(zip(skipped["figid"], skipped["reason"], strict=True))
    assert {("EX_MOUSE", "no chemical ID"), ("EX_MOUSE", "malformed ChEBI ID"), ("EX_CHEM", "no genes")} <= reasons
    names = pd.read_csv(out / "entity_names.tsv", sep="\t", keep_default_na=False)
    assert list(names.columns) == ["entity", "id_type", "id", "name", "source"]
    assert {"insulin", "Insulin"} <= set(names.loc[names["id"] == "chebi:5931", "name"])
    assert "chemical sets: 2 chebi, 3 mesh; disease sets: 1 doid, 2 mesh" in done.stderr


def default_config() -> dict:
    return yaml.safe_load((REPO / "config.yaml").read_text())


def test_records_archive_works_and_escaping_archive_is_refused(example_inputs, tmp_path: Path):
    records, lists = example_inputs
    archive = tmp_path / "records.tar.gz"
    with tarfile.open(archive, "w:gz") as bundle:
        bundle.add(records, arcname="_figures")
    done = snakemake(tmp_path / "ok", "results/gmt/figures.tsv", config={"records": str(archive), "lists": str(lists)})
    assert done.returncode == 0, done.stderr[-3000:]
    assert "EX_IL6\tHomo sapiens" in (tmp_path / "ok/results/gmt/figures.tsv").read_text()

    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as bundle:
        bundle.add(records / "EX_IL6.md", arcname="../../escape.md")
    done = snakemake(tmp_path / "evil", "results/gmt/figures.tsv", config={"records": str(evil), "lists": str(lists)})
    assert done.returncode != 0 and "outside the archive" in done.stderr
    assert not (tmp_path / "escape.md").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"shards": "many"}, "shards"),
        ({"gmt": {"bogus_key": 1}}, "bogus_key"),
        ({"records": "/nonexistent/records"}, "config 'records': /nonexistent/records does not exist"),
    ],
)
def test_bad_config_stops_with_a_message_naming_the_key(change, message, example_inputs, tmp_path: Path):
    records, lists = example_inputs
    config = {"records": str(records), "lists": str(lists), **change}
    if "gmt" in change:
        config["gmt"] = {**default_config()["gmt"], **change["gmt"]}
    done = snakemake(tmp_path, "-n", config=config)
    assert done.returncode != 0
    assert message in done.stdout + done.stderr


def test_duplicate_list_names_stop_with_both_sources(example_inputs, tmp_path: Path):
    records, _ = example_inputs
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "a.txt").write_text("IL6\n")
    (lists / "b.tsv").write_text("list\tgene\na\tTNF\n")
    done = snakemake(tmp_path / "w", "-n", config={"records": str(records), "lists": str(lists)})
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "a.txt" in output and "b.tsv" in output


def test_library_from_a_url_is_downloaded_once_with_checksum(example_inputs, tmp_path: Path):
    records, lists = example_inputs
    served = tmp_path / "served"
    served.mkdir()
    (served / "mylib.gmt").write_text("S1\tdesc\t3569\t3716\t3717\nS2\tdesc\t7124\t7132\t8717\n")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/mylib.gmt"
        enrichment = {**default_config()["enrichment"], "libraries": [url, "built"], "min_set_size": 1}
        done = snakemake(
            tmp_path / "w",
            "results/enrichment/summary.tsv",
            config={"records": str(records), "lists": str(lists), "enrichment": enrichment},
        )
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr[-3000:]
    checksum = (tmp_path / "w/resources/libraries/mylib.gmt.sha256").read_text()
    assert checksum.split()[1:] == ["mylib.gmt", url]
    assert (tmp_path / "w/results/enrichment/mylib/inflammation.tsv").read_text().count("\n") == 3


def test_bundled_example_runs_with_defaults(tmp_path: Path):
    example = REPO / "resources/example"
    if not (example / "records").is_dir():
        pytest.skip("bundled example not present")
    done = subprocess.run(
        [
            *SNAKEMAKE,
            "--cores",
            "2",
            "--directory",
            str(tmp_path),
            "--snakefile",
            str(REPO / "Snakefile"),
            "--configfile",
            str(REPO / "config.yaml"),
            "--config",
            f"records={example / 'records'}",
            f"lists={example / 'lists'}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = (tmp_path / "results/enrichment/summary.tsv").read_text().splitlines()
    assert len(summary) > 1
    assert (tmp_path / "results/enrichment/significant.tsv").read_text().count("\n") > 1
    # a figure browser for each built library, holding every figure of its species
    figures = pd.read_csv(tmp_path / "results/gmt/figures.tsv", sep="\t", dtype=str)
    for species, rows in figures.groupby("species"):
        page = tmp_path / f"results/report/figures/pfocr_example_{species.replace(' ', '_')}_entrez.html"
        assert all(f'"{figid}"' in page.read_text(encoding="utf-8") for figid in rows["figid"])
