"""Lists of chemicals and diseases: typed lists, IDs in any spelling, names through the records,
and the workflow testing them against PFOCR's chemical and disease libraries."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from builders import REPO
from builders import run_snakemake as snakemake

from pfocr_enrich.enrichment.engine import detect_id_type, load_library
from pfocr_enrich.enrichment.genelists import read_gene_lists
from pfocr_enrich.enrichment.idmap import EntityMapper
from pfocr_enrich.entities import library_entity
from pfocr_enrich.errors import InputError

EXAMPLE = REPO / "resources/example"
NAMES = [
    ("chemicals", "chebi", "chebi:15422", "ATP", "name"),
    ("chemicals", "mesh", "mesh:D000255", "ATP", "word"),
    ("chemicals", "chebi", "chebi:15846", "NAD(+)", "name"),
    ("chemicals", "chebi", "chebi:15846", "NAD", "match"),
    ("chemicals", "chebi", "chebi:15846", "NADH", "word"),
    ("chemicals", "chebi", "chebi:16238", "FAD", "name"),
    ("chemicals", "chebi", "chebi:17877", "FAD", "word"),  # a figure's "FAD FADH2"
    ("chemicals", "chebi", "chebi:17877", "1,5-dihydro-FAD", "name"),
    ("chemicals", "chebi", "chebi:99999", "WATER", "word"),
    ("chemicals", "chebi", "chebi:88888", "water", "word"),
    ("diseases", "doid", "doid:0060239", "LPS", "word"),
]


def test_a_type_column_says_what_a_list_holds(tmp_path: Path):
    table = tmp_path / "lists.tsv"
    table.write_text("list\ttype\tgene\nmets\tChemicals\tATP\nmets\t\tNAD\ngenes\t\tTP53\n")
    lists = {gene_list.name: gene_list for gene_list in read_gene_lists(table)}
    assert (lists["mets"].type, lists["genes"].type) == ("chemicals", None)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("mets\tmetabolites\tATP\n", "line 2: type 'metabolites' is not one of genes, chemicals, diseases"),
        ("mets\tchemicals\tATP\nmets\tdiseases\tNAD\n", "line 3: list 'mets' is 'diseases' here but 'chemicals'"),
    ],
)
def test_a_wrong_or_changing_type_names_its_line(tmp_path: Path, rows: str, message: str):
    table = tmp_path / "lists.tsv"
    table.write_text("list\ttype\tgene\n" + rows)
    with pytest.raises(InputError, match=message):
        read_gene_lists(table)


def test_ids_in_any_spelling_map_and_never_as_names():
    mapper = EntityMapper.from_rows(NAMES, "chemicals")
    mapping = mapper.map_ids(["CHEBI:15422", "chebi:15846", " ChEBI:16238 ", "chebi:15422"], "chebi")
    assert mapping.ids == ("chebi:15422", "chebi:15846", "chebi:16238") and mapping.duplicates == 1


def test_an_id_of_another_type_is_unmapped_with_the_library_to_use():
    mapping = EntityMapper.from_rows(NAMES, "chemicals").map_ids(["D000255", "mesh:D000255"], "chebi")
    assert mapping.ids == ()
    assert [(u.reason, u.name) for u in mapping.unmapped] == [("other_id_type", "D000255")]
    assert "_mesh.gmt" in mapping.unmapped[0].detail


def test_names_map_without_case_the_most_reliable_source_first():
    mapper = EntityMapper.from_rows(NAMES, "chemicals")
    # "FAD" is the ChEBI name of chebi:16238 and only a figure's word for chebi:17877.
    mapping = mapper.map_ids(["atp", "nad", "NADH", "fad"], "chebi")
    assert mapping.ids == ("chebi:15422", "chebi:15846", "chebi:16238")
    assert mapper.labels["chebi:15846"] == "NAD(+)"  # what the tables show for the ID


def test_names_of_several_ids_are_ambiguous_and_unknown_names_say_so():
    mapping = EntityMapper.from_rows(NAMES, "chemicals").map_ids(["Water", "caffeine", "LPS"], "chebi")
    reasons = {u.name: (u.reason, u.candidates) for u in mapping.unmapped}
    assert reasons["Water"] == ("ambiguous", ("chebi:99999", "chebi:88888"))
    assert reasons["caffeine"][0] == "unknown"
    assert reasons["LPS"][0] == "unknown"  # a disease name, not a chemical one


def test_chemical_and_disease_gmts_are_detected_by_their_ids(tmp_path: Path):
    chebi = tmp_path / "pfocr-20240901-chemical-gmt-Homo_sapiens.gmt"
    chebi.write_text("F1\tA\tchebi:15422\tchebi:15846\nF2\tB\tCHEBI:4167\n")
    mesh = tmp_path / "my_mesh_sets.gmt"
    mesh.write_text("F1\tA\tmesh:D000255\tD009243\n")
    genes = tmp_path / "genes.gmt"
    genes.write_text("S1\tA\t3569\t3570\nS2\tB\tTP53\n")
    assert library_entity(chebi.name, chebi) == "chemicals"
    assert library_entity(genes.name, genes) == "genes"
    with pytest.raises(InputError, match="MeSH IDs, which name chemicals and diseases alike"):
        library_entity(mesh.name, mesh)
    library = load_library(chebi)
    assert library.id_type == "chebi" and list(library.genes) == ["chebi:15422", "chebi:15846", "chebi:4167"]
    assert detect_id_type(["3569", "3570"]) == "entrez" and detect_id_type(["TP53", "IL6"]) == "symbol"


@pytest.fixture(scope="module")
def metabolite_run(tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("metabolites")
    done = snakemake(
        workdir,
        config={
            "records": str(EXAMPLE / "records"),
            "lists": str(EXAMPLE / "metabolites"),
            "gmt": {"entities": ["genes", "chemicals", "diseases"]},
        },
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (workdir / "stderr.txt").write_text(done.stderr)
    return workdir


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def test_metabolite_lists_are_tested_against_the_chemical_libraries_only(metabolite_run: Path):
    summary = read(metabolite_run / "results/enrichment/summary.tsv")
    assert set(zip(summary["list"], summary["library"], strict=True)) == {
        (name, f"pfocr_example_chemicals_{id_type}")
        for name in ("tca_metabolites", "glycolysis_chebi")
        for id_type in ("chebi", "mesh")
    }
    assert set(summary["species"]) == {""}  # chemical libraries have no species
    stderr = (metabolite_run / "stderr.txt").read_text()
    assert "pfocr_example_diseases_doid (diseases)" in stderr  # named as not tested


def test_chebi_ids_need_no_type_and_hit_the_glycolysis_figure(metabolite_run: Path):
    table = read(metabolite_run / "results/enrichment/pfocr_example_chemicals_chebi/glycolysis_chebi.tsv")
    first = table.iloc[0]
    assert first["set_id"] == "EXAMPLE_030__glycolysis-mouse-macrophage" and first["overlap"] == "5"
    # The tables show the records' names beside the IDs.
    assert "D-glucopyranose" in first["overlap_symbols"].split("/")


def test_every_name_that_did_not_map_is_listed_with_its_reason(metabolite_run: Path):
    unmapped = read(metabolite_run / "results/enrichment/unmapped.tsv")
    chebi = unmapped[unmapped["library"] == "pfocr_example_chemicals_chebi"]
    assert set(chebi["gene"]) == {"oxaloacetate", "2-oxoglutarate", "caffeine"}  # records say OAA, a-KG
    mesh = unmapped[(unmapped["library"] == "pfocr_example_chemicals_mesh") & (unmapped["list"] == "glycolysis_chebi")]
    assert set(mesh["reason"]) == {"other_id_type"} and len(mesh) == 5
    summary = read(metabolite_run / "results/enrichment/summary.tsv").set_index(["list", "library"])
    assert summary.loc[("tca_metabolites", "pfocr_example_chemicals_mesh"), "n_mapped"] == "8"


def test_a_mesh_list_without_a_type_stops_with_the_fix(tmp_path: Path):
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "mesh_ids.txt").write_text("D000255\nD009243\n")
    done = snakemake(tmp_path, "-n", config={"records": str(EXAMPLE / "records"), "lists": str(lists)})
    assert done.returncode != 0
    assert "holds MeSH IDs, which name chemicals and diseases alike" in done.stderr
    assert "Traceback" not in done.stderr


def test_list_types_in_the_config_type_a_list_of_names(tmp_path: Path):
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "mets.txt").write_text("Citrate\nSuccinate\nFumarate\nNAD\n")
    config = {
        "records": str(EXAMPLE / "records"),
        "lists": str(lists),
        "list_types": {"mets": "chemicals"},
        "gmt": {"entities": ["genes", "chemicals"]},
    }
    done = snakemake(tmp_path, "enrich", config=config)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = read(tmp_path / "results/enrichment/summary.tsv")
    mesh = summary[summary["library"] == "pfocr_example_chemicals_mesh"].iloc[0]
    assert (mesh["list"], mesh["n_mapped"]) == ("mets", "4")


def test_the_api_enriches_a_metabolite_list_as_the_workflow_does(metabolite_run: Path, tmp_path: Path):
    import pfocr_enrich as pe
    from pfocr_enrich.tables import write_frame

    gmt_dir = metabolite_run / "results/gmt"
    library = pe.read_library(gmt_dir / "pfocr_example_chemicals_mesh.gmt", figures=gmt_dir / "figures.tsv")
    names = pe.read_lists(EXAMPLE / "metabolites")["tca_metabolites"]
    table = pe.enrich(names, library, id_map=gmt_dir / "entity_names.tsv", entity="chemicals")
    write_frame(tmp_path / "api.tsv", table)
    workflow = metabolite_run / "results/enrichment/pfocr_example_chemicals_mesh/tca_metabolites.tsv"
    assert (tmp_path / "api.tsv").read_bytes() == workflow.read_bytes()
