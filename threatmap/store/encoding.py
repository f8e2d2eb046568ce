"""Bytes of a file to text: UTF-8 (BOM allowed), UTF-16 with a BOM, mostly-UTF-8 with its bad bytes replaced and
reported, else Arabic Windows cp1256; binary files refused by their signature."""

from __future__ import annotations

import re

from threatmap.errors import DocumentError

__all__ = ["SURROGATE", "decode"]

MAGIC = {b"%PDF": "a PDF", b"PK\x03\x04": "a ZIP/DOCX/XLSX archive", b"\xd0\xcf\x11\xe0": "an old MS Office file",
         b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
         b"\x1f\x8b": "a gzip archive", b"SQLite format 3": "an SQLite database"}
SURROGATE = re.compile(r"[\ud800-\udfff]")
"""Lone surrogates: what ``surrogateescape`` makes of bytes that are not UTF-8, and what ``"\\ud800"`` escapes give."""


def decode(where: str, data: bytes) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``(text, notes)`` of a file's bytes; ``where`` names the file in notes and errors.

    Raises
    ------
    DocumentError
        For binary files (PDF, archives, images …) and text in no encoding we read.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte order mark (Windows "Unicode")
        try:
            return data.decode("utf-16"), ((where, "UTF-16 text decoded; UTF-8 is preferred"),)
        except UnicodeDecodeError:
            raise DocumentError(f"{where}: starts like UTF-16 but is not valid UTF-16; "
                                f"fix: save the file as UTF-8") from None
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            raise DocumentError(f"{where}: this is {kind}, not text; fix: export its text to .txt or .md first")
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{where}: binary content (NUL bytes); expected text (UTF-8); "
                            f"fix: export the text to .txt, or save UTF-16 files as UTF-8")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError as exc:
        utf8_error = exc
    mixed = data.decode("utf-8-sig", "surrogateescape")  # each byte that is not UTF-8 becomes one U+DC80..U+DCFF
    bad = [m.start() for m in SURROGATE.finditer(mixed)]
    good = len(re.sub(r"[\x00-\x7f\udc80-\udcff]+", "", mixed).encode("utf-8"))
    if good >= len(bad) or len(bad) * 100 <= len(data):  # mostly UTF-8: keep it, replace the bad bytes
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        offsets = byte_offsets(mixed, bad, bom)
        shown = ", ".join(map(str, offsets[:10])) + (", …" if len(offsets) > 10 else "")
        return SURROGATE.sub("\ufffd", mixed), ((where, f"{len(bad)} byte(s) that are not UTF-8 replaced by U+FFFD "
                                                   f"(byte offsets {shown}); fix: save the file as UTF-8"),)
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        text = ""
    letters = [ch for ch in text if ch.isalpha()]
    arabic = sum("\u0600" <= ch <= "\u06ff" for ch in letters)
    if letters and arabic >= 0.3 * len(letters):
        return text, ((where, "not UTF-8; decoded as Arabic Windows (cp1256)"),)
    byte = data[utf8_error.start:utf8_error.start + 1]
    raise DocumentError(f"{where}: not UTF-8 (byte {byte!r} at offset {utf8_error.start}) and not Arabic "
                        f"Windows cp1256 text either; fix: save the file as UTF-8")


def byte_offsets(text: str, positions: list[int], start: int) -> list[int]:
    """Byte offsets in the file of the characters at ``positions`` of ``text`` (decoded with surrogateescape)."""
    out, cursor, offset = [], 0, start
    for pos in positions:
        offset += len(text[cursor:pos].encode("utf-8", "surrogateescape"))
        out.append(offset)
        cursor = pos
    return out
