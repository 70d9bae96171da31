"""The one upload rule for documents (step documents of the six-step process; quotes and receipts of fund
requests): what a file *is* is read from its content — magic bytes and structure — never from its name or the
type the browser declared; its size is bounded; it is stored under a random name; it is served back only as
an attachment with `X-Content-Type-Options: nosniff`, so that no browser ever renders it as a page.

    checked = check_upload(request.FILES["file"])          # ValidationError in Chinese if refused
    document.file.save(checked.storage_name, checked.upload)
    document.name, document.content_type = checked.name, checked.kind.content_type
    ...
    return attachment_response(stored_file(document.file), filename=document.name, content_type=...)

Accepted (DOCUMENT_KINDS): PDF, JPEG/PNG/GIF/WebP images, Office Open XML (docx, xlsx, pptx; not their
macro-enabled variants), OpenDocument (odt, ods, odp) and the Office 97-2003 / WPS compound files (doc, xls,
ppt, wps, et). Refused: everything else (HTML, SVG, scripts, executables, archives, random bytes), files over
MAX_UPLOAD_BYTES (20 MB), empty files, and files whose structure does not hold (a PDF without its end
marker, an image Pillow cannot verify, a ZIP that is not a document or would unpack to more than 200 MB).

The form field (`DocumentsField`) and the API field (`accounts.api.fields`-style `DocumentUploadField`) call
`check_upload`; services call it again before they store anything, so every path is covered.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, BinaryIO

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from rest_framework import serializers

from accounts.text import strip_forbidden

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_FILES = 10  # per upload field
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a ZIP-based document that would unpack to more is refused (zip bomb)
MAX_ZIP_ENTRIES = 10_000
MAX_IMAGE_PIXELS = 100_000_000
NAME_MAX = 200


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    content_type: str
    extension: str


PDF = Kind("pdf", _("PDF 文件"), "application/pdf", ".pdf")
JPEG = Kind("jpeg", _("JPEG 图片"), "image/jpeg", ".jpg")
PNG = Kind("png", _("PNG 图片"), "image/png", ".png")
GIF = Kind("gif", _("GIF 图片"), "image/gif", ".gif")
WEBP = Kind("webp", _("WebP 图片"), "image/webp", ".webp")
DOCX = Kind("docx", _("Word 文档"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = Kind("xlsx", _("Excel 工作簿"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
PPTX = Kind(
    "pptx",
    _("PowerPoint 演示文稿"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
)
ODT = Kind("odt", _("OpenDocument 文本"), "application/vnd.oasis.opendocument.text", ".odt")
ODS = Kind("ods", _("OpenDocument 表格"), "application/vnd.oasis.opendocument.spreadsheet", ".ods")
ODP = Kind("odp", _("OpenDocument 演示文稿"), "application/vnd.oasis.opendocument.presentation", ".odp")
# Office 97-2003 and WPS compound files: the container is checked; which program wrote it is the name's word.
LEGACY_OFFICE = {
    ".doc": Kind("doc", _("Word 97-2003 文档"), "application/msword", ".doc"),
    ".xls": Kind("xls", _("Excel 97-2003 工作簿"), "application/vnd.ms-excel", ".xls"),
    ".ppt": Kind("ppt", _("PowerPoint 97-2003 演示文稿"), "application/vnd.ms-powerpoint", ".ppt"),
    ".wps": Kind("wps", _("WPS 文字文档"), "application/vnd.ms-works", ".wps"),
    ".et": Kind("et", _("WPS 表格"), "application/vnd.ms-excel", ".et"),
}
LEGACY_DEFAULT = LEGACY_OFFICE[".doc"]

IMAGE_KINDS = (JPEG, PNG, GIF, WEBP)
DOCUMENT_KINDS = (PDF, *IMAGE_KINDS, DOCX, XLSX, PPTX, ODT, ODS, ODP, *LEGACY_OFFICE.values())

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
ODF_TYPES = {k.content_type: k for k in (ODT, ODS, ODP)}
ACCEPTED_TEXT = _("PDF、图片（JPG、PNG、GIF、WebP）或 Office/WPS 文档（Word、Excel、PowerPoint）")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the rule: what it is, the name to show (its extension matches what it is), the
    random name to store it under, and its size."""

    upload: Any
    kind: Kind
    name: str
    storage_name: str
    size: int


def check_upload(
    upload: Any, *, kinds: tuple[Kind, ...] = DOCUMENT_KINDS, max_bytes: int = MAX_UPLOAD_BYTES
) -> CheckedUpload:
    """Check one uploaded file by its content; ValidationError (Chinese, naming the file) when refused."""
    shown = display_name(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    limit_mb = max_bytes // (1024 * 1024)
    too_large = gettext("文件“%(name)s”超过 %(mb)s MB，请压缩或拆分后再上传。")
    if size is not None and size > max_bytes:
        raise ValidationError(too_large % {"name": shown, "mb": limit_mb}, code="upload_too_large")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        raise ValidationError(too_large % {"name": shown, "mb": limit_mb}, code="upload_too_large")
    if not data:
        raise ValidationError(gettext("文件“%(name)s”是空的。") % {"name": shown}, code="upload_empty")
    kind = detect_kind(data, name=shown)
    if kind is None or kind not in kinds:
        allowed = str(ACCEPTED_TEXT) if kinds == DOCUMENT_KINDS else gettext("、").join(str(k.label) for k in kinds)
        raise ValidationError(
            gettext("文件“%(name)s”不是可接受的文件类型（按文件内容识别，与文件名无关）：请上传 %(allowed)s。")
            % {"name": shown, "allowed": allowed},
            code="upload_type",
        )
    name = str(PurePath(shown).with_suffix(kind.extension)) if PurePath(shown).stem else f"文件{kind.extension}"
    return CheckedUpload(
        upload=upload, kind=kind, name=name, storage_name=f"{uuid.uuid4().hex}{kind.extension}", size=len(data)
    )


def display_name(name: str) -> str:
    """The file's own name as people see it: no folders, no control characters, at most NAME_MAX characters."""
    name = strip_forbidden(re.split(r"[\\/]", name)[-1]).strip() or "文件"
    if len(name) > NAME_MAX:
        suffix = PurePath(name).suffix[:10]
        name = name[: NAME_MAX - len(suffix)] + suffix
    return name


def detect_kind(data: bytes, *, name: str = "") -> Kind | None:
    """What the bytes are (one of the kinds above), or None; `name` only picks among the legacy Office
    programs once the container has been recognised."""
    if data.startswith(b"%PDF-"):
        return PDF if b"%%EOF" in data[-2048:] else None
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG if _image_holds(data, "JPEG") else None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG if _image_holds(data, "PNG") else None
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF if _image_holds(data, "GIF") else None
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP if _image_holds(data, "WEBP") else None
    if data.startswith(b"PK\x03\x04"):
        return _zip_document(data)
    if data.startswith(OLE_MAGIC):
        return _legacy_office(data, name)
    return None


def _image_holds(data: bytes, image_format: str) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != image_format or probe.width * probe.height > MAX_IMAGE_PIXELS:
                return False
            probe.verify()  # the structure, without decoding the pixels
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def _zip_document(data: bytes) -> Kind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
                return None
            names = [e.filename for e in entries]
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return None  # macro-enabled (docm, xlsm, pptm): refused
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return ODF_TYPES.get(mimetype)
            if "[Content_Types].xml" in names:
                for prefix, kind in OOXML_PARTS.items():
                    if any(n.startswith(prefix) for n in names):
                        return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError, EOFError, NotImplementedError):
        return None
    return None


def _legacy_office(data: bytes, name: str) -> Kind | None:
    """A compound file (OLE2) whose header holds: little-endian byte order, 512- or 4096-byte sectors."""
    if len(data) < 512 or data[28:30] != b"\xfe\xff" or data[30:32] not in (b"\x09\x00", b"\x0c\x00"):
        return None
    return LEGACY_OFFICE.get(PurePath(name).suffix.lower(), LEGACY_DEFAULT)


def stored_file(field_file: Any) -> BinaryIO:
    """A stored file opened for a download, or the 404 of a missing one: a row whose file is gone from storage (a
    restore without media, a build rolled back after it wrote) is "not found", never a 500."""
    if not field_file:
        raise Http404("文件不存在")
    try:
        return field_file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("文件不存在") from error


def attachment_response(handle: BinaryIO, *, filename: str, content_type: str = "") -> FileResponse:
    """A stored upload served back: always a download (Content-Disposition: attachment), never sniffed, never
    scripted (a sandboxing CSP for browsers that would open it anyway), never cached by a shared proxy."""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=display_name(filename),
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------------------------ form and API fields


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True
    template_name = "django/forms/widgets/file.html"  # a plain file input, no "clear" checkbox


class DocumentsField(forms.FileField):
    """Up to MAX_FILES documents in one input; cleans to a list of CheckedUpload, each refused file with its
    own Chinese message."""

    def __init__(self, *, kinds: tuple[Kind, ...] = DOCUMENT_KINDS, **kwargs: Any) -> None:
        self.kinds = kinds
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedUpload]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES:
            raise ValidationError(
                ngettext("一次最多上传 %(n)s 个文件。", "一次最多上传 %(n)s 个文件。", MAX_FILES) % {"n": MAX_FILES},
                code="upload_too_many",
            )
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(check_upload(upload, kinds=self.kinds))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class DocumentUploadField(serializers.FileField):
    """One document for the API: validates to a CheckedUpload (400 with the same Chinese message)."""

    def __init__(self, *, kinds: tuple[Kind, ...] = DOCUMENT_KINDS, **kwargs: Any) -> None:
        self.kinds = kinds
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> CheckedUpload:
        upload: UploadedFile = super().to_internal_value(data)
        try:
            return check_upload(upload, kinds=self.kinds)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error
