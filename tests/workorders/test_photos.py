"""Photo checks (workorders.intake.photos): by content, capped, re-encoded as JPEG, every metadata block gone."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageFile
from PIL.PngImagePlugin import PngInfo

from workorders.intake import photos
from workorders.models import Photo

# Images as a phone camera writes them (also used by test_intake*.py).
GPS = ExifTags.IFD.GPSInfo


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Resident Phone 12"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(GPS)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (34.0, 9.0, 30.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (108.0, 56.0, 12.25)
    return exif


def jpeg_with_gps(name: str = "IMG_0001.jpg", size=(640, 480), orientation: int = 1) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(buffer, format="JPEG", exif=gps_exif(orientation), quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png_with_gps(name: str = "screenshot.png", size=(300, 200)) -> SimpleUploadedFile:
    info = PngInfo()
    info.add_text("Comment", "GPS 34.158 108.936 家住3号楼2单元")
    buffer = io.BytesIO()
    Image.new("RGBA", size, (30, 90, 160, 255)).save(buffer, format="PNG", exif=gps_exif(), pnginfo=info)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def small_jpeg(name: str = "photo.jpg", color=(40, 140, 60)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), color).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def text_as_jpeg(name: str = "not-a-photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "这是一段文字，不是照片。\n".encode() * 50, content_type="image/jpeg")


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(GPS))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_jpeg_with_gps_exif_is_re_encoded_without_any_exif():
    # given a phone photo with GPS, camera make and model
    upload = jpeg_with_gps()
    assert has_gps(upload.read())
    # when it is prepared
    prepared = photos.photo_prepare(upload=upload)
    # then it is a JPEG with no EXIF at all
    with Image.open(io.BytesIO(prepared.content)) as image:
        assert image.format == "JPEG"
        assert image.size == (640, 480)
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
    assert b"Exif" not in prepared.content and b"PhoneMaker" not in prepared.content


def test_a_png_with_exif_and_text_chunks_becomes_a_clean_jpeg():
    upload = png_with_gps()
    prepared = photos.photo_prepare(upload=upload)
    with Image.open(io.BytesIO(prepared.content)) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert dict(image.getexif()) == {}
    assert "3号楼".encode() not in prepared.content and b"GPS" not in prepared.content


@pytest.mark.parametrize(("size", "upright"), [((640, 480), (480, 640)), ((4000, 3000), (1500, 2000))])
def test_the_orientation_tag_is_applied_to_the_pixels_before_it_is_dropped(size, upright):
    # a sideways photo (orientation 6: rotate 90° clockwise to view), small and as a phone takes it (decoded at
    # half scale)
    prepared = photos.photo_prepare(upload=jpeg_with_gps(size=size, orientation=6))
    assert (prepared.width, prepared.height) == upright
    with Image.open(io.BytesIO(prepared.content)) as image:
        assert dict(image.getexif()) == {}


def test_a_text_file_named_jpg_is_refused_in_chinese():
    with pytest.raises(ValidationError) as error:
        photos.photo_prepare(upload=text_as_jpeg())
    assert "不是可识别的图片" in error.value.messages[0]


def test_a_pdf_declared_as_an_image_is_refused():
    upload = SimpleUploadedFile("scan.png", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n", "image/png")
    with pytest.raises(ValidationError, match="不是可识别的图片"):
        photos.photo_prepare(upload=upload)


@pytest.mark.parametrize("size", [(640, 480), (4000, 3000)])
@pytest.mark.parametrize("pillow_pads_truncated_files", [False, True])
def test_a_truncated_jpeg_is_refused(monkeypatch, pillow_pads_truncated_files, size):
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when it is imported: refused either way, also
    # when the photo decodes at a reduced scale
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", pillow_pads_truncated_files)
    data = jpeg_with_gps(size=size).read()
    with pytest.raises(ValidationError, match="不是可识别的图片"):
        photos.photo_prepare(upload=SimpleUploadedFile("cut.jpg", data[: len(data) // 3], "image/jpeg"))


def test_a_file_over_8_mb_is_refused():
    # a real PNG of noise (incompressible), just over the cap
    side = 1700
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=0)
    assert buffer.tell() > photos.MAX_BYTES
    with pytest.raises(ValidationError) as error:
        photos.photo_prepare(upload=SimpleUploadedFile("big.png", buffer.getvalue(), "image/png"))
    assert "超过 8 MB" in error.value.messages[0]


def test_a_huge_image_is_scaled_down_to_the_edge_cap():
    buffer = io.BytesIO()
    Image.new("RGB", (6000, 1500), (10, 10, 10)).save(buffer, format="JPEG")
    prepared = photos.photo_prepare(upload=SimpleUploadedFile("wide.jpg", buffer.getvalue(), "image/jpeg"))
    assert (prepared.width, prepared.height) == (2048, 512)


def test_a_phone_photo_larger_than_kept_is_decoded_at_a_reduced_scale(monkeypatch):
    """A 12-megapixel JPEG (4000×3000, what phones take) is decoded at 2000×1500 by libjpeg's scaling, a quarter
    of its pixels, and kept as decoded (its CPU on the request path: ~280 -> ~60 ms here)."""
    from PIL import ImageFile

    decoded, load = [], ImageFile.ImageFile.load

    def spy(image):
        decoded.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    photo = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    for kind in ("JPEG", "MPO"):  # MPO: the JPEG some phones write (a second frame for depth or a preview)
        decoded.clear()
        buffer = io.BytesIO()
        photo.save(buffer, format=kind, **({"save_all": True, "append_images": [photo]} if kind == "MPO" else {}))
        prepared = photos.photo_prepare(upload=SimpleUploadedFile("phone.jpg", buffer.getvalue(), "image/jpeg"))
        assert (prepared.width, prepared.height) == (2000, 1500), kind
        assert (2000, 1500) in decoded and (4000, 3000) not in decoded, kind


def test_a_decompression_bomb_is_refused_before_decoding():
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, format="PNG")  # tiny file, 81 million pixels
    with pytest.raises(ValidationError, match="尺寸过大"):
        photos.photo_prepare(upload=SimpleUploadedFile("bomb.png", buffer.getvalue(), "image/png"))


def test_stored_photos_go_through_the_storage_with_a_random_name_and_no_exif(file_order):
    # given an order and a prepared photo
    order = file_order()
    prepared = photos.photo_prepare(upload=jpeg_with_gps(name="家门口-138xxxx.jpg"))
    # when it is stored
    photo = photos.photo_store(order=order, prepared=prepared)
    # then the stored file is the clean JPEG under the order's folder, with a random name
    photo = Photo.objects.get(pk=photo.pk)
    assert photo.district_id == order.district_id
    assert photo.image.name.startswith(f"workorders/{order.district_id}/{order.pk}/")
    assert "家门口" not in photo.image.name and photo.image.name.endswith(".jpg")
    with photo.image.open("rb") as handle:
        data = handle.read()
    assert not has_gps(data) and b"PhoneMaker" not in data
    assert (photo.width, photo.height) == (640, 480)


def test_a_fourth_photo_of_an_order_is_refused(file_order):
    order = file_order()
    for _ in range(3):
        photos.photo_store(order=order, prepared=photos.photo_prepare(upload=small_jpeg()))
    with pytest.raises(ValidationError, match="最多上传 3 张"):
        photos.photo_store(order=order, prepared=photos.photo_prepare(upload=small_jpeg()))
    assert order.photos.count() == 3
