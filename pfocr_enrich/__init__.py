"""pfocr-enrich: PFOCR figure records -> gene sets -> GMT -> enrichment -> report."""

__version__ = "0.3.0"
