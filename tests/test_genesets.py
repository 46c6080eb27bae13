"""Gene sets from records: the pinned rules, filters, duplicates, and PFOCR's official hgnc3 build."""

from pathlib import Path

import pytest
from builders import hgnc, new_record, old_record

from pfocr_enrich.records.genesets import GeneSetFilters, build_gene_sets, figure_genes
from pfocr_enrich.records.reader import parse_record, read_record

HGNC3 = GeneSetFilters(sources=frozenset({"hgnc_symbol"}), min_genes=3)


def figures(*texts: str, sources=None):
    result = []
    for index, text in enumerate(texts):
        record, _ = parse_record(text.encode(), f"r{index}.md")
        result.append(figure_genes(record, index, sources))
    return result


def test_set_is_unique_entrez_sorted_numerically():
    figs = figures(old_record("F", hgnc(("B", "1000"), ("A", "207"), ("B", "1000"), ("C", "99"))))
    sets, _, _ = build_gene_sets(figs, GeneSetFilters(gene_order="numeric"))
    assert sets[0].entrez == ("99", "207", "1000")


def test_set_keeps_the_order_genes_are_first_mentioned_by_default():
    figs = figures(old_record("F", hgnc(("B", "1000"), ("A", "207"), ("B", "1000"), ("C", "99"))))
    sets, _, _ = build_gene_sets(figs, GeneSetFilters())
    assert sets[0].entrez == ("1000", "207", "99")


def test_official_sources_are_hgnc_symbol_in_old_records_and_ncbigene_symbol_in_current_ones(tmp_path: Path):
    old_genes = hgnc(("A", "1"), ("B", "2")) + [
        ("ALIAS", "hgnc_alias_symbol", "C", "3"),
        ("FAMILY", "bioentities_symbol", "D", "4"),
    ]
    old, _ = parse_record(old_record("OLD", old_genes).encode(), "OLD.md")
    rows = [
        ("Mus musculus", "Ldha", "Ldha", "16828", "ncbigene_symbol"),
        ("Mus musculus", "FAD", "Fancd2", "211651", "ncbigene_synonym"),
        ("Mus musculus", "Hk2", "Hk2", "15277", "ncbigene_symbol"),
        ("Homo sapiens", "PDH", "DLAT", "1737", "famplex_relations"),
    ]
    new, _ = read_record(new_record(tmp_path, "NEW", rows), "NEW.md")
    assert figure_genes(old, 0).genes == {"Homo sapiens": ("1", "2")}
    assert figure_genes(new, 1).genes == {"Mus musculus": ("16828", "15277")}
    # A list of sources applies to both formats; None keeps every source.
    assert figure_genes(new, 1, frozenset({"hgnc_symbol"})).genes == {}
    assert figure_genes(old, 0, None).genes == {"Homo sapiens": ("1", "2", "3", "4")}


def test_figid_alias_names_sets_and_the_figid_stands_in_where_the_alias_is_missing_or_shared():
    genes = hgnc(("A", "1"), ("B", "2"), ("C", "3"))
    figs = figures(
        old_record("PMC1__fig-g001", genes, figid_alias="PMC1__F1"),
        old_record("PMC2__fig-g002", genes),
        old_record("PMC3__fig-g003", genes, figid_alias="PMC3__F3"),
        old_record("PMC3__fig-g003b", genes, figid_alias="PMC3__F3"),
    )
    sets, written, skips = build_gene_sets(figs, GeneSetFilters(set_id="figid_alias"))
    assert [s.set_id for s in sets] == ["PMC1__F1", "PMC2__fig-g002", "PMC3__fig-g003", "PMC3__fig-g003b"]
    assert [(s.figid, s.reason) for s in skips] == [
        ("PMC2__fig-g002", "no figid_alias"),
        ("PMC3__fig-g003", "figid_alias shared"),
        ("PMC3__fig-g003b", "figid_alias shared"),
    ]
    assert [f.figid for f, _ in written][0] == "PMC1__fig-g001"  # figures.tsv keeps the figid
    sets, _, skips = build_gene_sets(figs, GeneSetFilters())
    assert [s.set_id for s in sets] == ["PMC1__fig-g001", "PMC2__fig-g002", "PMC3__fig-g003", "PMC3__fig-g003b"]
    assert skips == []


def test_collapsed_sets_join_aliases_and_match_the_same_genes_in_any_order():
    figs = figures(
        old_record("F1", hgnc(("A", "1"), ("B", "2"), ("C", "3")), figid_alias="P__F1"),
        old_record("F2", hgnc(("C", "3"), ("B", "2"), ("A", "1")), figid_alias="P__F2"),
    )
    sets, _, _ = build_gene_sets(figs, GeneSetFilters(collapse_duplicates=True, set_id="figid_alias"))
    assert [(s.set_id, s.entrez, s.figids) for s in sets] == [("P__F1;P__F2", ("1", "2", "3"), ("F1", "F2"))]


@pytest.mark.parametrize(
    "bad",
    [
        {"gene_order": "sorted"},
        {"set_id": "alias"},
        {"sources": "all"},
        {"sources": frozenset("official")},  # a string where a list of sources was meant
    ],
)
def test_unknown_filter_values_are_refused_naming_the_field(bad: dict):
    with pytest.raises(ValueError, match=next(iter(bad)).replace("sources", "sources must")):
        GeneSetFilters(**bad)


def test_sources_filter_keeps_only_selected_mentions():
    genes = hgnc(("A", "1"), ("B", "2"), ("C", "3")) + [("JAK", "bioentities_symbol", "JAK1", "3716")]
    figs = figures(old_record("F", genes), sources=frozenset({"hgnc_symbol"}))
    sets, _, _ = build_gene_sets(figs, HGNC3)
    assert sets[0].entrez == ("1", "2", "3")


def test_too_few_and_too_many_genes_are_skipped_with_reason():
    figs = figures(
        old_record("SMALL", hgnc(("A", "1"), ("B", "2"))),
        old_record("BIG", hgnc(*[(f"G{i}", str(i)) for i in range(1, 8)])),
    )
    sets, _, skips = build_gene_sets(figs, GeneSetFilters(min_genes=3, max_genes=5))
    assert sets == []
    assert [(s.figid, s.reason) for s in skips] == [("SMALL", "too few genes"), ("BIG", "too many genes")]


def test_a_figure_without_gene_mentions_is_listed_once_by_the_reader_not_again_by_the_build():
    record, read_skips = parse_record(old_record("EMPTY", []).encode(), "EMPTY.md")
    _, _, skips = build_gene_sets([figure_genes(record, 0)], GeneSetFilters())
    assert [s.reason for s in read_skips] == ["no genes"] and skips == []
    (other,) = figures(old_record("ALIAS", [("AKT", "hgnc_alias_symbol", "AKT1", "207")]), sources="official")
    _, _, skips = build_gene_sets([other], GeneSetFilters())
    assert [s.reason for s in skips] == ["no genes from selected sources"]


def test_duplicate_figid_keeps_the_first_file_and_lists_the_second():
    figs = figures(
        old_record("SAME", hgnc(("A", "1"), ("B", "2"), ("C", "3"))),
        old_record("SAME", hgnc(("D", "4"), ("E", "5"), ("F", "6"))),
    )
    sets, _, skips = build_gene_sets(figs, GeneSetFilters())
    assert [s.entrez for s in sets] == [("1", "2", "3")]
    assert skips[0].reason == "duplicate figid" and skips[0].file == "r1.md" and "r0.md" in skips[0].detail


def test_collapse_duplicates_names_every_member():
    genes = hgnc(("A", "1"), ("B", "2"), ("C", "3"))
    figs = figures(old_record("F2", genes), old_record("F1", genes), old_record("F3", hgnc(("D", "4")) + genes))
    sets, written, _ = build_gene_sets(figs, GeneSetFilters(collapse_duplicates=True))
    assert [s.set_id for s in sets] == ["F1;F2", "F3"]
    assert [f.figid for f, _ in written] == ["F1", "F2", "F3"]


def test_without_collapse_identical_sets_stay_separate():
    genes = hgnc(("A", "1"), ("B", "2"), ("C", "3"))
    sets, _, _ = build_gene_sets(figures(old_record("F1", genes), old_record("F2", genes)), GeneSetFilters())
    assert [s.set_id for s in sets] == ["F1", "F2"]


def test_year_and_organism_filters_list_what_they_leave_out():
    genes = hgnc(("A", "1"), ("B", "2"), ("C", "3"))
    figs = figures(old_record("OLD", genes, year="'1999'"), old_record("NEW", genes, year="'2015'"))
    sets, _, skips = build_gene_sets(figs, GeneSetFilters(years=(2000, None)))
    assert [s.set_id for s in sets] == ["NEW"] and skips[0].reason == "year not selected"
    sets, _, skips = build_gene_sets(figs, GeneSetFilters(organisms=frozenset({"Mus musculus"})))
    assert sets == [] and {s.reason for s in skips} == {"organism not selected"}


def test_hgnc3_rule_reproduces_the_official_human_library(shared_dir: Path):
    official = {}
    for line in (shared_dir / "pfocr/gmt/pfocr_hs_3sets_20210426.gmt").read_text().splitlines():
        name, _, *genes = line.split("\t")
        official[name.removesuffix(".jpg")] = set(genes)
    records = sorted((shared_dir / "pfocr/records/old_format").glob("*.md"))
    figs = [figure_genes(read_record(p, p.name)[0], i, HGNC3.sources) for i, p in enumerate(records)]
    sets, _, skips = build_gene_sets(figs, HGNC3)
    assert len(sets) == 5 and skips == []
    for gene_set in sets:
        assert set(gene_set.entrez) == official[gene_set.set_id], gene_set.set_id


def test_default_rules_reproduce_the_2021_human_lines_members_in_their_order(shared_dir: Path):
    # The 2021 library lists each figure's genes as first mentioned, not sorted: `record` order
    # reproduces its members in order, `numeric` only as a set. (Its names are `<figid>.jpg`.)
    official = {}
    for line in (shared_dir / "pfocr/gmt/pfocr_hs_3sets_20210426.gmt").read_text().splitlines():
        name, _, *genes = line.split("\t")
        official[name.removesuffix(".jpg")] = genes
    records = sorted((shared_dir / "pfocr/records/old_format").glob("*.md"))
    figs = [figure_genes(read_record(p, p.name)[0], i) for i, p in enumerate(records)]
    sets, _, skips = build_gene_sets(figs, GeneSetFilters())
    assert len(sets) == 5 and skips == []
    for gene_set in sets:
        assert list(gene_set.entrez) == official[gene_set.set_id], gene_set.set_id
    numeric, _, _ = build_gene_sets(figs, GeneSetFilters(gene_order="numeric"))
    assert [list(s.entrez) == official[s.set_id] for s in numeric] == [False] * 5
