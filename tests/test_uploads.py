"""Image uploads: accepted formats re-encoded without metadata, everything else refused, serving."""
import io
import os
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo
from werkzeug.datastructures import FileStorage

from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.uploads import delete_image, image_path, store_image

CACHE_CONTROL = "public, max-age=31536000, immutable"


# Images need no database: these tests run once, on the app without one (UPLOAD_DIR is the test's).
@pytest.fixture
def app_overrides(request):
    return getattr(request, "param", {})


@pytest.fixture
def upload_dir(plain_app):
    return Path(plain_app.config["UPLOAD_DIR"])


def encode(image, image_format, **options):
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(data, filename="photo.jpg"):
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type="image/jpeg")


def stored_files(upload_dir):
    return sorted(upload_dir.iterdir()) if upload_dir.exists() else []


def noise(size):
    return Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))


def close_to(pixel, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected))


def refused(data, message, upload_dir):
    with force_locale("en"), pytest.raises(InvalidInput) as error:
        store_image(upload(data))
    assert message in str(error.value.message)
    assert stored_files(upload_dir) == []


@pytest.mark.parametrize("image_format, mode, stored_format, content_type", [
    ("JPEG", "RGB", "JPEG", "image/jpeg"),
    ("PNG", "RGB", "JPEG", "image/jpeg"),  # an opaque PNG is a photo as far as we know
    ("PNG", "RGBA", "PNG", "image/png"),  # transparency survives
    ("WEBP", "RGB", "WEBP", "image/webp"),
])
def test_accepted_images_are_reencoded_and_resized(upload_dir, image_format, mode, stored_format,
                                                   content_type):
    data = encode(Image.new(mode, (3000, 1500), (200, 30, 30, 128)[:len(mode)]), image_format)
    stored = store_image(upload(data, filename="anything.bin"))

    assert (stored.width, stored.height) == (2000, 1000)
    assert stored.content_type == content_type
    assert stored_files(upload_dir) == [upload_dir / stored.name]
    with Image.open(image_path(stored.name)) as image:
        assert image.format == stored_format and image.size == (2000, 1000)
        assert image.mode == ("RGBA" if stored_format == "PNG" else "RGB")


@pytest.mark.parametrize("image, image_format, options, content_type, mode", [
    (Image.new("L", (30, 20), 128), "JPEG", {}, "image/jpeg", "RGB"),
    (Image.new("CMYK", (30, 20), (0, 200, 200, 0)), "JPEG", {}, "image/jpeg", "RGB"),
    (Image.new("P", (30, 20)), "PNG", {"transparency": 0}, "image/png", "RGBA"),
    (Image.new("LA", (30, 20), (90, 10)), "PNG", {}, "image/png", "RGBA"),
    (Image.new("I;16", (30, 20), 40000), "PNG", {}, "image/jpeg", "RGB"),
    (Image.new("RGBA", (30, 20), (1, 2, 3, 4)), "WEBP", {}, "image/webp", "RGBA"),
], ids=["gray-jpeg", "cmyk-jpeg", "palette-png", "gray-alpha-png", "16-bit-png", "webp-alpha"])
def test_other_colour_modes_are_converted(plain_app, image, image_format, options, content_type, mode):
    stored = store_image(upload(encode(image, image_format, **options)))
    assert stored.content_type == content_type and (stored.width, stored.height) == (30, 20)
    with Image.open(image_path(stored.name)) as result:
        assert result.mode == mode


def test_a_multi_picture_jpeg_is_accepted(plain_app):
    # Phones store HDR gain maps and depth maps as extra pictures after the first one.
    data = encode(Image.new("RGB", (40, 30), "red"), "MPO", save_all=True,
                  append_images=[Image.new("RGB", (20, 15), "gray")])
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "MPO"
    stored = store_image(upload(data))
    assert (stored.width, stored.height, stored.content_type) == (40, 30, "image/jpeg")


def test_max_side_is_the_callers_choice(plain_app):
    stored = store_image(upload(encode(Image.new("RGB", (400, 1000)), "JPEG")), max_side=100)
    assert (stored.width, stored.height) == (40, 100)
    small = store_image(upload(encode(Image.new("RGB", (40, 30)), "JPEG")))
    assert (small.width, small.height) == (40, 30)  # never enlarged


def test_metadata_is_stripped_and_orientation_applied(plain_app):
    image = Image.new("RGB", (300, 100), "red")
    image.paste((0, 0, 255), (150, 0, 300, 100))  # left half red, right half blue
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0110] = "SecretModel"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif.get_ifd(0x8825).update({1: "N", 2: (42.0, 52.0, 30.0), 3: "E", 4: (74.0, 36.0, 0.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(image, "JPEG", exif=exif, icc_profile=icc, comment=b"secret comment")
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)  # the upload really carries GPS data

    stored = store_image(upload(data))

    content = image_path(stored.name).read_bytes()
    for secret in (b"Exif", b"CameraMaker", b"SecretModel", b"secret comment", b"ICC_PROFILE"):
        assert secret not in content
    with Image.open(image_path(stored.name)) as result:
        assert not result.getexif() and "icc_profile" not in result.info
        assert result.size == (100, 300)  # turned upright
        assert close_to(result.getpixel((50, 30)), (255, 0, 0))  # the left side is now the top
        assert close_to(result.getpixel((50, 270)), (0, 0, 255))


def test_png_metadata_is_stripped_too(plain_app):
    image = Image.new("RGBA", (20, 20), (0, 128, 0, 100))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    stored = store_image(upload(encode(image, "PNG", exif=exif, icc_profile=icc)))
    content = image_path(stored.name).read_bytes()
    assert b"CameraMaker" not in content and b"iCCP" not in content and b"eXIf" not in content


@pytest.mark.parametrize("data, message", [
    (b"", "Please choose an image file."),
    (b"Just some notes, renamed to photo.jpg\n", "Only JPEG, PNG and WebP"),
    (encode(Image.new("RGB", (10, 10)), "GIF"), "Only JPEG, PNG and WebP"),
    (encode(Image.new("RGB", (10, 10)), "BMP"), "Only JPEG, PNG and WebP"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "Only JPEG, PNG and WebP"),
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
     "Only JPEG, PNG and WebP"),
    (b"<!DOCTYPE html><html><body>hello</body></html>", "Only JPEG, PNG and WebP"),
    (b"\xff\xd8\xff\xe0 a JPEG header and nothing more", "Only JPEG, PNG and WebP"),
    (encode(Image.new("RGB", (50, 50)), "JPEG")[:200], "Only JPEG, PNG and WebP"),  # cut short
], ids=["empty", "text", "gif", "bmp", "svg", "pdf", "html", "jpeg-header", "truncated-jpeg"])
def test_what_is_not_an_accepted_image_is_refused(upload_dir, data, message):
    refused(data, message, upload_dir)


def text_chunk(text):
    info = PngInfo()
    info.add_text("Comment", text)
    return info


JPEG = encode(Image.new("RGB", (64, 64), "green"), "JPEG")
PNG = encode(Image.new("RGB", (64, 64), "green"), "PNG")
WEBP = encode(Image.new("RGB", (64, 64), "green"), "WEBP")


@pytest.mark.parametrize("data", [
    JPEG + b"<script>alert(document.cookie)</script>",
    JPEG + b"<HTML><body onload=alert(1)>",
    JPEG + b"<?php system($_GET['c']); ?>",
    JPEG + b"PK\x03\x04 an archive appended after the image",
    PNG + b"<svg onload=alert(1)>",
    PNG + b"\x00\x00\x00\x00IEND\xaeB`\x82 more data after IEND",
    PNG + b"\x00",
    WEBP + b"<iframe src=javascript:alert(1)>",
    WEBP + b"trailing",
    encode(Image.new("RGB", (64, 64)), "JPEG", comment=b"<script>alert(1)</script>"),
    encode(Image.new("RGB", (64, 64)), "PNG", pnginfo=text_chunk(b"<!doctype html><p>hi")),
], ids=["jpeg-script", "jpeg-html", "jpeg-php", "jpeg-zip", "png-svg", "png-after-iend",
        "png-one-byte", "webp-iframe", "webp-trailing", "markup-in-jpeg-comment",
        "markup-in-png-text"])
def test_polyglots_are_refused(upload_dir, data):
    refused(data, "This file is not a plain image and was refused.", upload_dir)


def test_padding_after_a_jpeg_is_not_a_polyglot(plain_app):
    assert store_image(upload(JPEG + b"\x00" * 32 + b"\r\n")).content_type == "image/jpeg"


def test_a_phones_own_trailer_after_a_jpeg_is_accepted(plain_app):
    """Samsung phones append capture data after the image; ordinary photos must not be refused."""
    trailer = b"\x00\x00SEFH\x00\x00\x00\x01Image_UTC_Data1700000000000SEFT"
    assert store_image(upload(JPEG + trailer)).content_type == "image/jpeg"


def test_files_stored_in_a_rolled_back_transaction_are_removed(plain_app, upload_dir):
    db.session.execute(db.text("SELECT 1"))  # as in a request: the transaction is under way
    stored = store_image(upload(JPEG))
    assert (upload_dir / stored.name).exists()
    db.session.rollback()
    assert not (upload_dir / stored.name).exists()


def test_files_stored_in_a_committed_transaction_stay(plain_app, upload_dir):
    stored = store_image(upload(JPEG))
    db.session.commit()
    db.session.rollback()
    assert (upload_dir / stored.name).exists()


@pytest.mark.parametrize("app_overrides", [{"UPLOAD_MAX_BYTES": 2000}], indirect=True)
def test_a_file_over_the_limit_is_refused(upload_dir):
    big = encode(noise((100, 100)), "PNG")
    assert len(big) > 2000
    refused(big, "The image is larger than", upload_dir)
    assert store_image(upload(encode(Image.new("RGB", (20, 20)), "PNG")))  # under the limit


@pytest.mark.parametrize("size", [(7000, 7000), (10000, 10000), (15000, 15000)])
def test_decompression_bombs_are_refused(upload_dir, size):
    data = encode(Image.new("1", size), "PNG")  # a few kilobytes that decode to huge images
    assert len(data) < 100_000
    refused(data, "too many pixels", upload_dir)


def test_a_failed_write_leaves_nothing(upload_dir, monkeypatch):
    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        store_image(upload(JPEG))
    assert stored_files(upload_dir) == []


def test_delete_image(plain_app, upload_dir):
    stored = store_image(upload(JPEG))
    delete_image(stored.name)
    assert stored_files(upload_dir) == []
    delete_image(stored.name)  # already gone: fine


@pytest.mark.parametrize("name", [
    "../config.py", "abc.jpg", "0" * 32 + ".gif", "A" * 32 + ".jpg", "0" * 32 + ".jpg\n",
    "0" * 32 + ".JPG", ".upload-abc", "", None,
])
def test_image_path_accepts_only_names_store_image_makes(plain_app, name):
    with pytest.raises(NotFound):
        image_path(name)


@pytest.mark.parametrize("source, content_type", [
    (JPEG, "image/jpeg"), (encode(Image.new("LA", (8, 8)), "PNG"), "image/png"), (WEBP, "image/webp"),
])
def test_stored_images_are_served_with_long_caching(plain_client, source, content_type):
    stored = store_image(upload(source))
    response = plain_client.get(f"/media/{stored.name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Cache-Control"] == CACHE_CONTROL
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers  # shared caches may keep it
    assert response.data == image_path(stored.name).read_bytes()


@pytest.mark.parametrize("path", [
    "/media/../config.py", "/media/..%2Fconfig.py", "/media/%2e%2e%2fconfig.py", "/media/abc.jpg",
    "/media/" + "0" * 32 + ".jpg",  # well formed, but no such file
    "/media/.upload-abc",
])
def test_bad_or_unknown_names_are_not_found(plain_client, path):
    response = plain_client.get(path)
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")
