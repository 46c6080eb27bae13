"""Text helpers shared by every stage."""

from pfocr_enrich.text import human_size


def test_human_size_reads_as_disk_quotas_do():
    assert [human_size(n) for n in (0, 950, 12_345, 2_140_000_000, 5 * 10**12)] == [
        "0 B",
        "950 B",
        "12.3 kB",
        "2.1 GB",
        "5000.0 GB",
    ]
