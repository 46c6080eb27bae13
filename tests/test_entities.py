"""Chemical and disease IDs: every common spelling is recognised and written one way."""

import pytest

from pfocr_enrich.entities import id_type_of, normalise_id


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("CHEBI:15422", "chebi:15422"),
        ("chebi:15422", "chebi:15422"),
        ("ChEBI:15422", "chebi:15422"),
        ("mesh:D009243", "mesh:D009243"),
        ("MESH:D009243", "mesh:D009243"),
        ("D009243", "mesh:D009243"),
        ("C000589078", "mesh:C000589078"),  # a nine-digit supplementary concept
        ("mesh:d009243", "mesh:D009243"),
        ("DOID:0060239", "doid:0060239"),
        ("doid:0060239", "doid:0060239"),
        (" doid:162 ", "doid:162"),
    ],
)
def test_common_spellings_are_recognised_by_their_prefix_or_shape(given: str, normalised: str):
    assert normalise_id(given) == normalised


@pytest.mark.parametrize(
    "given",
    ["ATP", "glucose", "15422", "7157", "chebi:", "chebi:15a", "mesh:D0092", "D0092431", "X009243", "hgnc:5", "", "NA"],
)
def test_names_bare_numbers_and_malformed_ids_are_not_ids(given: str):
    assert normalise_id(given) is None


def test_a_columns_type_reads_bare_ids_and_refuses_other_types():
    assert normalise_id("15846", id_type="chebi") == "chebi:15846"
    assert normalise_id("D000249", id_type="mesh") == "mesh:D000249"
    assert normalise_id("chebi:15846", id_type="chebi") == "chebi:15846"
    assert normalise_id("mesh:D000249", id_type="chebi") is None
    assert normalise_id("D000249", id_type="doid") is None


def test_id_type_is_the_prefix_of_a_normalised_id():
    assert [id_type_of(normalise_id(text)) for text in ("CHEBI:1", "D009243", "DOID:4")] == ["chebi", "mesh", "doid"]
