"""One upload cannot starve a web worker: the pixel bound is read from the header (issue 9, 7c).

A 40-megapixel photo cost about 2 s and 376 MB to decode and re-encode in a web worker; the
bound is now 16 megapixels (a 4:3 photo of 4600 × 3450), refused before any pixel is decoded.
"""
import io
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import Image
from werkzeug.datastructures import FileStorage

from app.errors import InvalidInput
from app.uploads import MAX_PIXELS, store_image


@pytest.fixture
def app_overrides(tmp_path):
    return {"UPLOAD_DIR": str(tmp_path / "uploads"), "UPLOAD_MAX_BYTES": 8 * 1024 * 1024}


def upload(image, image_format="JPEG"):
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return FileStorage(stream=io.BytesIO(buffer.getvalue()), filename="photo.jpg", content_type="image/jpeg")


def test_the_bound_is_sixteen_megapixels():
    assert MAX_PIXELS == 16_000_000


@pytest.mark.parametrize("size", [(7300, 5500), (6000, 4000), (4620, 3465)])
def test_photos_beyond_the_bound_are_refused_in_the_readers_language(app, size):
    uploads = Path(app.config["UPLOAD_DIR"])
    image = Image.new("RGB", size, (90, 140, 60))
    for locale, text in (("en", "at most 16 megapixels"), ("ru", "16"), ("ky", "16")):
        with force_locale(locale), pytest.raises(InvalidInput) as refused:
            store_image(upload(image))
        assert text in str(refused.value.message)
    with force_locale("ru"), pytest.raises(InvalidInput) as refused:
        store_image(upload(image))
    assert "пиксел" in str(refused.value.message).lower()
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_a_twelve_megapixel_photo_is_accepted(app):
    stored = store_image(upload(Image.new("RGB", (4000, 3000), (200, 120, 40))))
    assert (stored.width, stored.height) == (2000, 1500)


def test_the_bound_is_checked_before_the_file_is_decoded(app):
    """Only the header is read: a flood is refused even when its pixel data is cut off."""
    buffer = io.BytesIO()
    Image.new("L", (8000, 8000)).save(buffer, "PNG")
    header_only = buffer.getvalue()[:200]
    with force_locale("en"), pytest.raises(InvalidInput) as refused:
        store_image(FileStorage(stream=io.BytesIO(header_only), filename="x.png", content_type="image/png"))
    assert "too many pixels" in str(refused.value.message)
