"""Records -> gene_sets.json -> per-species GMTs, as the workflow runs them: on tiny records built
here, and PFOCR's real current-format records against its official 2026 mouse library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from builders import entity_tsv, genes_tsv, hgnc, new_record, old_record

from pfocr_enrich.enrichment.batch import figure_links
from pfocr_enrich.errors import InputError
from pfocr_enrich.records.catalog import merge_shards, parse_shard, write_entity_gmt, write_species_gmts
from pfocr_enrich.records.entitysets import EntitySetFilters
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


# Chemical and disease libraries (issue 16).
ALL_ENTITIES = EntitySetFilters(entities=("genes", "chemicals", "diseases"))
ENTITY_GMTS = ("chemicals_chebi", "chemicals_mesh", "diseases_doid", "diseases_mesh")


def build_entities(
    records: Path, out: Path, entity_filters: EntitySetFilters = ALL_ENTITIES, filters: GeneSetFilters = DEFAULTS
) -> tuple[str, dict[str, str]]:
    """Parse (chemicals and diseases read) in 2 shards, merge, write every chemical and disease
    GMT. Returns the summary line and each library's GMT text by `entity_idtype`."""
    out.mkdir(parents=True)
    files = list_record_files(records)
    shards = []
    for shard in range(2):
        shards.append(out / f"shard{shard}.json")
        shards[-1].write_text(json.dumps(parse_shard(files, records, shard, 2, filters.sources, entities=True)))
    names = ("figures", "skipped", "id_map", "entity_names")
    tables = {name: out / f"{name}.tsv" for name in names}
    json_files = {name: out / f"{name}.json" for name in ("gene_sets", "entity_sets")}
    summary = merge_shards(shards, filters, {**tables, **json_files}, entity_filters)
    gmts = {}
    for library in ENTITY_GMTS:
        entity, id_type = library.split("_")
        if entity in entity_filters.entities:
            write_entity_gmt(out / "entity_sets.json", entity, id_type, out / f"{library}.gmt")
            gmts[library] = (out / f"{library}.gmt").read_text()
    return summary, gmts


def table_rows(path: Path) -> list[dict[str, str]]:
    header, *lines = path.read_text().splitlines()
    return [dict(zip(header.split("\t"), line.split("\t"), strict=True)) for line in lines]


def entity_records(folder: Path) -> Path:
    """Both formats: an old record with inline MeSH chemicals (one repeated) and a disease; a
    current record whose tables have NA, repeated and malformed rows; a current record without
    genes but with 3 chemical words (PFOCR keeps it); one with 2 (PFOCR does not)."""
    folder.mkdir()
    old_genes = hgnc(("A", "1"), ("B", "2"), ("C", "3"))
    chemicals = [("AMP", "D000249"), ("Glucose", "D005947"), ("amp", "D000249")]
    (folder / "OLD.md").write_text(old_record("OLD", old_genes, "Old", chemicals, [("Diabetes", "D003920")]))
    new_record(folder, "NEW", [("Mus musculus", s, s, e, "ncbigene_symbol") for s, e in [("Insr", "16337")]])
    rows = [
        ("NADH", "mesh:D009243", "NAD", "NAD(+)", "chebi:15846"),
        ("Lactate", "mesh:D019344", "NA", "NA", "NA"),
        ("ATP", "mesh:D000255", "Adenosine Triphosphate", "ATP", "chebi:15422"),
        ("NAD", "mesh:D009243", "NAD", "NAD(+)", "chebi:15846"),
        ("Stroma", "NA", "NA", "NA", "NA"),
        ("Glc", "mesh:D005947", "Glucose", "D-glucopyranose", "CHEBI:4167x"),
    ]
    (folder / "_data/NEW-chemicals.tsv").write_text(entity_tsv("chemicals", rows))
    lps = ("LPS", "mesh:C536528", "Van der Woude syndrome", "Van der Woude syndrome", "doid:0060239")
    (folder / "_data/NEW-diseases.tsv").write_text(
        entity_tsv("diseases", [lps, ("lung injury", "mesh:D055370", *["NA"] * 3)])
    )
    for figid, n_words in (("CHEM3", 3), ("CHEM2", 2)):
        (folder / f"{figid}.md").write_text(f"---\nfigid: {figid}\nfigtitle: {figid} only\n---\n")
        rows = [("lactate", "mesh:D019344", "NA", "NA", "NA"), ("NAD", "mesh:D009243", "NAD", "NAD(+)", "chebi:15846")]
        (folder / f"_data/{figid}-chemicals.tsv").write_text(entity_tsv("chemicals", (rows * 2)[:n_words]))
    return folder


def test_chemical_and_disease_libraries_of_both_formats(tmp_path: Path):
    summary, gmts = build_entities(entity_records(tmp_path / "records"), tmp_path / "out")
    assert gmts == {
        "chemicals_chebi": "CHEM3\tCHEM3 only\tchebi:15846\nNEW\tNEW pathway\tchebi:15846\tchebi:15422\n",
        "chemicals_mesh": (
            "CHEM3\tCHEM3 only\tmesh:D019344\tmesh:D009243\n"
            "NEW\tNEW pathway\tmesh:D009243\tmesh:D019344\tmesh:D000255\tmesh:D005947\n"
            "OLD\tOld\tmesh:D000249\tmesh:D005947\n"
        ),
        "diseases_doid": "NEW\tNEW pathway\tdoid:0060239\n",
        "diseases_mesh": "NEW\tNEW pathway\tmesh:C536528\tmesh:D055370\nOLD\tOld\tmesh:D003920\n",
    }
    assert "chemical sets: 2 chebi, 3 mesh; disease sets: 1 doid, 2 mesh" in summary


def test_figures_table_appends_chemical_and_disease_counts_and_lists_figures_without_gene_sets(tmp_path: Path):
    build_entities(entity_records(tmp_path / "records"), tmp_path / "out", filters=GeneSetFilters(min_genes=1))
    rows = table_rows(tmp_path / "out/figures.tsv")
    assert list(rows[0])[-3:] == ["set_id", "n_chemicals", "n_diseases"]
    counts = {(row["figid"], row["species"], row["n_genes"]): (row["n_chemicals"], row["n_diseases"]) for row in rows}
    assert counts == {
        ("OLD", "Homo sapiens", "3"): ("2", "1"),
        ("NEW", "Mus musculus", "1"): ("4", "2"),
        ("CHEM3", "", "0"): ("2", "0"),  # kept in the chemical libraries only
    }


def test_unusable_rows_and_figures_pfocr_would_not_keep_are_listed_with_their_reason(tmp_path: Path):
    summary, _ = build_entities(entity_records(tmp_path / "records"), tmp_path / "out")
    skipped = {(row["figid"], row["reason"]) for row in table_rows(tmp_path / "out/skipped.tsv")}
    assert {
        ("NEW", "no chemical ID"),  # Stroma: mesh and chebi NA
        ("NEW", "malformed ChEBI ID"),  # CHEBI:4167x; its MeSH ID is kept
        ("CHEM2", "no genes, < 3 chemical words"),
        ("CHEM3", "no genes"),  # no gene set, its chemical sets made
    } <= skipped
    assert "1 no chemical ID" in summary and "1 malformed ChEBI ID" in summary


def test_entity_size_filters_and_libraries_without_gene_sets(tmp_path: Path):
    filters = EntitySetFilters(entities=("chemicals",), min_size={"chemicals": 2})
    summary, gmts = build_entities(entity_records(tmp_path / "records"), tmp_path / "out", filters)
    assert gmts["chemicals_chebi"] == "NEW\tNEW pathway\tchebi:15846\tchebi:15422\n"
    assert "gene sets written: not built; chemical sets: 1 chebi, 3 mesh;" in summary
    assert json.loads((tmp_path / "out/gene_sets.json").read_text())["species"] == []
    assert {row["species"] for row in table_rows(tmp_path / "out/figures.tsv")} == {""}
    too_few = [row for row in table_rows(tmp_path / "out/skipped.tsv") if row["reason"] == "too few chemicals"]
    assert [(row["figid"], row["detail"]) for row in too_few] == [("CHEM3", "1 chebi IDs < gmt.chemicals.min_size 2")]


def test_entity_names_give_every_name_of_an_id_most_reliable_first(tmp_path: Path):
    build_entities(entity_records(tmp_path / "records"), tmp_path / "out")
    rows = [tuple(row.values()) for row in table_rows(tmp_path / "out/entity_names.tsv")]
    assert [row for row in rows if row[2] == "chebi:15422"] == [
        ("chemicals", "chebi", "chebi:15422", "ATP", "name"),
        ("chemicals", "chebi", "chebi:15422", "Adenosine Triphosphate", "match"),
        ("chemicals", "chebi", "chebi:15422", "ATP", "word"),
    ]
    assert ("chemicals", "mesh", "mesh:D000249", "amp", "word") in rows  # old-format words name MeSH IDs
    assert ("diseases", "doid", "doid:0060239", "LPS", "word") in rows


def test_real_records_give_pfocrs_chemical_line_and_the_disease_lines_their_tables_imply(
    shared_dir: Path, tmp_path: Path
):
    _, gmts = build_entities(shared_dir / "pfocr/records/new_format", tmp_path / "out")
    lines = {
        library: {line.split("\t")[0]: line.split("\t")[2:] for line in text.splitlines()}
        for library, text in gmts.items()
    }
    immune, rat = "PMC10030510__fimmu-14-1140749-g002", "PMC10034769__fphar-14-1067402-g009"
    assert (
        lines["chemicals_chebi"][immune]
        == (
            "chebi:15846 chebi:16238 chebi:4167 chebi:26806 chebi:15422 chebi:17877 chebi:35366 chebi:18276 "
            "chebi:15531 chebi:15351 chebi:73813"
        ).split()
    )
    assert rat not in lines["chemicals_chebi"]  # its one chemical has no ChEBI ID
    assert lines["chemicals_mesh"][rat] == ["mesh:C026423"]
    assert lines["diseases_doid"] == {rat: ["doid:0060239"]}  # "LPS", mis-matched by the text mining
    assert lines["diseases_mesh"] == {rat: ["mesh:C536528", "mesh:D055370"]}
    assert len(lines["chemicals_mesh"][immune]) == 22


def test_real_old_format_records_give_mesh_lines(shared_dir: Path, tmp_path: Path):
    _, gmts = build_entities(shared_dir / "pfocr/records/old_format", tmp_path / "out")
    assert gmts["chemicals_chebi"] == gmts["diseases_doid"] == ""
    mesh = dict(line.split("\t", 2)[::2] for line in gmts["chemicals_mesh"].splitlines())
    assert mesh == {
        "PMC5593197__pone.0184238.g006": "mesh:C534342",
        "PMC6540463__fendo-10-00328-g0003": "mesh:D000249\tmesh:D005947\tmesh:C543792",
    }
    assert gmts["diseases_mesh"].split("\t")[2:] == ["mesh:D018149\n"]
