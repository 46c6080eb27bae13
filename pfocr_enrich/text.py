"""Text from records and user files made safe for one-line, tab-separated outputs."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")


def fold_text(text: object) -> str:
    """One line of text: tabs, newlines and runs of white space become one space, ends trimmed."""
    if text is None:
        return ""
    text = str(text)
    # The common case, checked without a regex: printable (so no tab, newline or other white
    # space than ' '), no double space, no space at either end: nothing to fold.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return _SPACES.sub(" ", text).strip()


def human_size(n_bytes: int) -> str:
    """A byte count as people read it: 950 B, 12.3 kB, 1.2 GB (powers of 1,000, as disk quotas)."""
    size = float(n_bytes)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")
