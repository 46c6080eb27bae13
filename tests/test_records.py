"""Reading records: both formats, and every kind of bad record lands in skips, never raises."""

from pathlib import Path

import pytest
from builders import entity_tsv, genes_tsv, hgnc, new_record, old_record
from hypothesis import given, settings
from hypothesis import strategies as st

from pfocr_enrich.records.reader import parse_record, read_record, split_front_matter


def parse(text: str | bytes, name: str = "r.md"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_record(data, name)


def test_old_format_record_gives_human_mentions_with_official_symbols():
    record, skips = parse(old_record("FIG1", hgnc(("TP53", "7157"), ("AKT1", "207")), organisms="Mus musculus"))
    assert skips == []
    assert [(m.species, m.entrez, m.symbol) for m in record.mentions] == [
        ("Homo sapiens", "7157", "TP53"),
        ("Homo sapiens", "207", "AKT1"),
    ]
    assert record.record_format == "old"


def test_new_format_reads_genes_table_from_sibling_data_folder(tmp_path: Path):
    (tmp_path / "_figures").mkdir()
    (tmp_path / "_data").mkdir()
    md = tmp_path / "_figures" / "FIG2.md"
    md.write_text("---\nfigid: FIG2\nfigtitle: Two species\nyear: '2023'\npmcid: .na.character\n---\n")
    (tmp_path / "_data" / "FIG2-genes.tsv").write_text(
        genes_tsv(
            [
                ("Mus musculus", "Akt1", "Akt1", "11651", "ncbigene_symbol"),
                ("Homo sapiens", "AKT1", "AKT1", "207", "ncbigene_symbol"),
            ]
        )
    )
    record, skips = read_record(md, "_figures/FIG2.md")
    assert skips == []
    assert record.pmcid == ""  # .na.character is PFOCR's missing value
    assert record.year == 2023
    assert {(m.species, m.entrez) for m in record.mentions} == {("Mus musculus", "11651"), ("Homo sapiens", "207")}


def test_new_format_reads_genes_table_beside_the_record(tmp_path: Path):
    (tmp_path / "FIG3.md").write_text("---\nfigid: FIG3\n---\n")
    (tmp_path / "FIG3-genes.tsv").write_text(
        genes_tsv([("Mus musculus", "Trp53", "Trp53", "22059", "ncbigene_symbol")])
    )
    record, _ = read_record(tmp_path / "FIG3.md", "FIG3.md")
    assert [m.entrez for m in record.mentions] == ["22059"]


def test_genes_table_beside_a_record_with_inline_genes_wins_and_the_record_is_listed(tmp_path: Path):
    (tmp_path / "MIXED.md").write_text(old_record("MIXED", hgnc(("TP53", "7157"), ("AKT1", "207"))))
    (tmp_path / "MIXED-genes.tsv").write_text(
        genes_tsv([("Mus musculus", "Trp53", "Trp53", "22059", "ncbigene_symbol")])
    )
    record, skips = read_record(tmp_path / "MIXED.md", "MIXED.md")
    assert record.record_format == "new" and [m.entrez for m in record.mentions] == ["22059"]
    assert [(s.figid, s.reason) for s in skips] == [("MIXED", "inline genes superseded")]
    assert "2 inline 'genes:' mentions were ignored: MIXED-genes.tsv" in skips[0].detail


def test_figid_alias_is_read_and_a_missing_or_unusable_one_is_empty():
    record, _ = parse(old_record("PMC1__fig-g001", hgnc(("TP53", "7157")), figid_alias="PMC1__F1"))
    assert record.figid_alias == "PMC1__F1"
    for unusable in (".na.character", "'PMC1 F1'"):  # PFOCR's missing value; white space can't name a set
        record, _ = parse(old_record("X", hgnc(("TP53", "7157")), figid_alias=unusable))
        assert record.figid_alias == ""
    record, _ = parse(old_record("X", hgnc(("TP53", "7157"))))
    assert record.figid_alias == ""


def test_malformed_yaml_is_skipped_with_its_line():
    record, skips = parse("---\nfigid: X\nfigtitle: [unclosed\ngenes: []\n---\n")
    assert record is None
    assert skips[0].reason == "malformed YAML"
    assert "line" in skips[0].detail


def test_missing_front_matter_is_skipped():
    record, skips = parse("# just markdown\n")
    assert record is None and skips[0].reason == "no front matter"


def test_unclosed_front_matter_is_skipped():
    record, skips = parse("---\nfigid: X\n")
    assert record is None and skips[0].reason == "no front matter"


def test_record_without_genes_or_table_is_skipped(tmp_path: Path):
    (tmp_path / "X.md").write_text("---\nfigid: X\n---\n")
    record, skips = read_record(tmp_path / "X.md", "X.md")
    assert record is None and skips[0].reason == "no genes"


def test_empty_genes_list_is_reported():
    _, skips = parse("---\nfigid: X\ngenes: []\n---\n")
    assert [s.reason for s in skips] == ["no genes"]


def test_empty_na_and_non_numeric_entrez_are_listed_per_mention():
    text = old_record(
        "X",
        [
            ("A", "hgnc_symbol", "A", ""),
            ("B", "hgnc_symbol", "B", "NA"),
            ("C", "hgnc_symbol", "C", "12x"),
            ("D", "hgnc_symbol", "D", "7²"),  # a digit to str.isdigit, not an Entrez ID
            ("TP53", "hgnc_symbol", "TP53", "7157"),
        ],
    )
    record, skips = parse(text)
    assert [m.entrez for m in record.mentions] == ["7157"]
    assert [s.reason for s in skips] == ["non-numeric Entrez"] * 4
    assert "'B'" in skips[1].detail


def test_crlf_and_bom_are_accepted():
    text = old_record("X", hgnc(("TP53", "7157"))).replace("\n", "\r\n")
    record, skips = parse(b"\xef\xbb\xbf" + text.encode())
    assert skips == [] and record.figid == "X"


def test_non_utf8_bytes_are_skipped_with_offset():
    record, skips = parse(b"---\nfigid: X\nfigtitle: caf\xe9\n---\n")
    assert record is None
    assert skips[0].reason == "not UTF-8" and "offset 26" in skips[0].detail


def test_title_with_tabs_newlines_and_percent_is_folded():
    text = old_record("X", hgnc(("TP53", "7157")), title="").replace(
        "figtitle: ''", 'figtitle: "p53\\tsignalling\\n  at 50%   dose"'
    )
    record, _ = parse(text)
    assert record.title == "p53 signalling at 50% dose"


def test_empty_title_becomes_the_figid():
    record, _ = parse(old_record("FIGX", hgnc(("TP53", "7157")), title=""))
    assert record.title == "FIGX"


def test_figid_with_slash_and_dots_is_kept_as_text_not_a_path():
    record, _ = parse(old_record("../../etc/passwd", hgnc(("TP53", "7157"))), name="evil.md")
    assert record.figid == "../../etc/passwd"
    assert record.file == "evil.md"


def test_figlink_becomes_a_full_pmc_url():
    record, _ = parse(old_record("X", hgnc(("TP53", "7157")), figlink="/pmc/articles/PMC1/figure/F1/"))
    assert record.figlink == "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1/figure/F1/"


def test_front_matter_split_stops_at_closing_marker():
    assert split_front_matter("---\na: 1\n---\nbody\n---\n") == "a: 1\n"


def test_real_old_and_new_format_records_parse(shared_dir: Path):
    for path in sorted((shared_dir / "pfocr" / "records").rglob("*.md")):
        record, skips = read_record(path, path.name)
        assert record is not None and skips == [], path
        assert record.mentions


def test_yaml_anchors_and_tags_fall_back_to_the_full_safe_loader():
    text = (
        "---\nfigid: X\nfigtitle: &t Shared title\npapertitle: *t\n"
        "genes:\n- entrez: !!str 7157\n  hgnc_symbol: TP53\n---\n"
    )
    record, skips = parse(text)
    assert skips == [] and record.papertitle == "Shared title"
    assert [m.entrez for m in record.mentions] == ["7157"]


def test_unsafe_yaml_tags_are_refused_not_run():
    record, skips = parse("---\nfigid: X\nfigtitle: !!python/object/apply:os.system ['echo hi']\n---\n")
    assert record is None and skips[0].reason == "malformed YAML"


def test_fast_reader_gives_what_yaml_load_gives_on_real_records(shared_dir: Path):
    import yaml

    from pfocr_enrich.records.reader import USED_KEYS, load_front_matter

    for path in sorted((shared_dir / "pfocr" / "records").rglob("*.md")):
        front = split_front_matter(path.read_text(encoding="utf-8"))
        fast, full = load_front_matter(front), yaml.load(front, Loader=yaml.CSafeLoader)
        assert set(fast) == USED_KEYS & set(full)
        for key in fast:
            if key == "genes":
                assert fast[key] == [{k: str(v) for k, v in gene.items()} for gene in full[key]]
            else:
                assert fast[key] == str(full[key])


# The fast reader (records/reader.py says how): entries checked alone by the C parser, used ones read
# as events, PFOCR's regular `genes:` list as text. These tests hold it to the full parse and
# check that it steps aside when unsure.
REGULAR_GENES = (
    "genes:\n- word: GSK-3\n  symbol: GSK3\n  source: bioentities_symbol\n  hgnc_symbol: GSK3B\n  entrez: '2932'\n"
)


def _front(genes_block: str, before: str = "figid: X\n", after: str = "chemicals: []\n") -> str:
    return before + genes_block + after


def _expected(front: str) -> dict:
    """What yaml.load reads for the used keys, values as the text written (as the readers give
    them: an empty value is "", not None)."""
    import yaml

    from pfocr_enrich.records.reader import USED_KEYS

    full = yaml.load(front, Loader=yaml.CSafeLoader)
    out = {}
    for key in USED_KEYS & set(full):
        if key == "genes" and isinstance(full[key], list):
            out[key] = [{k: "" if v is None else str(v) for k, v in gene.items()} for gene in full[key]]
        else:
            out[key] = full[key] if key == "genes" else str(full[key])
    return out


def test_regular_genes_list_is_read_as_text_and_equals_the_c_parser():
    from pfocr_enrich.records.reader import _front_matter_by_entries, _regular_gene_mentions

    block = (
        REGULAR_GENES + "- word: PI(4,5)P2 kinase\n  symbol: PIK3CA\n  source: hgnc_alias_symbol\n"
        "  hgnc_symbol: NF-κB/p65\n  entrez: 5290\n- word: Chemokines,\n  symbol: ''\n  source: x\n"
        "  hgnc_symbol: 5'-NT\n  entrez: '0207'\n"
    )
    assert _regular_gene_mentions(block) is not None
    front = _front(block, before="figid: X\ncaption: 'A caption: with a colon'\nfigtitle: Title\n")
    fast = _front_matter_by_entries(front)
    assert fast is not None and fast == _expected(front)
    assert fast["genes"][1] == {
        "word": "PI(4,5)P2 kinase",
        "symbol": "PIK3CA",
        "source": "hgnc_alias_symbol",
        "hgnc_symbol": "NF-κB/p65",
        "entrez": "5290",
    }
    record, skips = parse(f"---\n{front}---\n")
    assert [m.entrez for m in record.mentions] == ["2932", "5290", "207"] and not skips


IRREGULAR_GENES = {
    "comment between mentions": REGULAR_GENES + "# a comment\n" + REGULAR_GENES.removeprefix("genes:\n"),
    "blank line inside": REGULAR_GENES + "\n" + REGULAR_GENES.removeprefix("genes:\n"),
    "trailing comment": REGULAR_GENES.replace("GSK-3\n", "GSK-3 # note\n"),
    "colon in value": REGULAR_GENES.replace("GSK-3\n", "GSK-3: x\n"),
    "escaped quote": REGULAR_GENES.replace("'2932'", "'29''32'"),
    "double-quoted": REGULAR_GENES.replace("'2932'", '"2932"'),
    "double-quoted escape": REGULAR_GENES.replace("'2932'", '"29\\t32"'),
    "wrapped value": REGULAR_GENES.replace("GSK-3\n", "GSK-3\n    continued\n"),
    "trailing space": REGULAR_GENES.replace("GSK-3\n", "GSK-3 \n"),
    "two inner spaces": REGULAR_GENES.replace("GSK-3\n", "GSK  3\n"),
    "tab": REGULAR_GENES.replace("word: GSK-3", "word:\tGSK-3"),
    "keys in another order": REGULAR_GENES.replace(
        "  symbol: GSK3\n  source: bioentities_symbol\n", "  source: bioentities_symbol\n  symbol: GSK3\n"
    ),
    "a key missing": REGULAR_GENES.replace("  symbol: GSK3\n", ""),
    "indented list": REGULAR_GENES.replace("\n- ", "\n  - ").replace("\n  symbol", "\n    symbol"),
    "flow mapping": "genes:\n- {word: A, entrez: '1'}\n",
    "anchor": REGULAR_GENES.replace("GSK-3\n", "&a GSK-3\n"),
    "alias": REGULAR_GENES.replace("GSK-3\n", "*alias\n"),
    "empty value": REGULAR_GENES.replace("GSK-3\n", "\n"),
    "empty list": "genes: []\n",
}


@pytest.mark.parametrize("name", sorted(IRREGULAR_GENES))
def test_irregular_genes_lists_are_read_by_the_c_parser(name: str):
    import yaml

    from pfocr_enrich.records.reader import _regular_gene_mentions, load_front_matter

    assert _regular_gene_mentions(IRREGULAR_GENES[name]) is None
    front = _front(IRREGULAR_GENES[name])
    try:
        expected = _expected(front)
    except yaml.YAMLError:
        record, skips = parse(f"---\n{front}---\n")
        assert record is None and skips[0].reason == "malformed YAML"
        return
    got = load_front_matter(front)
    if name in ("anchor", "alias"):  # left to yaml.load, which resolves them
        assert len(got["genes"]) == len(expected["genes"])
    else:
        assert got == expected


def test_genes_key_inside_a_quoted_caption_is_not_cut_out():
    from pfocr_enrich.records.reader import _front_matter_by_entries, load_front_matter

    # PyYAML does not require a double-quoted scalar's lines to be indented.
    front = 'figid: X\ncaption: "starts\n' + REGULAR_GENES + 'ends"\ngenes: []\n'
    assert _front_matter_by_entries(front) is None
    assert load_front_matter(front) == {"figid": "X", "genes": []}


def test_flow_list_running_past_column_zero_is_not_cut():
    from pfocr_enrich.records.reader import _front_matter_by_entries, load_front_matter

    front = "figid: X\nkeywords: [a,\nfigtitle: fake]\nfigtitle: Real\n"
    assert _front_matter_by_entries(front) is None
    assert load_front_matter(front) == {"figid": "X", "figtitle": "Real"}


def test_malformed_yaml_beside_a_regular_genes_list_is_reported_at_its_own_line():
    # The error is noticed on line 10 of the file (the line after the unclosed list).
    text = "---\nfigid: X\n" + REGULAR_GENES + "caption: [unclosed\nchemicals: []\n---\n"
    record, skips = parse(text)
    assert record is None and skips[0].reason == "malformed YAML"
    assert skips[0].detail.startswith("front matter line 10:")


def test_malformed_yaml_in_an_unused_nested_value_is_found():
    text = "---\nfigid: X\n" + REGULAR_GENES + "schema-jsonld:\n  name: a\n   bad: indent\n---\n"
    record, skips = parse(text)
    assert record is None and skips[0].reason == "malformed YAML"


def test_second_genes_key_wins_as_in_yaml_load():
    from pfocr_enrich.records.reader import load_front_matter

    front = _front(REGULAR_GENES, after="genes:\n- word: B\n  entrez: '2'\n")
    assert load_front_matter(front)["genes"] == [{"word": "B", "entrez": "2"}]


# Mostly gene-like words (which the text reader takes), some arbitrary text (which it must not
# misread): both kinds in one list send the whole list one way or the other.
_gene_text = st.one_of(
    st.from_regex(r"[A-Za-z0-9αβκ(][A-Za-z0-9αβκ()/+,.'-]{0,8}(?: [A-Za-z0-9]{1,3})?", fullmatch=True),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x3000), max_size=12),
)
_MENTION_KEYS = ["word", "symbol", "source", "hgnc_symbol", "entrez"]
_mention = st.one_of(
    st.fixed_dictionaries({key: _gene_text for key in _MENTION_KEYS}),  # PFOCR's shape
    st.dictionaries(st.sampled_from(_MENTION_KEYS), _gene_text, min_size=1),
)
_unused_value = st.recursive(
    _gene_text | st.integers() | st.booleans() | st.none(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.from_regex(r"[a-z@']{1,6}", fullmatch=True), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(
    genes=st.lists(_mention, min_size=1, max_size=4),
    title=_gene_text,
    unused=st.dictionaries(
        st.sampled_from(["caption", "keywords", "schema-jsonld", "ndex", "chemicals"]), _unused_value
    ),
)
def test_fast_reader_agrees_with_yaml_load_on_any_dumped_record(genes, title, unused):
    import yaml

    from pfocr_enrich.records.reader import _front_matter_by_entries, load_front_matter

    record = {"figid": "X", **unused, "figtitle": title, "genes": genes}
    front = yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=60)
    expected = _expected(front)
    fast = _front_matter_by_entries(front)
    if fast is not None:  # when it reads the record, it reads what yaml.load reads
        assert fast == expected
    assert load_front_matter(front) == expected


def test_fast_reader_reads_most_dumped_records_itself():
    import yaml

    from pfocr_enrich.records.reader import _front_matter_by_entries

    record = {
        "figid": "PMC1__f1",
        "caption": "A long caption: " + "words and (more) words, 50% of them " * 6,
        "figtitle": "EGFR signaling",
        "year": "2005",
        "schema-jsonld": {"@context": "https://schema.org/", "keywords": ["EGFR", "KRAS"]},
        "genes": [{"word": "EGFR", "symbol": "EGFR", "source": "hgnc_symbol", "hgnc_symbol": "EGFR", "entrez": "1956"}],
        "chemicals": [],
    }
    front = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
    assert _front_matter_by_entries(front) == _expected(front)


# Chemicals and diseases (issue 16): read only when asked, IDs normalised, every unusable row listed.
def test_chemicals_and_diseases_are_read_only_when_asked():
    text = old_record("X", hgnc(("TP53", "7157")), chemicals=[("AMP", "D000249")])
    assert parse(text)[0].chemicals == ()
    record, skips = parse_record(text.encode(), "X.md", entities=True)
    assert [(m.word, m.ids) for m in record.chemicals] == [("AMP", ("mesh:D000249",))] and skips == []


def test_old_format_mentions_get_their_bare_mesh_ids_prefixed():
    text = old_record(
        "X",
        hgnc(("TP53", "7157")),
        chemicals=[("AMP", "D000249"), ("Glucose", "D005947"), ("Tol", "C543792"), ("AMP", "D000249")],
        diseases=[("Glucose uptuke", "D018149")],
    )
    record, _ = parse_record(text.encode(), "X.md", entities=True)
    assert [m.ids[0] for m in record.chemicals] == ["mesh:D000249", "mesh:D005947", "mesh:C543792", "mesh:D000249"]
    assert record.diseases[0] == ("Glucose uptuke", ("mesh:D018149",), "", "")


def test_old_format_mentions_without_usable_id_are_listed_by_item():
    chemicals = (
        "chemicals:\n- word: A\n  source: MESH\n  identifier: D00024\n"
        "- word: C\n  source: KEGG\n  identifier: C00002\n- word: D\n  source: MESH\n  identifier: NA\n"
    )
    text = old_record("X", hgnc(("TP53", "7157"))).replace("chemicals: []\n", chemicals)
    record, skips = parse_record(text.encode(), "X.md", entities=True)
    assert record.chemicals == ()
    assert [(s.reason, s.detail.split(":")[0]) for s in skips] == [
        ("malformed MeSH ID", "chemicals item 1 (word 'A')"),
        ("unknown chemical ID source", "chemicals item 2 (word 'C')"),
        ("no chemical ID", "chemicals item 3 (word 'D')"),
    ]


def test_current_format_tables_keep_every_mention_with_its_ids_and_names(tmp_path: Path):
    md = new_record(tmp_path, "FIG", [("Homo sapiens", "TP53", "TP53", "7157", "ncbigene_symbol")])
    chemicals = [
        ("NADH", "mesh:D009243", "NAD", "NAD(+)", "chebi:15846"),
        ("Lactate", "mesh:D019344", "NA", "NA", "NA"),
        ("NAD", "MESH:D009243", "NAD", "NAD(+)", "CHEBI:15846"),  # repeated, in another spelling
    ]
    (tmp_path / "_data/FIG-chemicals.tsv").write_text(entity_tsv("chemicals", chemicals))
    (tmp_path / "_data/FIG-diseases.tsv").write_text(
        entity_tsv(
            "diseases", [("LPS", "mesh:C536528", "Van der Woude syndrome", "Van der Woude syndrome", "doid:0060239")]
        )
    )
    record, skips = read_record(md, "FIG.md", entities=True)
    assert skips == []
    assert [(m.word, m.ids, m.match, m.name) for m in record.chemicals] == [
        ("NADH", ("mesh:D009243", "chebi:15846"), "NAD", "NAD(+)"),
        ("Lactate", ("mesh:D019344",), "", ""),
        ("NAD", ("mesh:D009243", "chebi:15846"), "NAD", "NAD(+)"),
    ]
    assert record.diseases[0].ids == ("mesh:C536528", "doid:0060239")


def test_na_rows_and_malformed_ids_are_listed_with_their_table_line(tmp_path: Path):
    md = new_record(tmp_path, "FIG", [("Homo sapiens", "TP53", "TP53", "7157", "ncbigene_symbol")])
    rows = [
        ("Stroma", "NA", "NA", "NA", "NA"),
        ("ATP", "mesh:D000255", "ATP", "ATP", "chebi:ATP"),
        ("Foo", "D12", "NA", "NA", "NA"),
    ]
    (tmp_path / "_data/FIG-chemicals.tsv").write_text(entity_tsv("chemicals", rows))
    record, skips = read_record(md, "FIG.md", entities=True)
    assert [m.ids for m in record.chemicals] == [("mesh:D000255",)]  # its malformed ChEBI ID is left out
    assert [(s.reason, s.detail.split(":")[0]) for s in skips] == [
        ("no chemical ID", "FIG-chemicals.tsv line 2 (word 'Stroma')"),
        ("malformed ChEBI ID", "FIG-chemicals.tsv line 3 (word 'ATP')"),
        ("malformed MeSH ID", "FIG-chemicals.tsv line 4 (word 'Foo')"),
    ]


def test_a_table_without_its_id_column_is_listed_and_the_genes_kept(tmp_path: Path):
    md = new_record(tmp_path, "FIG", [("Homo sapiens", "TP53", "TP53", "7157", "ncbigene_symbol")])
    (tmp_path / "_data/FIG-diseases.tsv").write_text("word\tmesh\tmatch\tname\nLPS\tmesh:C536528\tNA\tNA\n")
    record, skips = read_record(md, "FIG.md", entities=True)
    assert record.mentions and record.diseases == ()
    assert [s.reason for s in skips] == ["malformed diseases table"] and "lacks column(s) doid" in skips[0].detail


def test_record_without_genes_is_read_for_its_chemicals_only_when_they_are_read(tmp_path: Path):
    (tmp_path / "_data").mkdir()
    (tmp_path / "CHEM.md").write_text("---\nfigid: CHEM\n---\n")
    rows = [("lactate", "mesh:D019344", "NA", "NA", "NA"), ("NAD NADH", "mesh:D009243", "NAD", "NAD(+)", "chebi:15846")]
    (tmp_path / "_data/CHEM-chemicals.tsv").write_text(entity_tsv("chemicals", rows))
    record, skips = read_record(tmp_path / "CHEM.md", "CHEM.md")
    assert record is None and [s.reason for s in skips] == ["no genes"]
    record, skips = read_record(tmp_path / "CHEM.md", "CHEM.md", entities=True)
    assert record.mentions == () and len(record.chemicals) == 2
    assert [s.reason for s in skips] == ["no genes"] and "read for its chemicals and diseases" in skips[0].detail
    (tmp_path / "_data/CHEM-chemicals.tsv").write_text(entity_tsv("chemicals", [("x", "NA", "NA", "NA", "NA")]))
    record, skips = read_record(tmp_path / "CHEM.md", "CHEM.md", entities=True)
    assert record is None and [s.reason for s in skips] == ["no genes", "no chemical ID"]


def test_chemicals_table_beside_a_record_with_inline_chemicals_wins_and_the_record_is_listed(tmp_path: Path):
    (tmp_path / "MIXED.md").write_text(old_record("MIXED", hgnc(("TP53", "7157")), chemicals=[("AMP", "D000249")]))
    (tmp_path / "MIXED-chemicals.tsv").write_text(entity_tsv("chemicals", [("ATP", "mesh:D000255", "A", "B", "NA")]))
    record, skips = read_record(tmp_path / "MIXED.md", "MIXED.md", entities=True)
    assert [m.ids for m in record.chemicals] == [("mesh:D000255",)]
    assert [s.reason for s in skips] == ["inline chemicals superseded"]


def test_fast_reader_reads_chemicals_and_diseases_as_yaml_load_does(shared_dir: Path):
    import yaml

    from pfocr_enrich.records.reader import ENTITY_KEYS, USED_KEYS, _front_matter_by_entries

    used = USED_KEYS | ENTITY_KEYS
    for path in sorted((shared_dir / "pfocr/records/old_format").glob("*.md")):
        front = split_front_matter(path.read_text(encoding="utf-8"))
        fast, full = _front_matter_by_entries(front, used), yaml.load(front, Loader=yaml.CSafeLoader)
        assert fast is not None, path  # the fast path, not the whole-document fallback
        for key in ENTITY_KEYS:
            assert fast[key] == [{k: str(v) for k, v in item.items()} for item in full[key]]


@pytest.mark.parametrize(
    "block",
    [
        "chemicals: []\n",
        "chemicals:\n- word: AMP\n  source: MESH\n  identifier: D000249\n"
        "- word: 'Tol: x'\n  source: MESH\n  identifier: C543792\n",
        "chemicals:\n- {word: AMP, source: MESH, identifier: D000249}\n",  # flow: left to the C parser
        "chemicals:\n- word: AMP\n  identifier: D000249\n  source: MESH\n",  # keys in another order
        'chemicals:\n- word: "A\\tB"\n  source: MESH\n  identifier: D000249\n',
    ],
)
def test_inline_chemicals_read_as_text_or_by_the_c_parser_equal_yaml_load(block: str):
    import yaml

    from pfocr_enrich.records.reader import ENTITY_KEYS, USED_KEYS, load_front_matter

    front = "figid: X\n" + REGULAR_GENES + block + "diseases: []\n"
    full = yaml.load(front, Loader=yaml.CSafeLoader)
    got = load_front_matter(front, USED_KEYS | ENTITY_KEYS)
    assert got["chemicals"] == [{k: str(v) for k, v in item.items()} for item in full["chemicals"]]
    assert got["diseases"] == []
