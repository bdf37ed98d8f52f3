"""What the browser downloads: fingerprinted static URLs and their caching, compressed text, and
the responsive sources of stored photos.

- ``asset_url(filename)`` (a template global; templates never call ``url_for('static', …)``)
  gives ``/static/<filename>?v=<hash of the content>``. A request whose ``v`` is the file's
  current hash is cached for a year, immutable; any other static request (no ``v``, or the ``v``
  of an older version, asked by a page cached before a deploy) is cached briefly and revalidated,
  so a changed file is never pinned under an old URL.
- Flask-Compress compresses text responses (HTML, CSS, JS, JSON, SVG) for clients that accept
  Brotli or gzip; images are already compressed and are left alone.
- ``image_sources(name, width)`` (a template global, used by templates/macros/images.html)
  gives the srcset strings of a stored photo's variants, or None for a photo stored before
  variants existed: it is then shown from its original.
"""
import hashlib
import os
import stat

from flask import current_app, request, url_for

from app.extensions import compress
from app.image_variants import picture_sources
from app.uploads import image_path

ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
# Unfingerprinted (or outdated) URLs: a few minutes, then the ETag revalidates.
SHORT = "public, max-age=300"
TEXT_TYPES = [
    "text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
    "application/json", "application/manifest+json", "image/svg+xml",
]


def init_app(app):
    # Brotli first where the browser offers it (every current one does), gzip for the others.
    # Static files are sent as streams: gzip is allowed for them too (the library leaves it out
    # of streaming by default, which would leave gzip-only clients uncompressed).
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIMETYPES", TEXT_TYPES)
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    compress.init_app(app)
    # {path: (mtime_ns, size, digest)}: recomputed when the file changes (no restart is needed
    # after editing a stylesheet in development).
    app.extensions["asset_digests"] = {}
    app.after_request(cache_static_files)
    app.add_template_global(asset_url)
    app.add_template_global(image_sources)


def fingerprint(filename):
    """A short hash of the static file's content; None when there is no such file."""
    path = os.path.join(current_app.static_folder, filename)
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(status.st_mode):  # a folder (the map's marker images)
        return None
    digests = current_app.extensions["asset_digests"]
    known = digests.get(path)
    if known and known[:2] == (status.st_mtime_ns, status.st_size):
        return known[2]
    with open(path, "rb") as file:
        digest = hashlib.sha256(file.read()).hexdigest()[:16]
    digests[path] = (status.st_mtime_ns, status.st_size, digest)
    return digest


def asset_url(filename):
    """The URL of a static file, fingerprinted when it is a file (a folder's URL stays plain)."""
    version = fingerprint(filename)
    if version is None:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=version)


def cache_static_files(response):
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    version = request.args.get("v")
    current = version is not None and version == fingerprint(filename)
    response.headers["Cache-Control"] = IMMUTABLE if current else SHORT
    return response


def image_sources(name, width):
    """{"srcset": …, "webp": … or None} for a stored photo's variants, or None without them."""
    sources = picture_sources(name, width, exists=lambda variant: image_path(variant).is_file())
    if sources is None:
        return None
    return {kind: _srcset(entries) if entries else None for kind, entries in sources.items()}


def _srcset(entries):
    return ", ".join(f"{url_for('media.image', name=name)} {width}w" for name, width in entries)
