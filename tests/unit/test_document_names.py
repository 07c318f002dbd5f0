"""The names files are stored and saved under (pure rules of rules.documents): never the uploaded
name as given, always the extension of the sniffed kind."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvoucher_desktop.services.rules.documents import (
    EXTENSIONS,
    MAX_FILENAME_BYTES,
    clean_filename,
    save_as_name,
    shown_name,
    with_sniffed_extension,
)

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
KINDS = st.sampled_from(sorted(EXTENSIONS))
#: names made of the characters an attacker would use, and any others
NAMES = st.text(alphabet=st.sampled_from(list("./\\:.\x00\x01\x1f\u202e\u200b가나 aZ9_-<>|?*\"\ud800")) | st.characters(),
                max_size=400)


@pytest.mark.parametrize("uploaded,kind,stored", [
    ("사업자등록증.pdf.bat", PDF, "사업자등록증.pdf"),
    ("사업자등록증.pdf.exe", PDF, "사업자등록증.pdf"),
    ("사업자등록증.hta", PDF, "사업자등록증.pdf"),
    ("x.exe", PNG, "x.png"),
    ("scan.PDF", PDF, "scan.PDF"),
    ("photo.jpeg", JPEG, "photo.jpeg"),
    ("photo.JPG", JPEG, "photo.JPG"),
    ("photo.png", JPEG, "photo.jpg"),
    ("보고서.2024", PDF, "보고서.2024.pdf"),  # digits after a dot are part of the name
    ("noext", PDF, "noext.pdf"),
    ("../../x.pdf", PDF, "x.pdf"),
    ("..\\..\\x.pdf", PDF, "x.pdf"),
    ("C:\\a\\b.pdf", PDF, "b.pdf"),
    ("C:b.pdf", PDF, "b.pdf"),
    ("x.pdf:evil.exe", PDF, "x.pdf_evil.pdf"),  # an NTFS stream name loses its colon
    ("a\x00b.pdf", PDF, "ab.pdf"),
    ("\u202egpj.exe", JPEG, "gpj.jpg"),
    ("  spaced   name .pdf", PDF, "spaced name.pdf"),
    ("..", PDF, "문서.pdf"),
    (".pdf", PDF, "문서.pdf"),
    ("CON.pdf", PDF, "CON_.pdf"),
    (unicodedata.normalize("NFD", "사업자등록증.pdf"), PDF, "사업자등록증.pdf"),  # as typed on macOS
])
def test_examples(uploaded, kind, stored):
    assert clean_filename(uploaded, kind) == stored


def test_a_long_name_is_cut_on_a_character_boundary_keeping_the_extension():
    name = clean_filename("가" * 300 + ".pdf", PDF)
    assert name == "가" * 83 + ".pdf" and len(name.encode()) == 253
    ascii_name = clean_filename("a" * 400 + ".png.exe", PNG)
    assert ascii_name == "a" * 251 + ".png"


def test_the_fallback_names_an_empty_name():
    assert clean_filename("/", PDF, fallback="사업자등록증") == "사업자등록증.pdf"
    assert clean_filename("\x00\x00", PNG, fallback="국세 완납증명서") == "국세 완납증명서.png"


@given(NAMES, KINDS)
def test_any_name_is_cleaned_into_a_harmless_one(uploaded, kind):
    name = clean_filename(uploaded, kind)
    assert 0 < len(name.encode("utf-8")) <= MAX_FILENAME_BYTES
    assert not any(ch in name for ch in '/\\:<>|?*"')
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in name)
    stem, _, ext = name.rpartition(".")
    assert f".{ext}".lower() in EXTENSIONS[kind]
    assert stem and stem == stem.strip(" .")
    assert clean_filename(name, kind) == name  # cleaning a clean name changes nothing
    assert unicodedata.is_normalized("NFC", name)


@given(NAMES)
def test_a_shown_name_is_a_base_name_without_controls(uploaded):
    shown = shown_name(uploaded)
    assert len(shown) <= 80 and "/" not in shown and "\\" not in shown and "\x00" not in shown


@pytest.mark.parametrize("label,kind,name", [
    ("사업자등록증", PDF, "사업자등록증.pdf"),
    ("4대보험 사업장 가입자 명부", PNG, "4대보험 사업장 가입자 명부.png"),
    ("국세 완납증명서", JPEG, "국세 완납증명서.jpg"),
    ("영수증 2026/03", PDF, "영수증 2026_03.pdf"),  # a label is a name, never a path
])
def test_save_as_names_the_copy_after_the_document_type(label, kind, name):
    assert save_as_name(label, kind) == name


@pytest.mark.parametrize("chosen,kind,saved", [
    ("/home/u/사업자등록증.pdf", PDF, "/home/u/사업자등록증.pdf"),
    ("/home/u/사업자등록증.pdf.bat", PDF, "/home/u/사업자등록증.pdf"),
    ("/home/u/x.bat", PDF, "/home/u/x.pdf"),
    ("/home/u/x", PNG, "/home/u/x.png"),
    ("/home/u/x.JPEG", JPEG, "/home/u/x.JPEG"),
    ("/home/u/x.pdf.", PDF, "/home/u/x.pdf"),
    ("C:\\Users\\u\\x.exe", PNG, "C:\\Users\\u\\x.png"),
])
def test_a_chosen_save_path_gets_the_sniffed_extension(chosen, kind, saved):
    assert with_sniffed_extension(chosen, kind) == saved


@given(st.text(max_size=60), st.text(max_size=60), KINDS)
def test_any_chosen_save_path_ends_in_the_sniffed_extension(folder, name, kind):
    folder = folder.replace("\\", "/").rstrip("/") + "/"
    saved = with_sniffed_extension(folder + name, kind)
    assert saved.startswith(folder)
    ext = "." + saved.rpartition(".")[2]
    assert ext.lower() in EXTENSIONS[kind] and len(saved[len(folder):].encode()) <= MAX_FILENAME_BYTES
