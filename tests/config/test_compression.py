"""Responses are gzipped for browsers that accept it (config/compression.py): pages, API answers, Open311 documents
and CSV exports arrive smaller and unzip to the same answer; photos, PDFs, XLSX and WhiteNoise's own precompressed
static files arrive exactly as stored."""

import gzip
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree
from openpyxl import load_workbook
from PIL import Image

from accounts.actors import SystemActor
from workorders import services
from workorders.intake.photos import photo_prepare, photo_store
from workorders.models import Category, Channel, PrivacySettings

SYSTEM = SystemActor(name="tests")
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def orders(tree):
    """Twelve orders across the district's compounds, so that the queue and the exports have rows."""
    categories = services.categories_seed(actor=SYSTEM, district=tree.district)
    return [
        services.work_order_file(
            actor=SYSTEM,
            compound=tree.compounds[i % len(tree.compounds)],
            category=categories[0],
            channel=Channel.RESIDENT_QR,
            title=f"{i + 1}号楼楼道堆物",
            description=f"{i + 1}号楼2单元楼道里堆满纸箱和旧家具，影响通行和消防安全",
        )
        for i in range(12)
    ]


def gunzip(response) -> bytes:
    assert response["Content-Encoding"] == "gzip"
    return gzip.decompress(response.content)


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",")}


def title(html: bytes) -> str:
    return re.search(r"<title>(.*?)</title>", html.decode(), re.S).group(1).strip()


def photo_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((320, 240), 60).convert("RGB").save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------------- compressed


def test_the_officials_queue_arrives_gzipped_and_unzips_to_the_same_page(client, tree, orders):
    # given an official whose browser accepts gzip
    client.force_login(tree.official)
    url = reverse("workorders:queue")
    # when they open their queue, with and without gzip
    plain = client.get(url)
    zipped = client.get(url, **GZIP)
    # then the gzipped answer is smaller, and unzipped it is the same page
    assert plain.status_code == zipped.status_code == 200
    page = gunzip(zipped)
    assert len(zipped.content) < len(plain.content) / 3
    assert title(page) == title(plain.content) == "工单队列 · 末梢"
    assert orders[0].title in page.decode() and tree.compounds[0].name in page.decode()
    assert int(zipped["Content-Length"]) == len(zipped.content)
    # and both tell a cache that the answer depends on Accept-Encoding
    assert "accept-encoding" in vary(zipped) and "accept-encoding" in vary(plain)


def test_a_browser_that_does_not_accept_gzip_gets_the_page_as_it_is(client, tree, orders):
    client.force_login(tree.official)
    response = client.get(reverse("workorders:queue"))
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
    assert title(response.content) == "工单队列 · 末梢"


def test_an_api_list_arrives_gzipped_and_unzips_to_the_same_json(client, tree):
    client.force_login(tree.official)
    plain = client.get("/api/v1/compounds/")
    zipped = client.get("/api/v1/compounds/", **GZIP)
    assert plain["Content-Type"] == zipped["Content-Type"] == "application/json"
    assert not plain.has_header("Content-Encoding")
    listed = json.loads(gunzip(zipped))
    assert listed == json.loads(plain.content)
    assert {c["name"] for c in listed["results"]} == {c.name for c in tree.compounds}


def test_an_open311_document_arrives_gzipped_and_parses(client, tree):
    services.categories_seed(actor=SYSTEM, district=tree.district)
    Category.objects.filter(district=tree.district).update(open311_public=True)
    PrivacySettings.objects.create(district=tree.district, open311_public_reads=True)
    response = client.get("/open311/v2/services.xml", {"jurisdiction_id": tree.district.code}, **GZIP)
    assert response.status_code == 200 and response["Content-Type"] == "text/xml; charset=utf-8"
    root = etree.fromstring(gunzip(response))
    assert root.tag == "services" and len(root.findall("service")) > 1


def test_the_csv_export_arrives_gzipped_and_unzips_to_the_same_table(client, tree, orders):
    client.force_login(tree.official)
    response = client.get(reverse("workorders:export-csv"), **GZIP)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    table = gunzip(response).decode("utf-8")
    assert table.startswith("\ufeff查询码,标题,")
    assert all(order.tracking_code in table for order in orders)


# ---------------------------------------------------------------------------------------------------- left alone


def test_a_work_order_photo_is_sent_as_stored_even_to_a_browser_that_accepts_gzip(client, tree, orders):
    # given a photo on an order (a JPEG: gzip cannot shrink it)
    upload = SimpleUploadedFile("IMG_0001.jpg", photo_jpeg(), content_type="image/jpeg")
    photo = photo_store(order=orders[0], prepared=photo_prepare(upload=upload))
    stored = photo.image.open("rb").read()
    # when the official opens it with a browser that accepts gzip
    client.force_login(tree.official)
    response = client.get(reverse("intake:photo", args=[photo.pk]), **GZIP)
    # then it arrives byte for byte as stored, uncompressed, with its length
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert not response.has_header("Content-Encoding") and "accept-encoding" not in vary(response)
    assert b"".join(response.streaming_content) == stored
    assert response["Content-Length"] == str(len(stored))


def test_the_compound_poster_pdf_is_sent_as_it_is(client, tree):
    client.force_login(tree.official)
    response = client.get(reverse("intake:poster", args=[tree.compounds[0].pk]), **GZIP)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not response.has_header("Content-Encoding")
    assert response.content.startswith(b"%PDF-") and response.content.rstrip().endswith(b"%%EOF")


def test_the_xlsx_export_is_sent_as_it_is(client, tree, orders):
    client.force_login(tree.official)
    response = client.get(reverse("workorders:export-xlsx"), **GZIP)
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:2] == ["查询码", "标题"]
    assert sheet.max_row == len(orders) + 1


# ---------------------------------------------------------------------------------------------------- static files


@pytest.fixture
def static_root(settings, tmp_path):
    """STATIC_ROOT as `collectstatic` leaves it in production (whitenoise.storage.CompressedManifestStaticFilesStorage):
    a script with its .gz beside it, and an icon (WhiteNoise does not compress images)."""
    root = tmp_path / "static"
    root.mkdir()
    script = b"document.querySelectorAll('[data-locate]').forEach((el) => el.hidden = false);\n" * 40
    (root / "app.js").write_bytes(script)
    (root / "app.js.gz").write_bytes(gzip.compress(script, mtime=0))
    icon = io.BytesIO()
    Image.effect_noise((64, 64), 60).convert("RGB").save(icon, format="PNG")
    (root / "icon.png").write_bytes(icon.getvalue())
    settings.STATIC_ROOT = root
    return root


def test_whitenoise_sends_its_own_precompressed_file_compressed_once(client, static_root):
    response = client.get("/static/app.js", **GZIP)
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert b"".join(response.streaming_content) == (static_root / "app.js.gz").read_bytes()


def test_whitenoise_sends_an_image_as_stored(client, static_root):
    response = client.get("/static/icon.png", **GZIP)
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content) == (static_root / "icon.png").read_bytes()


def test_a_range_of_a_static_file_is_the_stored_bytes(client, static_root):
    # given a static file WhiteNoise has no .gz for (a development STATIC_ROOT, or gzip saved too little)
    (static_root / "app.js.gz").unlink()
    # when a browser asks for a range of it, accepting gzip
    response = client.get("/static/app.js", HTTP_RANGE="bytes=10-99", **GZIP)
    # then the range is the file's own bytes, as Content-Range says
    assert response.status_code == 206 and not response.has_header("Content-Encoding")
    assert response["Content-Range"].startswith("bytes 10-99/")
    assert b"".join(response.streaming_content) == (static_root / "app.js").read_bytes()[10:100]
