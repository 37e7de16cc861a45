"""A one-page PDF of lines of text, Chinese included, with no font file.

The text is set in ``STSong-Light``, one of the CID fonts every PDF reader has for
Simplified Chinese (Adobe-GB1, encoding ``UniGB-UCS2-H``): the file names the font and
carries none, so it stays a few kilobytes. Each string is written as UCS-2 big-endian hex;
a character outside the Basic Multilingual Plane is shown as ``?``. Lines beyond what one A4
page holds are cut (a payslip has a dozen).
"""

from __future__ import annotations

from collections.abc import Sequence

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4, in points
MARGIN, LEADING = 48, 15
MAX_LINES = (PAGE_HEIGHT - 2 * MARGIN) // LEADING


def _hex(text: str) -> str:
    units = (ord(c) if ord(c) <= 0xFFFF else ord("?") for c in text)
    return "<" + "".join(f"{u:04X}" for u in units) + ">"


def _content(title: str, lines: Sequence[str]) -> bytes:
    parts = ["BT", f"/F1 14 Tf {MARGIN} {PAGE_HEIGHT - MARGIN} Td", f"{_hex(title)} Tj"]
    parts.append(f"/F1 9 Tf 0 -{LEADING + 6} Td")
    for n, line in enumerate(lines[: MAX_LINES - 2]):
        if n:
            parts.append(f"0 -{LEADING} Td")
        parts.append(f"{_hex(line)} Tj")
    parts.append("ET")
    return "\n".join(parts).encode("ascii")


def document(title: str, lines: Sequence[str]) -> bytes:
    """A PDF of ``title`` above ``lines``."""
    stream = _content(title, lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".encode("ascii"),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
