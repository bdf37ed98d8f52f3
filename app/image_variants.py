"""Responsive variants of a stored photo: narrower copies, and WebP beside JPEG or PNG.

A phone on a 360 px screen needs a 480 px wide copy, not the 2000 px original; a browser that
reads WebP (every current one) gets it a third smaller. ``store_image(…, responsive=True)``
(app/uploads.py) writes the variants beside the original, under names made from its name:
``<stem>-<width>w.<jpg|png|webp>``. ``picture_sources`` says which a page may offer; a photo
stored before variants existed has none and is shown from its original.
"""
import io

from PIL import Image

WIDTHS = (480, 1200)
JPEG_QUALITY = 82
WEBP_QUALITY = 80


def variant_name(name, width, extension):
    return f"{name.partition('.')[0]}-{width}w.{extension}"


def smaller_widths(width):
    return [w for w in WIDTHS if w < width]


def encode_variants(image, name):
    """[(name, bytes)] of the variants of ``image``, the re-encoded pixels stored as ``name``."""
    extension = name.rpartition(".")[2]
    variants = []
    for width in smaller_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        smaller = image.resize((width, height), Image.Resampling.LANCZOS)
        variants.append((variant_name(name, width, extension), _encode(smaller, extension)))
        if extension != "webp":
            variants.append((variant_name(name, width, "webp"), _encode(smaller, "webp")))
        smaller.close()
    if extension != "webp":  # the full width in WebP too; a WebP original is its own
        variants.append((variant_name(name, image.width, "webp"), _encode(image, "webp")))
    return variants


def picture_sources(name, width, *, exists):
    """{"srcset": [(name, width)…], "webp": [(name, width)…] or None} of the stored photo
    ``name`` (``width`` px wide), or None when its variants were never made (``exists(name)``
    tells whether a variant is stored)."""
    extension = name.rpartition(".")[2]
    narrower = smaller_widths(width)
    srcset = [(variant_name(name, w, extension), w) for w in narrower] + [(name, width)]
    webp = None
    if extension != "webp":
        webp = [(variant_name(name, w, "webp"), w) for w in narrower + [width]]
    needed = [variant for variant, _ in srcset + (webp or []) if variant != name]
    if not needed or not all(exists(variant) for variant in needed):
        return None
    return {"srcset": srcset, "webp": webp}


def _encode(image, extension):
    buffer = io.BytesIO()
    if extension == "jpg":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif extension == "webp":
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
