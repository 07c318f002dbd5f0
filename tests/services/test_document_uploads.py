"""Uploaded files that cannot run (issue 8, SPEC §8), on SQLite and PostgreSQL: names cleaned and
given the sniffed kind's extension, images decoded within size limits, PDFs that PDFium opens,
and two desks storing the same new file at the same moment."""

from __future__ import annotations

import json
import threading

import pytest

from kvoucher_desktop.enums import DocumentType as D
from kvoucher_desktop.enums import ScreeningStatus as S
from kvoucher_desktop.services import catalog as catalog_module
from kvoucher_desktop.services.dto import DocumentUpload, ServiceForm
from kvoucher_desktop.services.errors import ValidationError
from kvoucher_desktop.services.repositories.documents import DocumentRepository
from kvoucher_desktop.services.rules.documents import MAX_FILENAME_BYTES
from kvoucher_desktop.services.sample_files import blank_png, sample_jpeg, sample_pdf, sample_png
from kvoucher_desktop.services.signup import SignupService

from tests.conftest import _build
from tests.concurrency import at_once
from tests.factories import company_in_state, make_supplier_account, signup_company, signup_form

KOREAN_300 = "가나다라마바사아자차" * 30  # 300 characters, 900 bytes in UTF-8


def _docs_with(*uploads: DocumentUpload) -> dict:
    from tests.factories import required_uploads

    docs = required_uploads()
    docs.update({u.doc_type: u for u in uploads})
    return docs


# --- names --------------------------------------------------------------------------------------
NAMES = [
    ("사업자\x00등록증.pdf", sample_pdf("nul"), "사업자등록증.pdf"),
    ("../../x.pdf", sample_pdf("dots"), "x.pdf"),
    ("C:\\a\\b.pdf", sample_pdf("drive"), "b.pdf"),
    ("/etc/passwd", sample_pdf("absolute"), "passwd.pdf"),
    ("사업자등록증.pdf.bat", sample_pdf("bat"), "사업자등록증.pdf"),
    ("사업자등록증.hta", sample_pdf("hta"), "사업자등록증.pdf"),
    ("setup.exe", sample_png(rgb=(9, 9, 9)), "setup.png"),
    ("스캔\u202efdp.exe", sample_pdf("rlo"), "스캔fdp.pdf"),  # the override would show "exe.pdf"
    ("사진.jpeg", sample_jpeg(), "사진.jpeg"),
    ("..", sample_pdf("only dots"), "국세 완납증명서.pdf"),  # nothing left: the document type
]


@pytest.mark.parametrize("filename,data,stored", NAMES,
                         ids=["nul", "parent-dirs", "drive", "absolute", "pdf.bat", "hta", "png.exe", "rlo",
                              "jpeg", "only-dots"])
def test_replaced_documents_are_stored_under_a_clean_name_with_the_sniffed_extension(services, filename, data,
                                                                                    stored):
    demand, company_id = company_in_state(services, S.ON_HOLD)
    view = services.companies.replace_document(demand, DocumentUpload(D.NATIONAL_TAX, filename, data)).value
    doc = next(d for d in view.documents if d.doc_type is D.NATIONAL_TAX)
    assert doc.filename == stored
    assert services.companies.document_content(demand, doc.id)[1] == data  # the bytes are untouched
    change = services.companies.history(demand)[0]
    assert change.new_value.startswith(f"{stored} (")  # 수정이력 and audit name the clean name too
    record = services.audit.records_unchecked(entity_id=company_id)[0]
    assert json.loads(record.after)["doc:NATIONAL_TAX"] == change.new_value


def test_a_long_korean_name_is_cut_to_255_bytes_keeping_its_extension(services):
    demand, _cid = company_in_state(services, S.ON_HOLD)
    view = services.companies.replace_document(
        demand, DocumentUpload(D.LOCAL_TAX, KOREAN_300 + ".pdf.exe", sample_pdf("long"))).value
    name = next(d for d in view.documents if d.doc_type is D.LOCAL_TAX).filename
    assert name.endswith(".pdf") and len(name.encode("utf-8")) <= MAX_FILENAME_BYTES
    assert name[:-4] == KOREAN_300[:len(name) - 4]  # cut on a character boundary, nothing else lost
    assert len(name.encode("utf-8")) > MAX_FILENAME_BYTES - 3  # as long as fits


def test_signup_stores_clean_names(services):
    form = signup_form(services, documents=_docs_with(
        DocumentUpload(D.BUSINESS_REGISTRATION, "C:\\Users\\대표\\사업자등록증.pdf.bat", sample_pdf("signup bat")),
        DocumentUpload(D.LOCAL_TAX, "..\\..\\지방세\x01.hta", sample_pdf("signup hta")),
        DocumentUpload(D.NATIONAL_TAX, KOREAN_300 + ".png", sample_png(rgb=(3, 4, 5))),
    ))
    actor = services.signup.submit(form).value
    names = {d.doc_type: d.filename for d in services.companies.get(actor).documents}
    assert names[D.BUSINESS_REGISTRATION] == "사업자등록증.pdf"
    assert names[D.LOCAL_TAX] == "지방세.pdf"
    assert names[D.NATIONAL_TAX].endswith(".png") and len(names[D.NATIONAL_TAX].encode()) <= 255


def test_a_refusal_names_the_file_without_its_control_characters(services):
    demand, _cid = company_in_state(services, S.ON_HOLD)
    with pytest.raises(ValidationError) as refused:
        services.companies.replace_document(demand, DocumentUpload(D.LOCAL_TAX, "../a\x00b.txt", b"plain text"))
    assert "'ab.txt'" in refused.value.message and "\x00" not in refused.value.message


# --- image limits -------------------------------------------------------------------------------
@pytest.mark.parametrize("width,height", [(20_000, 20_000), (10_001, 10), (7_000, 6_000)],
                         ids=["20000x20000", "side-over-10000", "over-40-megapixels"])
def test_a_huge_image_is_refused_as_a_document_before_it_is_decoded(services, width, height):
    big = blank_png(width, height)
    assert len(big) < 100_000  # a few KB on disk…
    form = signup_form(services, documents=_docs_with(DocumentUpload(D.LOCAL_TAX, "스캔.png", big)))
    with pytest.raises(ValidationError) as refused:
        services.signup.check_step("documents", form)
    assert refused.value.message.startswith("'스캔.png' 이미지가 너무 큽니다")
    assert f"{width:,}×{height:,} 픽셀" in refused.value.message
    assert refused.value.field == "doc:LOCAL_TAX"
    with pytest.raises(ValidationError):
        services.signup.submit(form)
    demand, _cid = company_in_state(services, S.ON_HOLD)
    with pytest.raises(ValidationError) as refused_later:
        services.companies.replace_document(demand, DocumentUpload(D.LOCAL_TAX, "스캔.png", big))
    assert "너무 큽니다" in refused_later.value.message


def test_a_20000_pixel_square_is_refused_as_a_service_image(services):
    supplier = make_supplier_account(services)
    form = ServiceForm("폭탄 이미지 서비스", "CARE", "", 50_000, image=blank_png(20_000, 20_000))
    with pytest.raises(ValidationError) as refused:
        services.catalog.save_service(supplier, form)
    assert refused.value.field == "image"
    assert refused.value.message.startswith("대표 이미지가 너무 큽니다(20,000×20,000 픽셀)")
    assert services.catalog.supplier_services(supplier) == []
    with pytest.raises(ValidationError, match="너무 큽니다"):
        services.catalog.save_service(supplier, ServiceForm("긴 이미지", "CARE", "", 50_000,
                                                            image=blank_png(12_000, 100)))


def test_an_image_within_the_limits_is_accepted(services):
    demand, _cid = company_in_state(services, S.ON_HOLD)
    view = services.companies.replace_document(demand, DocumentUpload(D.LOCAL_TAX, "큰 스캔.png",
                                                                      blank_png(6_000, 6_000))).value
    assert next(d for d in view.documents if d.doc_type is D.LOCAL_TAX).content_type == "image/png"


def _truncated(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


@pytest.mark.parametrize("data", [
    _truncated(sample_png(400, 300)),
    sample_png()[:40],
    _truncated(sample_jpeg(400, 300)),
    b"\xff\xd8\xff\xe0" + b"\x00" * 100,
], ids=["truncated-png", "png-header-only", "truncated-jpeg", "jpeg-magic-only"])
def test_truncated_or_corrupt_images_are_refused(services, data):
    form = signup_form(services, documents=_docs_with(DocumentUpload(D.LOCAL_TAX, "스캔.img", data)))
    with pytest.raises(ValidationError) as refused:
        services.signup.check_step("documents", form)
    assert "이미지 파일이 손상되었거나 잘려 있어 열 수 없습니다" in refused.value.message
    supplier = make_supplier_account(services)
    with pytest.raises(ValidationError) as image_refused:
        services.catalog.save_service(supplier, ServiceForm("깨진 이미지", "CARE", "", 50_000, image=data))
    assert image_refused.value.message.startswith("대표 이미지 파일이 손상되었거나")


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\n" + b"0" * 200,
    _truncated(sample_pdf("cut short"))[:30],
], ids=["magic-only", "cut-short"])
def test_a_pdf_that_cannot_be_opened_is_refused(services, data):
    form = signup_form(services, documents=_docs_with(DocumentUpload(D.LOCAL_TAX, "지방세.pdf", data)))
    with pytest.raises(ValidationError) as refused:
        services.signup.check_step("documents", form)
    assert refused.value.message.startswith("'지방세.pdf' PDF 파일을 열 수 없습니다")
    assert refused.value.field == "doc:LOCAL_TAX"


@pytest.mark.parametrize("year", [10**30, -1, 1999, 2101, "2025", True])
def test_an_implausible_issue_year_is_a_message_not_a_database_error(services, year):
    demand, company_id = company_in_state(services, S.ON_HOLD)
    before = services.companies.get(demand).documents
    with pytest.raises(ValidationError) as refused:
        services.companies.replace_document(demand, DocumentUpload(D.NATIONAL_TAX, "국세.pdf", sample_pdf("y"), year))
    assert refused.value.field == "doc:NATIONAL_TAX" and "발급 연도" in refused.value.message
    assert services.companies.get(demand).documents == before


# --- two desks, one new file ------------------------------------------------------------------------
@pytest.fixture
def second_desk(store_url, clock):
    """Another set of services on the same store: a second desk with its own connections."""
    built = _build(store_url, clock)
    yield built
    built.dispose()


def test_two_signups_with_the_same_new_file_both_succeed(services, second_desk, monkeypatch):
    """Both desks pass every check before either inserts (as in the business-number race)."""
    shared = sample_pdf("one certificate, two companies")
    first = signup_form(services, documents=_docs_with(DocumentUpload(D.LOCAL_TAX, "지방세.pdf", shared)))
    second = signup_form(second_desk, documents=_docs_with(DocumentUpload(D.LOCAL_TAX, "지방세.pdf", shared)))
    both_checked = threading.Barrier(2, timeout=20)
    check_account = SignupService._check_account

    def check_then_wait(self, session, form):
        check_account(self, session, form)
        both_checked.wait()

    monkeypatch.setattr(SignupService, "_check_account", check_then_wait)
    results = at_once(lambda: services.signup.submit(first).value, lambda: second_desk.signup.submit(second).value)
    assert not any(isinstance(r, Exception) for r in results), results
    for desk, actor in zip((services, second_desk), results):
        docs = {d.doc_type: d for d in desk.companies.get(actor).documents}
        assert desk.companies.document_content(actor, docs[D.LOCAL_TAX].id)[1] == shared


def test_two_desks_replacing_with_the_same_new_file_both_succeed(services, second_desk, monkeypatch):
    first, _ = company_in_state(services, S.ON_HOLD)
    second, _ = company_in_state(services, S.CONFIRMED)
    shared = sample_pdf("the same new scan")
    both_ready = threading.Barrier(2, timeout=20)
    store_document = DocumentRepository.store

    def wait_then_store(*args, **kwargs):
        both_ready.wait()  # each desk has its company; neither has stored anything yet
        return store_document(*args, **kwargs)

    monkeypatch.setattr(DocumentRepository, "store", wait_then_store)
    upload = DocumentUpload(D.NATIONAL_TAX, "국세.pdf", shared)
    results = at_once(lambda: services.companies.replace_document(first, upload),
                       lambda: second_desk.companies.replace_document(second, upload))
    assert not any(isinstance(r, Exception) for r in results), results
    for desk, actor in zip((services, second_desk), (first, second)):
        doc = next(d for d in desk.companies.get(actor).documents if d.doc_type is D.NATIONAL_TAX)
        assert desk.companies.document_content(actor, doc.id)[1] == shared


def test_two_suppliers_saving_the_same_new_image_both_succeed(services, second_desk, monkeypatch):
    alpha, beta = make_supplier_account(services), make_supplier_account(services)
    picture = sample_png(rgb=(77, 66, 55))
    both_ready = threading.Barrier(2, timeout=20)
    search_text = catalog_module.search_text

    def wait_then_index(*args):
        both_ready.wait()  # just before the image is stored
        return search_text(*args)

    monkeypatch.setattr(catalog_module, "search_text", wait_then_index)
    results = at_once(
        lambda: services.catalog.save_service(alpha, ServiceForm("알파 서비스", "CARE", "", 50_000, image=picture)).value,
        lambda: second_desk.catalog.save_service(beta, ServiceForm("베타 서비스", "CARE", "", 60_000, image=picture)).value)
    assert not any(isinstance(r, Exception) for r in results), results
    assert [services.catalog.image(None, row.id) for row in results] == [picture, picture]


def test_a_known_file_is_stored_once(services):
    first = signup_company(services)
    second = signup_company(services)
    a = {d.doc_type: d.sha256 for d in services.companies.get(first).documents}
    b = {d.doc_type: d.sha256 for d in services.companies.get(second).documents}
    assert a == b  # the factories' sample files: one blob each, shared
    from sqlalchemy import func, select

    from kvoucher_desktop.models import DocumentBlob

    with services.companies.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(DocumentBlob)) == len(set(a.values()))
