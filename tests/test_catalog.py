"""Records -> gene_sets.json -> per-species GMTs, as the workflow runs them: on tiny records built
here, and PFOCR's real current-format records against its official 2026 mouse library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from builders import genes_tsv, hgnc, new_record, old_record

from pfocr_enrich.enrichment.batch import figure_links
from pfocr_enrich.errors import InputError
from pfocr_enrich.records.catalog import merge_shards, parse_shard, write_species_gmts
from pfocr_enrich.records.files import list_record_files
from pfocr_enrich.records.genesets import GeneSetFilters
from pfocr_enrich.species import species_token

DEFAULTS = GeneSetFilters()


def build(records: Path, out: Path, filters: GeneSetFilters = DEFAULTS) -> tuple[str, dict[str, str]]:
    """Parse in 2 shards, merge, write every species' Entrez GMT. Returns the run's summary line
    and each species' GMT text."""
    out.mkdir(parents=True)
    files = list_record_files(records)
    shards = []
    for shard in range(2):
        shards.append(out / f"shard{shard}.json")
        shards[-1].write_text(json.dumps(parse_shard(files, records, shard, 2, filters.sources)))
    tables = {name: out / f"{name}.tsv" for name in ("figures", "skipped", "id_map")}
    summary = merge_shards(shards, filters, {**tables, "gene_sets": out / "gene_sets.json"})
    gmts = {}
    for species in json.loads((out / "gene_sets.json").read_text())["species"]:
        path = out / f"{species_token(species)}.gmt"
        write_species_gmts(out / "gene_sets.json", species_token(species), {"entrez": path})
        gmts[species] = path.read_text()
    return summary, gmts


def skipped_rows(out: Path) -> list[list[str]]:
    return [line.split("\t") for line in (out / "skipped.tsv").read_text().splitlines()[1:]]


def tiny_records(folder: Path) -> Path:
    folder.mkdir()
    (folder / "OLD.md").write_text(
        old_record("OLD", hgnc(("B", "1000"), ("A", "207"), ("C", "99")), "Old", figid_alias="PMC1__F1", pmcid="PMC1")
    )
    mouse = [("Mus musculus", s, s, e, "ncbigene_symbol") for s, e in [("Insr", "16337"), ("Akt2", "11652")]]
    synonym = [("Mus musculus", "GLUT4", "Slc2a4", "20528", "ncbigene_synonym")]
    new_record(folder, "NEW", [*mouse, *synonym, ("Mus musculus", "Irs1", "Irs1", "16367", "ncbigene_symbol")])
    return folder


def test_default_build_keeps_official_sources_in_record_order_named_by_figid(tmp_path: Path):
    _, gmts = build(tiny_records(tmp_path / "records"), tmp_path / "out")
    assert gmts == {
        "Homo sapiens": "OLD\tOld\t1000\t207\t99\n",
        "Mus musculus": "NEW\tNEW pathway\t16337\t11652\t16367\n",
    }


def test_numeric_order_every_source_and_aliases_are_options(tmp_path: Path):
    filters = GeneSetFilters(sources=None, gene_order="numeric", set_id="figid_alias")
    summary, gmts = build(tiny_records(tmp_path / "records"), tmp_path / "out", filters)
    assert gmts == {
        "Homo sapiens": "PMC1__F1\tOld\t99\t207\t1000\n",
        "Mus musculus": "NEW\tNEW pathway\t11652\t16337\t16367\t20528\n",
    }
    assert [row[1] for row in skipped_rows(tmp_path / "out") if row[3] == "no figid_alias"] == ["NEW"]
    assert "1 no figid_alias" in summary
    # Enrichment tables find a set's paper by the name the GMT gives it.
    assert figure_links(tmp_path / "out/figures.tsv").loc["PMC1__F1", "pmcid"] == "PMC1"


def test_genes_table_beside_a_record_with_inline_genes_wins_and_is_listed(tmp_path: Path):
    records = tmp_path / "records"
    records.mkdir()
    (records / "MIXED.md").write_text(old_record("MIXED", hgnc(("A", "1"), ("B", "2"), ("C", "3"))))
    (records / "_data").mkdir()
    rows = [("Mus musculus", s, s, e, "ncbigene_symbol") for s, e in [("Insr", "16337"), ("Akt2", "11652")]]
    (records / "_data/MIXED-genes.tsv").write_text(genes_tsv(rows))
    summary, gmts = build(records, tmp_path / "out", GeneSetFilters(min_genes=2))
    assert gmts == {"Mus musculus": "MIXED\tA pathway\t16337\t11652\n"}
    (row,) = skipped_rows(tmp_path / "out")
    assert row[:4] == ["MIXED.md", "MIXED", "", "inline genes superseded"]
    assert "3 inline 'genes:' mentions were ignored: MIXED-genes.tsv" in row[4]
    assert "1 inline genes superseded" in summary


def official_line(shared_dir: Path, figid: str) -> str:
    for line in (shared_dir / "pfocr/gmt/pfocr_mm_20260215.gmt").read_text(encoding="utf-8").splitlines(True):
        if line.startswith(figid + "\t"):
            return line
    raise AssertionError(f"{figid} not in the official mouse library")


def test_real_current_records_give_pfocrs_official_mouse_line_byte_for_byte(shared_dir: Path, tmp_path: Path):
    records = shared_dir / "pfocr/records/new_format"
    _, gmts = build(records, tmp_path / "out")
    figid = "PMC10030510__fimmu-14-1140749-g002"
    (mouse_line,) = [line for line in gmts["Mus musculus"].splitlines(True) if line.startswith(figid + "\t")]
    assert mouse_line == official_line(shared_dir, figid)


def test_real_rat_record_gives_a_rat_set_of_its_4_official_genes_and_no_human_or_zebrafish_set(
    shared_dir: Path, tmp_path: Path
):
    figid = "PMC10034769__fphar-14-1067402-g009"
    _, gmts = build(shared_dir / "pfocr/records/new_format", tmp_path / "out")
    assert [line.split("\t")[2:] for line in gmts["Rattus norvegicus"].splitlines() if line.startswith(figid)] == [
        ["117519", "24498", "116553", "24835"]
    ]
    assert not any(figid in gmt for species, gmt in gmts.items() if species != "Rattus norvegicus")
    too_few = {(row[2], row[4]) for row in skipped_rows(tmp_path / "out") if row[1] == figid}
    assert too_few == {
        ("Homo sapiens", "2 genes < gmt.min_genes 3"),
        ("Danio rerio", "1 genes < gmt.min_genes 3"),
    }


def test_chemicals_and_diseases_tables_beside_real_records_change_nothing(shared_dir: Path, tmp_path: Path):
    real = shared_dir / "pfocr/records/new_format"
    assert list(real.glob("*-chemicals.tsv")) and list(real.glob("*-diseases.tsv"))
    genes_only = tmp_path / "genes_only"
    genes_only.mkdir()
    for path in [*real.glob("*.md"), *real.glob("*-genes.tsv")]:  # a scratch copy, never into the repo
        shutil.copy(path, genes_only / path.name)
    with_tables = build(real, tmp_path / "with_tables")
    assert build(genes_only, tmp_path / "genes_only_out") == with_tables
    for name in ("figures.tsv", "skipped.tsv", "id_map.tsv", "gene_sets.json"):
        assert (tmp_path / "with_tables" / name).read_text() == (tmp_path / "genes_only_out" / name).read_text()


def test_a_shard_left_by_an_older_version_is_refused_not_merged(tmp_path: Path):
    build(tiny_records(tmp_path / "records"), tmp_path / "out")
    shard = json.loads((tmp_path / "out/shard0.json").read_text())
    del shard["format"]  # shards before issue 13 had no format and numerically sorted genes
    (tmp_path / "out/shard0.json").write_text(json.dumps(shard))
    outputs = {name: tmp_path / f"again_{name}" for name in ("figures", "skipped", "id_map", "gene_sets")}
    with pytest.raises(InputError, match=r"shard0.json was written by an older pfocr-enrich .* Delete .*out"):
        merge_shards([tmp_path / "out/shard0.json"], DEFAULTS, outputs)
