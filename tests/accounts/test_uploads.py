"""accounts.uploads, the one upload rule for documents, and hole 6 of the trust issue: step documents of the
six-step process accepted an .html file and 30 MB of random bytes, and were served back as whatever they
claimed to be."""

import datetime
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import uploads
from ratings import services
from ratings.models import Introduction, IntroductionStep, StepDocument
from tests import samples
from tests.ratings import helpers as h

KINDS = {
    "pdf": (samples.PDF, "纪要.pdf", "application/pdf"),
    "png": (samples.image_bytes("PNG"), "照片.png", "image/png"),
    "jpeg": (samples.image_bytes("JPEG"), "照片.jpg", "image/jpeg"),
    "gif": (samples.image_bytes("GIF"), "图.gif", "image/gif"),
    "webp": (samples.image_bytes("WEBP"), "图.webp", "image/webp"),
    "docx": (samples.docx_bytes(), "申请书.docx", uploads.DOCX.content_type),
    "xlsx": (samples.xlsx_bytes(), "名单.xlsx", uploads.XLSX.content_type),
    "odt": (samples.odt_bytes(), "意见.odt", uploads.ODT.content_type),
    "doc (Office 97-2003)": (samples.ole_bytes(), "旧合同.doc", "application/msword"),
    "xls (Office 97-2003)": (samples.ole_bytes(), "旧表.xls", "application/vnd.ms-excel"),
}
REFUSED = {
    "html named .html": (samples.HTML, "page.html"),
    "html named .pdf": (samples.HTML, "合同.pdf"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
    "random bytes": (os.urandom(4096), "扫描件.pdf"),
    "a PDF header without its end": (b"%PDF-1.4\n<html><script>alert(1)</script></html>", "x.pdf"),
    "a plain zip": (samples.zipped({"a.txt": b"hello"}), "材料.zip"),
    "a macro-enabled Word document": (samples.docx_bytes(macro=True), "宏.docm"),
    "a broken PNG": (samples.image_bytes("PNG")[:40], "坏.png"),
    "a Windows program": (b"MZ\x90\x00" + b"\x00" * 200, "setup.exe"),
    "text": ("会议纪要".encode(), "纪要.txt"),
}


@pytest.mark.parametrize("content, name, content_type", KINDS.values(), ids=KINDS.keys())
def test_documents_are_recognised_by_their_content(content, name, content_type):
    checked = uploads.check_upload(SimpleUploadedFile(name, content, content_type="text/html"))
    assert checked.kind.content_type == content_type
    assert checked.name == name and checked.size == len(content)
    assert checked.storage_name.endswith(checked.kind.extension) and name.split(".")[0] not in checked.storage_name


@pytest.mark.parametrize("content, name", REFUSED.values(), ids=REFUSED.keys())
def test_anything_else_is_refused_in_chinese(content, name):
    with pytest.raises(ValidationError) as caught:
        uploads.check_upload(SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert caught.value.code == "upload_type"
    assert f"文件“{name}”不是可接受的文件类型" in caught.value.messages[0]


def test_the_name_follows_the_content():
    checked = uploads.check_upload(SimpleUploadedFile("报告.html", samples.PDF))
    assert checked.name == "报告.pdf" and checked.kind == uploads.PDF


def test_size_is_bounded_and_empty_files_refused():
    big = SimpleUploadedFile("大.pdf", samples.PDF + b"\x00" * (uploads.MAX_UPLOAD_BYTES + 1))
    with pytest.raises(ValidationError, match="超过 20 MB"):
        uploads.check_upload(big)
    with pytest.raises(ValidationError, match="是空的"):
        uploads.check_upload(SimpleUploadedFile("空.pdf", b""))


def test_a_name_with_folders_or_control_characters_is_cleaned():
    assert uploads.display_name("../../etc/passwd\x00.pdf") == "passwd.pdf"
    assert uploads.display_name("C:\\Users\\张三\\纪要.pdf") == "纪要.pdf"
    assert len(uploads.display_name("长" * 300 + ".pdf")) == uploads.NAME_MAX


def test_a_zip_bomb_is_refused():
    bomb = samples.zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (201 * 1024 * 1024)})
    with pytest.raises(ValidationError):
        uploads.check_upload(SimpleUploadedFile("炸弹.docx", bomb))


# ---------------------------------------------------------------------------------------------------- hole 6


@pytest.fixture
def introduction(tree):
    return services.introduction_start(
        actor=tree.street_staff, compound=h.three_no_compound(tree), firm=h.firm(tree, "引入物业"), fee_fen=120
    )


def step_data(**extra):
    return {"stage": 1, "date": "2026-03-01", "responsible": "张三", "decision": "approved", **extra}


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: SimpleUploadedFile("通知.html", samples.HTML, content_type="text/html"), "不是可接受的文件类型"),
        (
            lambda: SimpleUploadedFile("扫描件.pdf", os.urandom(30 * 1024 * 1024), content_type="application/pdf"),
            "超过 20 MB",
        ),
    ],
    ids=["html", "30 MB of random bytes"],
)
def test_the_step_page_refuses_a_bad_document_and_records_nothing(
    client, tree, introduction, settings, tmp_path, upload, message
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(tree.street_staff)
    url = reverse("ratings:introduction-detail", args=[introduction.pk])

    response = client.post(url, step_data(documents=[upload()]), follow=True)

    assert message in response.content.decode()
    assert not IntroductionStep.objects.exists() and not StepDocument.objects.exists()
    assert not any(tmp_path.rglob("*.*"))  # nothing reached the storage


def test_the_api_refuses_a_bad_document_and_records_nothing(tree, introduction, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    api = APIClient()
    api.force_authenticate(tree.street_staff)
    url = reverse("ratings-api:introduction-record-step", args=[introduction.pk])

    response = api.post(url, step_data(documents=[SimpleUploadedFile("x.pdf", samples.HTML)]), format="multipart")

    assert response.status_code == 400
    assert "不是可接受的文件类型" in str(response.json()["documents"])
    assert not IntroductionStep.objects.exists() and not StepDocument.objects.exists()


def test_the_service_itself_checks_every_document(tree, introduction):
    with pytest.raises(ValidationError) as caught:
        services.introduction_record_step(
            actor=tree.street_staff,
            introduction=introduction,
            stage=1,
            date=datetime.date(2026, 3, 1),
            responsible="张三",
            decision="approved",
            documents=[samples.pdf(), SimpleUploadedFile("a.html", samples.HTML)],
        )
    assert "a.html" in str(caught.value.message_dict["documents"])
    assert not Introduction.objects.get().steps.exists()


def test_a_good_document_is_stored_and_downloaded_as_an_attachment_never_sniffed(
    client, tree, introduction, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(tree.street_staff)
    url = reverse("ratings:introduction-detail", args=[introduction.pk])
    client.post(url, step_data(documents=[SimpleUploadedFile("征询表.html", samples.PDF)]))
    document = StepDocument.objects.get()

    response = client.get(reverse("ratings:document-download", args=[document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;") and "filename" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == samples.PDF
    assert document.name == "征询表.pdf"


def test_a_document_stored_before_the_rule_is_still_only_a_download(client, tree, introduction, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    step = IntroductionStep.objects.create(
        district=tree.district,
        introduction=introduction,
        stage=1,
        date=datetime.date(2026, 3, 1),
        responsible="张三",
        decision="approved",
    )
    old = StepDocument(district=tree.district, step=step, name="旧.html")
    old.file.save("old.html", SimpleUploadedFile("old.html", samples.HTML), save=True)
    client.force_login(tree.street_staff)

    response = client.get(reverse("ratings:document-download", args=[old.pk]))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Disposition"].startswith("attachment")
