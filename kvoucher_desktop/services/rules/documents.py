"""Document rules of SPEC §8: accepted file kinds by content, size, required set; the names
files are stored and saved under (never the uploaded name), and the decoding limits of images
and PDFs (docs/decisions.md "Documents that cannot run")."""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zlib

# Pillow and PDFium are imported with this module (at start-up, on the GUI thread), never
# lazily in a worker thread: PySide6's import hook is not safe there.
from PIL import Image

from ...enums import CompanyType, DocumentType, IssuerType
from ..pdf import PdfError, page_count

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

DOC_LABELS = {
    DocumentType.BUSINESS_REGISTRATION: "사업자등록증",
    DocumentType.NATIONAL_TAX: "국세 완납증명서",
    DocumentType.LOCAL_TAX: "지방세 완납증명서",
    DocumentType.CORPORATE_REGISTRY: "법인 등기부등본",
    DocumentType.INSURANCE_ROSTER: "4대보험 사업장 가입자 명부",
    DocumentType.DISABLED_ENTERPRISE: "장애인기업확인서",
    DocumentType.WOMEN_ENTERPRISE: "여성기업확인서",
}

#: the certificates that let a previous-year participant sign up again
REENTRY_CERTIFICATES = frozenset({DocumentType.DISABLED_ENTERPRISE, DocumentType.WOMEN_ENTERPRISE})


def required_documents(company_type: CompanyType, issuer_type: IssuerType) -> list[DocumentType]:
    docs = [DocumentType.BUSINESS_REGISTRATION, DocumentType.NATIONAL_TAX, DocumentType.LOCAL_TAX]
    if company_type is CompanyType.CORPORATION:
        docs.append(DocumentType.CORPORATE_REGISTRY)
    if issuer_type is IssuerType.STAFF:
        docs.append(DocumentType.INSURANCE_ROSTER)
    return docs


def sniff_content_type(data: bytes) -> str | None:
    """'application/pdf', 'image/jpeg' or 'image/png' by magic bytes, else None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def document_error(filename: str, data: bytes) -> str | None:
    """Korean message for an unacceptable file, or None."""
    if not data:
        return f"'{filename}' 파일이 비어 있습니다."
    if len(data) > MAX_DOCUMENT_BYTES:
        mb = len(data) / (1024 * 1024)
        return f"'{filename}' 파일이 너무 큽니다({mb:.1f}MB). 10MB 이하의 파일만 올릴 수 있습니다."
    if sniff_content_type(data) is None:
        return f"'{filename}'은(는) PDF, JPG, PNG 파일이 아닙니다. 파일 내용을 확인해 주세요."
    return None


# --- names ------------------------------------------------------------------------------------
#: the extensions a sniffed kind may carry; the first one is the one given to a file
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
#: a stored or saved file name: at most this many bytes in UTF-8 (the common file-system limit)
MAX_FILENAME_BYTES = 255
#: characters Windows does not allow in a file name (":" also opens an NTFS alternate stream)
_WINDOWS_FORBIDDEN = frozenset('<>:"|?*')
#: Unicode categories never kept in a name: controls (NUL…), format characters (the right-to-left
#: override that shows "exe.pdf" as "fdp.exe", zero-width characters), lone surrogates, line and
#: paragraph separators
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_DRIVE = re.compile(r"^[A-Za-z]:")
_WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                              *(f"LPT{i}" for i in range(1, 10))})


def _visible(text: str) -> str:
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)
    return unicodedata.normalize("NFC", text)  # a name typed on macOS arrives decomposed


def base_name(filename: str) -> str:
    """The last part of a path, without controls, path parts, drive letters or characters
    Windows forbids; whitespace collapsed (not truncated, no extension rule)."""
    if not isinstance(filename, str):
        return ""
    text = re.split(r"[\\/]", _visible(filename))[-1]
    text = _DRIVE.sub("", text)
    text = "".join("_" if ch in _WINDOWS_FORBIDDEN else ch for ch in text)
    return " ".join(text.split())


def shown_name(filename: str, limit: int = 80) -> str:
    """A file name fit for a message: its cleaned base name, shortened to `limit` characters."""
    name = base_name(filename)
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _looks_like_extension(ext: str) -> bool:
    return 1 <= len(ext) <= 10 and ext.isascii() and ext.isalnum() and not ext.isdigit()


def _fit(stem: str, suffix: str) -> str:
    """`stem + suffix` within MAX_FILENAME_BYTES, cutting the stem on a character boundary."""
    room = MAX_FILENAME_BYTES - len(suffix.encode("utf-8"))
    while len(stem.encode("utf-8")) > room:
        stem = stem[:-1]
    return stem.rstrip(" .") + suffix


def _safe_stem(stem: str, fallback: str) -> str:
    stem = stem.strip(" .")
    if not stem:
        stem = base_name(fallback).strip(" .") or "문서"
    if stem.upper() in _WINDOWS_DEVICES:
        stem = f"{stem}_"
    return stem


def clean_filename(filename: str, content_type: str, fallback: str = "문서") -> str:
    """The name an upload is stored (and listed) under.

    The base name only (no `..`, `/`, `\\`, drive letter), without NUL, control or
    direction-changing characters, at most 255 bytes in UTF-8 (cut on a character boundary,
    the extension kept), and ending in the extension of the sniffed `content_type`: an
    extension that does not fit the content is dropped (`사업자등록증.pdf.bat` of a PDF →
    `사업자등록증.pdf`, `x.exe` of a PNG → `x.png`). An empty name becomes `fallback`.
    """
    allowed = EXTENSIONS[content_type]
    name = base_name(filename).rstrip(" .")  # Windows drops trailing dots and spaces anyway
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    suffix = f".{ext}" if dot else ""
    if suffix.lower() not in allowed:
        if not (dot and _looks_like_extension(ext)):
            stem = name  # "보고서.2024": the dot is part of the name
        inner_stem, inner_dot, inner_ext = stem.rpartition(".")
        if inner_dot and f".{inner_ext}".lower() in allowed:
            stem, suffix = inner_stem, f".{inner_ext}"
        else:
            suffix = allowed[0]
    return _fit(_safe_stem(stem, fallback), suffix)


def save_as_name(label: str, content_type: str) -> str:
    """The name "save as" proposes: the document's label and the sniffed kind's extension
    (`사업자등록증.pdf`), never the uploaded name."""
    label = label.replace("/", "_").replace("\\", "_") if isinstance(label, str) else ""
    return _fit(_safe_stem(base_name(label), "문서"), EXTENSIONS[content_type][0])


def with_sniffed_extension(path: str, content_type: str) -> str:
    """A chosen save path whose file name is cleaned like an upload's and ends in the sniffed
    kind's extension: a different extension is replaced (`x.bat` → `x.pdf`), a missing one
    added; the folder is kept as chosen."""
    cut = max(path.rfind("/"), path.rfind("\\"))
    return path[: cut + 1] + clean_filename(path[cut + 1:], content_type)


# --- content: decoding limits ------------------------------------------------------------------
#: an image larger than this (width × height) is refused before its pixels are decoded
MAX_IMAGE_PIXELS = 40_000_000
#: … and so is one with a side longer than this
MAX_IMAGE_SIDE = 10_000
_PILLOW_FORMAT = {"image/png": "PNG", "image/jpeg": "JPEG"}
#: what a broken image makes Pillow raise (UnidentifiedImageError is an OSError)
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)


def _too_big(what: str, size: tuple[int, int] | None) -> str:
    shown = f"({size[0]:,}×{size[1]:,} 픽셀)" if size else ""
    return (f"{what}가 너무 큽니다{shown}. 가로·세로 각각 {MAX_IMAGE_SIDE:,}픽셀 이하, "
            f"전체 {MAX_IMAGE_PIXELS // 10_000:,}만 픽셀 이하의 이미지만 올릴 수 있습니다.")


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR (for the message when Pillow refused to open it)."""
    if data[12:16] == b"IHDR" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    return None


def _open_image(data: bytes):
    return Image.open(io.BytesIO(data), formats=[_PILLOW_FORMAT[sniff_content_type(data)]])


def image_size_error(data: bytes, what: str) -> str | None:
    """Korean message when the PNG/JPG's header declares a picture over the limits (reads the
    header only: instant, fit for the GUI thread). None otherwise, also when the header cannot
    be read (image_error says so)."""
    if sniff_content_type(data) not in _PILLOW_FORMAT:
        return None
    try:
        with _open_image(data) as im:
            width, height = im.size
    except Image.DecompressionBombError:  # over twice Pillow's own limit: refused while opening
        return _too_big(what, _png_size(data))
    except _DECODE_ERRORS:
        return None
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        return _too_big(what, (width, height))
    return None


def image_error(data: bytes, what: str) -> str | None:
    """Korean message for a PNG/JPG that is too large, truncated or corrupt, else None.

    `what` names the picture in the message ("'스캔.png' 이미지", "대표 이미지"). The size in
    the header is checked first (Image.open reads only the header); only then are the pixels
    verified and decoded, so a 20000×20000 picture never reaches the decoder.
    """
    if sniff_content_type(data) not in _PILLOW_FORMAT:
        return f"{what}는 JPG 또는 PNG 파일이어야 합니다."
    message = image_size_error(data, what)
    if message:
        return message
    broken = f"{what} 파일이 손상되었거나 잘려 있어 열 수 없습니다. 파일을 확인해 주세요."
    try:
        with _open_image(data) as im:
            im.verify()  # chunk checksums and structure, no pixels
        with _open_image(data) as im:
            im.load()  # every pixel: a truncated file fails here
    except Image.DecompressionBombError:
        return _too_big(what, None)
    except _DECODE_ERRORS:
        return broken
    return None


def pdf_error(data: bytes, shown: str) -> str | None:
    """Korean message for a PDF that PDFium cannot open (corrupt, encrypted, no pages)."""
    try:
        pages = page_count(data)
    except PdfError:
        pages = 0
    if pages < 1:
        return (f"'{shown}' PDF 파일을 열 수 없습니다. 손상되었거나 암호가 걸린 파일인지 확인하고 "
                "다시 저장한 PDF를 올려 주세요.")
    return None


def content_error(filename: str, data: bytes) -> str | None:
    """The checks after document_error: a PDF must open, an image must decode within the
    limits. Korean message or None (`data` already passed document_error)."""
    shown = shown_name(filename)
    kind = sniff_content_type(data)
    if kind == "application/pdf":
        return pdf_error(data, shown)
    if kind in _PILLOW_FORMAT:
        return image_error(data, f"'{shown}' 이미지")
    return None
