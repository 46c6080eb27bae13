"""pfocr-enrich: PFOCR figure records -> gene sets -> GMT -> enrichment -> report.

From Python (README, "From Python"):

    >>> import pfocr_enrich as pe
    >>> sorted(pe.__all__)
    ['enrich', 'read_library', 'read_lists']

The functions load on first use (a module `__getattr__`), so `import pfocr_enrich` stays light:
numpy, pandas and scipy load when the API is first called, never for the workflow's own imports.
"""

from __future__ import annotations

__version__ = "0.4.0"

# name -> the module that defines it
_API = {
    "read_library": "pfocr_enrich.api",
    "enrich": "pfocr_enrich.api",
    "read_lists": "pfocr_enrich.api",
}
__all__ = list(_API)


def __getattr__(name: str):
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'pfocr_enrich' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
