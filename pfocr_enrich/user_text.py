"""Reading a user's text file (gene lists, ID tables, GMTs): UTF-8 with BOM and CRLF tolerated."""

from pathlib import Path

from pfocr_enrich.errors import InputError


def read_user_text(path: Path, what: str, fix: str) -> str:
    """A user's text file (UTF-8, BOM and CRLF tolerated), or an InputError naming it.

    `what` names the input ("Gene list", "ID table"); `fix` says where to change it.
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{what} {path}: cannot read it ({err.strerror}). {fix}") from err
    return decode_user_text(data, path, what)


def decode_user_text(data: bytes, path: Path, what: str) -> str:
    """`data` read from `path` as text: UTF-8 (BOM and CRLF tolerated), or an InputError naming the line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(
            f"{what} {path} line {line}: not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}. "
            "Re-save it as UTF-8 (in Excel: 'CSV UTF-8')."
        ) from err
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
