"""The ID mapper: symbols, aliases and Entrez IDs -> the library's ID type, and what it can't map."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pfocr_enrich.enrich.idmap import IdMapper, excel_date_hint, load_id_map
from pfocr_enrich.errors import InputError

HUMAN = "Homo sapiens"
# (symbol, entrez, kind, species): the shape of the workflow's id_map.tsv
TABLE = [
    ("TP53", "7157", "official", HUMAN),
    ("P53", "7157", "alias", HUMAN),
    ("EGFR", "1956", "official", HUMAN),
    ("ERBB1", "1956", "previous", HUMAN),
    ("ERBB", "1956", "alias", HUMAN),
    ("ERBB", "2064", "alias", HUMAN),
    ("ERBB2", "2064", "official", HUMAN),
    ("HER2", "2064", "alias", HUMAN),
    ("Egfr", "13649", "official", "Mus musculus"),
]


def human() -> IdMapper:
    return IdMapper.from_table(TABLE, species=HUMAN)


def test_official_symbol_beats_an_alias_of_another_gene():
    mapper = IdMapper.from_table([*TABLE, ("TP53", "9999", "alias", HUMAN)], species=HUMAN)
    assert mapper.map_genes(["TP53"]).entrez == ("7157",)


def test_alias_and_previous_symbols_map_when_unique():
    assert human().map_genes(["P53", "ERBB1", "HER2"]).entrez == ("7157", "1956", "2064")


def test_matching_ignores_case():
    assert human().map_genes(["tp53", "Egfr", "her2"]).entrez == ("7157", "1956", "2064")


def test_ambiguous_alias_is_listed_with_its_candidates():
    result = human().map_genes(["ERBB"])
    assert result.entrez == ()
    (gene,) = result.unmapped
    assert (gene.name, gene.reason, gene.candidates) == ("ERBB", "ambiguous", ("1956", "2064"))
    assert "1956 (EGFR)" in gene.detail and "2064 (ERBB2)" in gene.detail


def test_symbol_official_for_two_genes_is_ambiguous():
    mapper = IdMapper.from_table([*TABLE, ("TP53", "9999", "official", HUMAN)], species=HUMAN)
    assert mapper.map_genes(["TP53"]).unmapped[0].candidates == ("7157", "9999")


def test_unknown_symbol_is_listed():
    (gene,) = human().map_genes(["TP53", "NOTAGENE"]).unmapped
    assert (gene.name, gene.reason) == ("NOTAGENE", "unknown")


def test_species_selects_rows_and_other_species_make_shared_symbols_ambiguous():
    assert IdMapper.from_table(TABLE, species="Mus_musculus").map_genes(["EGFR"]).entrez == ("13649",)
    assert IdMapper.from_table(TABLE).map_genes(["EGFR"]).unmapped[0].candidates == ("1956", "13649")


@pytest.mark.parametrize(
    ("name", "likely"),
    [
        ("1-Mar", ("MARCHF1", "MARCH1")),
        ("7-Sep", ("SEPTIN7", "SEPT7")),
        ("1-Dec", ("DELEC1", "DEC1")),
        ("Mar-01", ("MARCHF1", "MARCH1")),
        ("01-MAR", ("MARCHF1", "MARCH1")),
        ("2019-09-02", ("SEPTIN2", "SEPT2")),
        ("3/1/2019", ("MARCHF1", "MARCH1")),
    ],
)
def test_excel_dates_are_flagged_with_the_likely_gene(name: str, likely: tuple[str, ...]):
    (gene,) = human().map_genes([name]).unmapped
    assert (gene.reason, gene.candidates) == ("excel_date", likely)
    assert f"{likely[0]} (formerly {likely[1]})" in gene.detail


def test_date_outside_the_symbol_families_is_flagged_without_a_guess():
    gene = excel_date_hint("5-Jan")
    assert gene is not None and gene.reason == "excel_date" and gene.candidates == ()


@pytest.mark.parametrize("symbol", ["MARCH1", "SEPT7", "DEC1", "MARCHF1", "C1orf-3", "HLA-DRB1"])
def test_real_symbols_are_not_mistaken_for_dates(symbol: str):
    assert excel_date_hint(symbol) is None


def test_entrez_tokens_pass_through_even_outside_the_tables():
    assert human().map_genes(["7157", "123456789", "0123"]).entrez == ("7157", "123456789", "0123")


def test_mixed_list_of_symbols_and_entrez_ids():
    result = human().map_genes(["TP53", "1956", "HER2"])
    assert result.entrez == ("7157", "1956", "2064") and result.n_mapped == 3


def test_duplicates_count_names_mapping_to_the_same_gene_and_repeated_unknowns():
    result = human().map_genes(["TP53", "7157", "p53", "EGFR", "FOO", "foo", " "])
    assert result.entrez == ("7157", "1956")
    assert (result.n_input, result.n_mapped, len(result.unmapped), result.duplicates) == (6, 2, 1, 3)


@given(st.lists(st.sampled_from(["TP53", "tp53", "7157", "P53", "ERBB", "FOO", "1-Mar", "42", "HER2", ""])))
def test_every_token_is_mapped_unmapped_or_a_duplicate(tokens: list[str]):
    result = human().map_genes(tokens)
    assert result.n_input == result.n_mapped + len(result.unmapped) + result.duplicates


def test_to_symbols_maps_entrez_ids_and_keeps_symbols_upper_cased():
    result = human().map_genes(["7157", "Her2", "NOTAGENE", "p53", "999"], target="symbol")
    assert result.ids == ("TP53", "HER2", "NOTAGENE", "P53")
    assert [(g.name, g.reason) for g in result.unmapped] == [("999", "unknown")]
    with pytest.raises(ValueError, match="not Entrez"):
        _ = result.entrez


def test_symbols_for_gives_official_symbols_and_blank_when_unknown():
    assert human().symbols_for(["2064", "42", "7157"]) == ["ERBB2", "", "TP53"]


def test_symbols_for_prefers_the_current_symbol_when_records_give_old_and_new():
    mapper = IdMapper.from_table(
        [
            ("MARCH1", "55016", "official", HUMAN),
            ("MARCHF1", "55016", "official", HUMAN),
            ("MARCH1", "55016", "previous", HUMAN),
        ]
    )
    assert mapper.symbols_for(["55016"]) == ["MARCHF1"]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_user_table_extends_the_records_table(tmp_path: Path):
    records = write(tmp_path / "id_map.tsv", "symbol\tentrez\tkind\tspecies\nTP53\t7157\tofficial\tHomo sapiens\n")
    user = write(tmp_path / "mine.tsv", "Entrez\tSymbol\tnote\n1956\tMYEGFR\tlab name\n")
    mapper = load_id_map([records, user], species="Homo_sapiens")
    assert mapper.map_genes(["TP53", "myegfr"]).entrez == ("7157", "1956")
    assert mapper.symbols_for(["1956"]) == ["MYEGFR"]


def test_user_table_rows_rank_as_official_over_records_aliases(tmp_path: Path):
    records = write(tmp_path / "id_map.tsv", "symbol\tentrez\tkind\tspecies\nP53\t7157\talias\tHomo sapiens\n")
    user = write(tmp_path / "mine.tsv", "symbol\tentrez\nP53\t1\n")
    assert load_id_map([records, user], species=HUMAN).map_genes(["P53"]).entrez == ("1",)


def test_id_table_without_symbol_and_entrez_columns_is_an_error(tmp_path: Path):
    user = write(tmp_path / "mine.csv", "symbol,entrez\nTP53,7157\n")
    with pytest.raises(InputError, match=r"mine\.csv.*'symbol' and 'entrez'.*comma-separated"):
        load_id_map([user], species=None)


def test_id_table_with_a_non_numeric_entrez_is_an_error_naming_the_line(tmp_path: Path):
    user = write(tmp_path / "mine.tsv", "symbol\tentrez\nTP53\t7157\nEGFR\tENSG000001\n")
    with pytest.raises(InputError, match=r"mine\.tsv line 3.*'ENSG000001' is not a number"):
        load_id_map([user], species=None)
