"""Small valid PDF and PNG files for demo data, tests and benchmarks."""

from __future__ import annotations

import struct
import zlib


def sample_png(width: int = 120, height: int = 80, rgb: tuple[int, int, int] = (40, 90, 160)) -> bytes:
    """A solid-colour PNG with a lighter band, valid for any image viewer."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    light = tuple(min(255, c + 90) for c in rgb)
    rows = []
    for y in range(height):
        colour = light if height // 3 <= y < 2 * height // 3 else rgb
        rows.append(b"\x00" + bytes(colour) * width)
    raw = zlib.compress(b"".join(rows), 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def blank_png(width: int, height: int) -> bytes:
    """A valid black PNG of any size, a few KB even at 20000×20000 (1-bit grey, compressed block
    by block): what a decompression bomb looks like, for tests of the image limits."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    parts = [packer.compress(row * 1000) for _ in range(height // 1000)]
    parts += [packer.compress(row * (height % 1000)), packer.flush()]
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


def sample_jpeg(width: int = 120, height: int = 80, rgb: tuple[int, int, int] = (160, 90, 40)) -> bytes:
    """A solid-colour JPEG (needs Pillow)."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height), rgb).save(out, "JPEG", quality=85)
    return out.getvalue()


def sample_pdf(title: str = "Sample document", *, size: int | None = None) -> bytes:
    """A one-page PDF with an ASCII title line; `size` pads it (with a comment) to exactly that
    many bytes."""
    if size is not None:
        plain = _pdf(title, 0)
        padding = size - len(plain)
        for _ in range(5):  # the padding moves the offsets, whose digits may grow
            out = _pdf(title, padding)
            if len(out) == size:
                return out
            padding += size - len(out)
        raise ValueError(f"cannot pad a PDF to {size} bytes")
    return _pdf(title, 0)


def _pdf(title: str, padding: int) -> bytes:
    safe = "".join(ch for ch in title if 32 <= ord(ch) < 127).replace("(", "[").replace(")", "]")
    stream = f"BT /F1 18 Tf 72 760 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    if padding > 0:
        out += b"%" + b"0" * max(0, padding - 2) + b"\n"
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def sample_scan_pdf(lines: list[str] | tuple[str, ...] = ("사업자등록증",), pages: int = 1) -> bytes:
    """A PDF like a scanned certificate: each page an A4 picture (100 dpi, grey) with the Korean
    `lines` drawn in the bundled NanumGothic and "쪽 n / pages" at the bottom. Needs Pillow."""
    from importlib import resources
    from io import BytesIO

    from PIL import Image, ImageDraw, ImageFont

    font_path = resources.files("kvoucher_desktop") / "resources" / "fonts" / "NanumGothic.ttf"
    with resources.as_file(font_path) as path:
        big, small = ImageFont.truetype(str(path), 40), ImageFont.truetype(str(path), 22)
    sheets = []
    for number in range(1, pages + 1):
        sheet = Image.new("L", (827, 1169), 255)
        draw = ImageDraw.Draw(sheet)
        draw.rectangle((40, 40, 786, 1128), outline=90, width=3)
        y = 90
        for i, line in enumerate(lines):
            draw.text((80, y), line, fill=20, font=big if i == 0 else small)
            y += 70 if i == 0 else 40
        draw.text((360, 1080), f"쪽 {number} / {pages}", fill=60, font=small)
        sheets.append(sheet)
    out = BytesIO()
    sheets[0].save(out, "PDF", resolution=100.0, save_all=True, append_images=sheets[1:])
    return out.getvalue()
