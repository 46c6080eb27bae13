"""How a workflow step reports: progress to its log file and the terminal, errors without tracebacks."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pfocr_enrich.errors import InputError


@contextmanager
def step_logging(log_file: str | Path | None) -> Iterator[logging.Logger]:
    """Log to `log_file` and stderr; turn an InputError into one clear line and exit 1."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, mode="w", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", handlers=handlers, force=True)
    logger = logging.getLogger("pfocr_enrich")
    try:
        yield logger
    except InputError as err:
        logger.error("ERROR: %s", err)
        sys.exit(1)
