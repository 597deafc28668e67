"""The text a PNG carries (its iTXt chunks), so that a downloaded chart names itself."""

from __future__ import annotations

import struct
import zlib


def png_with_text(png: bytes, text: dict[str, str]) -> bytes:
    """``png`` with UTF-8 text chunks (iTXt) after its header, so the file names its chart."""
    signature, header_end = png[:8], 8 + 4 + 4 + 13 + 4  # IHDR: length, type, 13 bytes, CRC
    chunks = b""
    for keyword, value in text.items():
        if not value:
            continue
        body = keyword.encode("latin-1") + b"\x00\x00\x00\x00\x00" + value.encode("utf-8")
        chunk_type = b"iTXt"
        crc = zlib.crc32(chunk_type + body) & 0xFFFFFFFF
        chunks += struct.pack(">I", len(body)) + chunk_type + body + struct.pack(">I", crc)
    return signature + png[8:header_end] + chunks + png[header_end:]


def png_text(png: bytes) -> dict[str, str]:
    """The iTXt chunks of ``png`` (what :func:`png_with_text` wrote)."""
    found: dict[str, str] = {}
    at = 8
    while at + 8 <= len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        body = png[at + 8 : at + 8 + length]
        if kind == b"iTXt":
            keyword, rest = body.split(b"\x00", 1)
            # compression flag, method, then language tag and translated keyword (both empty)
            value = rest[2:].split(b"\x00", 2)[-1]
            found[keyword.decode("latin-1")] = value.decode("utf-8")
        at += 12 + length
    return found
