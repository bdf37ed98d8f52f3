"""Image uploads: checked by content, re-encoded from pixels, stored under UPLOAD_DIR.

Only a fresh encoding of the pixels is ever stored, so nothing from the upload (metadata,
hidden payloads) reaches the stored file. Output formats: WebP stays WebP, a PNG with
transparency stays PNG, everything else becomes a progressive JPEG (quality 85). A photo that
pages show (``responsive=True``) also gets narrower copies and WebP beside them
(app/image_variants.py), stored and removed with it.
"""
import io
import os
import re
import secrets
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageCms, ImageOps
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.image_variants import encode_variants

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# Decoding and re-encoding run in the web worker: 16 MP (a 4:3 photo of 4600 × 3450, more than
# any phone sends by default) costs well under a second; 40 MP cost 2 s and 376 MB.
MAX_PIXELS = 16_000_000
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
ONE_YEAR = 365 * 24 * 3600

# A stored original, or one of its variants (<stem>-<width>w.<extension>).
_NAME = re.compile(r"[0-9a-f]{32}(?:-[1-9][0-9]{0,3}w)?\.(?:jpg|png|webp)")
# Markup a browser or interpreter would act on. Tag names must be followed by what ends a tag
# name, so that short ones like "<svg" do not turn up by chance in compressed pixel data.
_MARKUP = re.compile(rb"<(?:script|html|svg|iframe|!doctype)[\s/>]|<\?php|javascript:")
_SRGB = ImageCms.createProfile("sRGB")
# What a file appended to a JPEG starts with when the JPEG is a carrier for it.
_CARRIED_FILES = (b"PK\x03\x04", b"%PDF", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"MZ")


_PENDING = "birge.uploads_pending"


@event.listens_for(Session, "after_commit")
def _keep_stored_files(session):
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_soft_rollback")
def _remove_stored_files(session, previous_transaction):
    if previous_transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    for path in session.info.pop(_PENDING, []):
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class StoredImage:
    name: str
    width: int
    height: int
    content_type: str


def store_image(file_storage, *, max_side=2000, private=False, responsive=False):
    """Check an uploaded image, re-encode it without metadata and store it; raise InvalidInput.

    A private image (a licence, a diploma) goes to a folder /media never serves; it reaches only
    the people a view checks, through image_path(name, private=True). A responsive image (a
    photo pages show) is stored with its variants."""
    data = _read_limited(file_storage)
    image = _open(data)
    try:
        if _has_hidden_content(data, image.format):
            raise InvalidInput(_("This file is not a plain image and was refused."))
        encoded, extension, pixels = _reencode(image, max_side)
        name = f"{secrets.token_hex(16)}.{extension}"
        files = [(name, encoded)]
        if responsive and not private:
            files += encode_variants(pixels, name)
        width, height = pixels.size
        pixels.close()
    except InvalidInput:
        raise
    except Exception as error:  # decoding untrusted bytes: Pillow fails in many ways
        raise _not_accepted() from error
    finally:
        image.close()
    _write_all(_upload_dir(private), files)
    return StoredImage(name, width, height, CONTENT_TYPES[extension])


def delete_image(name, *, private=False):
    path = image_path(name, private=private)
    for variant in path.parent.glob(f"{path.stem}-*w.*"):
        variant.unlink(missing_ok=True)
    path.unlink(missing_ok=True)


def image_path(name, *, private=False):
    """The stored file's path; NotFound for anything but a name store_image could have made."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise NotFound()
    return _upload_dir(private) / name


def _upload_dir(private=False):
    base = Path(current_app.config["UPLOAD_DIR"])
    return base / "private" if private else base


def _read_limited(file_storage):
    limit = current_app.config.get("UPLOAD_MAX_BYTES", 8 * 1024 * 1024)
    stream = getattr(file_storage, "stream", file_storage)
    data = stream.read(limit + 1)  # one byte more tells "too large" from "exactly the limit"
    if not data:
        raise InvalidInput(_("Please choose an image file."))
    if len(data) > limit:
        raise InvalidInput(_("The image is larger than %(mb)d MB.", mb=max(1, limit // 2**20)))
    return data


def _not_accepted():
    return InvalidInput(_("Only JPEG, PNG and WebP images are accepted."))


def _open(data):
    """Open the bytes as one of the accepted formats, refusing pixel floods before decoding:
    the size comes from the header, so an oversized image costs no decoding at all."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise _too_many_pixels()
                probe.verify()
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except InvalidInput:
            raise
        except Exception as error:  # not an accepted format, or damaged in one of many ways
            raise _not_accepted() from error
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise _too_many_pixels()
    return image


def _too_many_pixels():
    return InvalidInput(_("The image has too many pixels (at most %(mp)d megapixels).",
                          mp=MAX_PIXELS // 1_000_000))


def _has_hidden_content(data, image_format):
    """A polyglot: bytes that are a valid image and also something else (a page, a script, an
    archive). The stored file is re-encoded and cannot carry them; refusing such uploads
    outright stops them from ever being handed on elsewhere and flags the intent."""
    if _MARKUP.search(data.lower()):  # faster than a case-insensitive pattern
        return True
    trailing = _trailing_data(data, image_format)
    if image_format == "JPEG":
        # Phones append their own trailers to JPEGs (Samsung's capture data, motion photos'
        # video): ordinary photos. Refuse only a trailer that carries another kind of file.
        return any(signature in trailing for signature in _CARRIED_FILES)
    return bool(trailing)


def _trailing_data(data, image_format):
    """What follows the image's end marker, where viewers stop reading and archives (a ZIP is
    read from its end) or scripts can hide."""
    if image_format == "PNG":
        return data[_png_end(data):]
    if image_format == "WEBP":
        return data[8 + int.from_bytes(data[4:8], "little"):]  # the RIFF header's length
    # JPEG: after the last end-of-image marker (a multi-picture file ends with its last
    # picture's); some encoders pad with NULs or newlines, which hide nothing.
    return data[data.rfind(b"\xff\xd9") + 2:].strip(b"\x00\r\n\t ")


def _png_end(data):
    position = 8  # after the signature; the image was verified, so the chunks are well formed
    while position + 8 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        chunk_type = data[position + 4:position + 8]
        position += 12 + length  # length, type, data, CRC
        if chunk_type == b"IEND":
            break
    return position


def _reencode(image, max_side):
    source_format = image.format
    image.draft(None, (max_side, max_side))  # JPEG: decode at a reduced scale, saving memory
    image = ImageOps.exif_transpose(image)
    if source_format == "WEBP":
        output, extension = "WEBP", "webp"
    elif source_format == "PNG" and image.has_transparency_data:
        output, extension = "PNG", "png"
    else:
        output, extension = "JPEG", "jpg"
    mode = "RGBA" if output != "JPEG" and image.has_transparency_data else "RGB"
    image = _to_srgb(image, mode)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # Pillow copies some metadata from .info when saving (a PNG's ICC profile, a JPEG's
    # comment); an empty .info and no exif/icc_profile/xmp arguments leave only pixels.
    image.info = {}
    buffer = io.BytesIO()
    if output == "JPEG":
        image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif output == "WEBP":
        image.save(buffer, "WEBP", quality=85)
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue(), extension, image


def _to_srgb(image, mode):
    """Convert to sRGB before the colour profile is dropped, or wide-gamut photos (most
    phones now) would look washed out."""
    icc = image.info.get("icc_profile")
    if icc:
        try:
            return ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(icc)), _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken or unusual profile: fall back to a plain conversion
    return image.convert(mode)


def _write_all(directory, files):
    """Write the (name, content) files; a failure removes those already written. Stored before
    the database commits: if the transaction rolls back, the files go too."""
    written = []
    try:
        for name, content in files:
            _write_atomically(directory, name, content)
            written.append(directory / name)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    db.session.info.setdefault(_PENDING, []).extend(written)


def _write_atomically(directory, name, content):
    """Write to a temporary file in the same directory, then rename: readers never see half a
    file, and a failure leaves nothing behind (the dot-name is never a valid image name)."""
    directory.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; these images are public
        os.replace(temporary, directory / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
