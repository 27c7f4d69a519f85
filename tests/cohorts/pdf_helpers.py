"""Reading reportlab's PDFs back in tests without a PDF library: the page content streams are
inflated and the text drawn with the built-in fonts (WinAnsi) is collected in drawing order."""

from __future__ import annotations

import base64
import re
import zlib

_STREAM = re.compile(rb"<<([^<>]*?)>>\s*stream\r?\n")


def streams(pdf: bytes) -> list[tuple[bytes, bytes]]:
    """(dictionary, decoded data) of every stream of the file."""
    found = []
    for match in _STREAM.finditer(pdf):
        header = match.group(1)
        length = int(re.search(rb"/Length (\d+)", header).group(1))
        data = pdf[match.end() : match.end() + length]
        if b"/ASCII85Decode" in header:
            data = base64.a85decode(data.strip(), adobe=True)
        if b"/FlateDecode" in header:
            data = zlib.decompress(data)
        found.append((header, data))
    return found


def _literal_strings(content: bytes) -> list[bytes]:
    """The literal strings ``( ... )`` of a content stream, escapes resolved."""
    out, i = [], 0
    while i < len(content):
        if content[i : i + 1] != b"(":
            i += 1
            continue
        depth, i, chunk = 1, i + 1, bytearray()
        while i < len(content) and depth:
            ch = content[i : i + 1]
            if ch == b"\\":
                nxt = content[i + 1 : i + 2]
                octal = re.match(rb"[0-7]{1,3}", content[i + 1 : i + 4])
                if octal:
                    chunk.append(int(octal.group(0), 8))
                    i += 1 + len(octal.group(0))
                    continue
                chunk += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(nxt, nxt)
                i += 2
                continue
            if ch == b"(":
                depth += 1
            elif ch == b")":
                depth -= 1
                if not depth:
                    i += 1
                    break
            chunk += ch
            i += 1
        out.append(bytes(chunk))
    return out


def pdf_text(pdf: bytes) -> str:
    """The text drawn with built-in fonts, whitespace collapsed (one space between pieces)."""
    pieces = []
    for header, data in streams(pdf):
        if b"/Length1" in header or b"BT" not in data:
            continue  # embedded font files, images
        pieces += [s.decode("cp1252", "replace") for s in _literal_strings(data)]
    return " ".join(" ".join(pieces).split())
