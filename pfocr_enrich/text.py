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
