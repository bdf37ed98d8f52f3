"""What the browser downloads: fingerprinted static files cached for a year, compressed text,
Leaflet only where a map is, responsive photos, and the weight of the home and project pages."""
import gzip
import html
import io
import os
import re
from pathlib import Path

import brotli
import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from app.assets import asset_url
from app.extensions import db
from app.models import Role
from app.services import projects as project_service
from app.uploads import delete_image, image_path, store_image
from tests.factories import make_official, make_project, make_user

IMMUTABLE = "public, max-age=31536000, immutable"
TEMPLATES = Path(__file__).resolve().parent.parent / "app" / "templates"
ASSET = re.compile(r'<(?:link|script)\b[^>]*\b(?:href|src)="(/static/[^"]+)"')
HOME_BUDGET, PROJECT_BUDGET = 60 * 1024, 100 * 1024


def assets_of(page):
    return [html.unescape(url) for url in ASSET.findall(page)]


def photo_upload(size=(1600, 1000), seed=0):
    buffer = io.BytesIO()
    Image.new("RGB", size, (40 * seed % 255, 120, 200)).save(buffer, "JPEG")
    buffer.seek(0)
    return FileStorage(stream=buffer, filename="photo.jpg", content_type="image/jpeg")


def stored_files(upload_dir):
    return sorted(p.name for p in upload_dir.iterdir()) if upload_dir.exists() else []


# ---- fingerprinted static files

def test_templates_build_static_urls_only_through_asset_url():
    offenders = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
                 if re.search(r"""url_for\(\s*['"]static['"]""", path.read_text())]
    assert offenders == []


def test_a_fingerprinted_url_is_cached_for_a_year_and_others_briefly(client):
    page = client.get("/").get_data(as_text=True)
    stylesheet = next(url for url in assets_of(page) if url.startswith("/static/css/birge.css?v="))
    response = client.get(stylesheet)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE

    for url in ("/static/css/birge.css", "/static/css/birge.css?v=0123456789abcdef"):  # an old version's
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers["Cache-Control"]
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert response.headers["ETag"]  # revalidated, not fetched again

    assert "immutable" not in client.get("/static/css/nothing-here.css?v=1").headers.get("Cache-Control", "")


def test_the_fingerprint_follows_the_content(plain_app, tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "x.css").write_text("a { color: red }")
    saved, plain_app.static_folder = plain_app.static_folder, str(static)
    try:
        with plain_app.test_request_context():
            first = asset_url("css/x.css")
            (static / "css" / "x.css").write_text("a { color: blue }")
            os.utime(static / "css" / "x.css", ns=(1, 1))
            second = asset_url("css/x.css")
            assert first.startswith("/static/css/x.css?v=") and second.startswith("/static/css/x.css?v=")
            assert first != second
            assert asset_url("css/") == "/static/css/"  # a folder: no fingerprint
    finally:
        plain_app.static_folder = saved


# ---- compression

def _without_csrf_tokens(html):
    """A page's CSRF tokens carry the second they were signed in: two renders differ by them alone."""
    return re.sub(rb'name="csrf_token" value="[^"]*"', b'name="csrf_token" value=""', html)


def test_html_is_gzipped_when_the_client_accepts_it(client):
    plain = client.get("/")
    assert "Content-Encoding" not in plain.headers
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert _without_csrf_tokens(gzip.decompress(response.data)) == _without_csrf_tokens(plain.data)
    assert len(response.data) < len(plain.data) / 2

    response = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert _without_csrf_tokens(brotli.decompress(response.data)) == _without_csrf_tokens(plain.data)


@pytest.mark.parametrize("path, content_type", [
    ("css/birge.css", "text/css"), ("js/map.js", "text/javascript"), ("vendor/leaflet/leaflet.js", "text/javascript"),
])
def test_css_and_javascript_are_gzipped(plain_client, path, content_type):
    plain = plain_client.get(f"/static/{path}")
    response = plain_client.get(f"/static/{path}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.mimetype == content_type
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == plain.data


def test_images_are_not_compressed_again(plain_client):
    stored = store_image(photo_upload(), responsive=True)
    for name in (stored.name, stored.name.replace(".jpg", "-480w.webp")):
        response = plain_client.get(f"/media/{name}", headers={"Accept-Encoding": "gzip, br"})
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers
        assert response.data == image_path(name).read_bytes()


# ---- Leaflet only where a map is

def test_leaflet_loads_on_the_project_page_and_nowhere_else(client):
    project = make_project(make_official(), publish=True)
    detail = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'class="map"' in detail
    loaded = assets_of(detail)
    for asset in ("/static/vendor/leaflet/leaflet.js?v=", "/static/vendor/leaflet/leaflet.css?v=", "/static/js/map.js?v="):
        assert any(url.startswith(asset) for url in loaded), asset

    for path in ("/", "/projects/", "/search/", f"/search/?q={project.title}"):
        page = client.get(path).get_data(as_text=True)
        assert 'class="map"' not in page
        assert "leaflet" not in page and "map.js" not in page, path


# ---- responsive photos

def test_a_photo_for_pages_is_stored_with_narrower_and_webp_variants(plain_app, plain_client):
    upload_dir = Path(plain_app.config["UPLOAD_DIR"])
    stored = store_image(photo_upload((1600, 1000)), responsive=True)
    stem = stored.name.removesuffix(".jpg")
    assert stored_files(upload_dir) == sorted([
        stored.name, f"{stem}-480w.jpg", f"{stem}-480w.webp", f"{stem}-1200w.jpg", f"{stem}-1200w.webp",
        f"{stem}-1600w.webp"])
    for name, size, image_format in ((f"{stem}-480w.jpg", (480, 300), "JPEG"), (f"{stem}-1200w.webp", (1200, 750), "WEBP"),
                                     (f"{stem}-1600w.webp", (1600, 1000), "WEBP")):
        with Image.open(image_path(name)) as image:
            assert (image.size, image.format) == (size, image_format)
        response = plain_client.get(f"/media/{name}")
        assert response.status_code == 200 and response.headers["Cache-Control"] == IMMUTABLE
        assert response.mimetype == ("image/webp" if name.endswith(".webp") else "image/jpeg")
    assert image_path(f"{stem}-480w.webp").stat().st_size < image_path(stored.name).stat().st_size / 3

    delete_image(stored.name)
    assert stored_files(upload_dir) == []


def test_only_narrower_variants_are_made(plain_app):
    upload_dir = Path(plain_app.config["UPLOAD_DIR"])
    stored = store_image(photo_upload((320, 200)), responsive=True)
    assert stored_files(upload_dir) == sorted([stored.name, stored.name.replace(".jpg", "-320w.webp")])
    delete_image(stored.name)
    assert store_image(photo_upload((320, 200)), responsive=False).name  # receipts, licences: none
    assert len(stored_files(upload_dir)) == 1


def test_variants_go_with_a_rolled_back_photo_and_a_failed_write(plain_app, monkeypatch):
    upload_dir = Path(plain_app.config["UPLOAD_DIR"])
    db.session.execute(db.text("SELECT 1"))  # as in a request: the transaction is under way
    store_image(photo_upload(), responsive=True)
    assert len(stored_files(upload_dir)) == 6
    db.session.rollback()
    assert stored_files(upload_dir) == []

    replace, calls = os.replace, []

    def fail_on_the_fourth(*args):
        calls.append(args)
        if len(calls) == 4:
            raise OSError("disk full")
        return replace(*args)

    monkeypatch.setattr(os, "replace", fail_on_the_fourth)
    with pytest.raises(OSError):
        store_image(photo_upload(), responsive=True)
    assert stored_files(upload_dir) == []


def test_the_project_page_offers_webp_and_narrow_copies_and_loads_below_the_fold_lazily(client):
    official = make_official()
    project = make_project(official)
    for seed in range(2):
        project_service.add_photo(official, project, photo_upload(seed=seed), caption=f"Photo {seed}")
    project_service.submit_project(official, project)
    project_service.publish_project(make_user(role=Role.MODERATOR), project, reason="Documents checked")
    db.session.commit()
    cover, other = project.photos
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)

    figure = re.search(r'<figure class="cover">(.*?)</figure>', page, re.S).group(1)
    stem = cover.filename.removesuffix(".jpg")
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)">', figure)
    assert webp.group(1) == (f"/media/{stem}-480w.webp 480w, /media/{stem}-1200w.webp 1200w, "
                             f"/media/{stem}-1600w.webp 1600w")
    image = re.search(r"<img [^>]+>", figure).group(0)
    assert f'src="/media/{cover.filename}"' in image
    assert f'srcset="/media/{stem}-480w.jpg 480w, /media/{stem}-1200w.jpg 1200w, /media/{cover.filename} 1600w"' in image
    assert 'width="1600" height="1000"' in image
    assert 'loading="lazy"' not in image  # the first image, above the fold

    gallery = re.search(r'<ul class="gallery">(.*?)</ul>', page, re.S).group(1)
    images = re.findall(r"<img [^>]+>", gallery)
    assert len(images) == 2 and all('loading="lazy"' in image and "srcset=" in image for image in images)
    assert gallery.count('<source type="image/webp"') == 2
    assert f"{other.filename.removesuffix('.jpg')}-480w.webp 480w" in gallery

    listed = client.get("/projects/").get_data(as_text=True)
    card = re.search(r'<article class="card project-card">(.*?)</article>', listed, re.S).group(1)
    assert f"/media/{stem}-480w.webp 480w" in card and 'class="card-image"' in card and 'loading="lazy"' in card


def test_a_photo_stored_before_variants_is_shown_from_its_original(client):
    official = make_official()
    project = make_project(official, photos=1, publish=True)
    (photo,) = project.photos
    for variant in Path(image_path(photo.filename).parent).glob(f"{Path(photo.filename).stem}-*"):
        variant.unlink()  # as a photo stored before variants existed
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    cover = re.search(r'<figure class="cover">(.*?)</figure>', page, re.S).group(1)
    assert "<picture>" not in cover and "srcset" not in cover
    assert f'src="/media/{photo.filename}"' in cover
    assert client.get(f"/media/{photo.filename}").status_code == 200


# ---- page weight (the browser tests measure it too, from the responses chromium receives)

def transferred(client, path):
    """Bytes on the wire (gzip) of the page and the CSS and JavaScript it references, with the
    figures of each."""
    headers = {"Accept-Encoding": "gzip"}
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    sizes = {path: len(response.data)}
    for url in assets_of(gzip.decompress(response.data).decode()):
        asset = client.get(url, headers=headers)
        assert asset.status_code == 200, url
        sizes[url.partition("?")[0]] = len(asset.data)
    return sum(sizes.values()), sizes


def report(name, total, sizes, budget):
    figures = ", ".join(f"{url} {size / 1024:.1f} KB" for url, size in sizes.items())
    print(f"\n{name}: {total / 1024:.1f} KB of {budget / 1024:.0f} KB ({figures})")


def test_the_home_page_weighs_at_most_60_kb(client):
    for n in range(6):
        make_project(make_official(), title=f"Water pipe number {n}", publish=True)
    total, sizes = transferred(client, "/")
    report("home page", total, sizes, HOME_BUDGET)
    assert total <= HOME_BUDGET


def test_the_project_page_without_photos_weighs_at_most_100_kb(client):
    project = make_project(make_official(), publish=True)
    total, sizes = transferred(client, f"/projects/{project.id}")
    report("project page", total, sizes, PROJECT_BUDGET)
    assert any("leaflet.js" in url for url in sizes)
    assert total <= PROJECT_BUDGET


def test_every_block_of_the_stylesheet_is_closed():
    """A @media block left open swallowed every rule after it into wide screens only (the payment
    slip's, the API docs', the missions'): each block of birge.css is closed where it ends."""
    css = re.sub(r"/\*.*?\*/", "", (Path(__file__).resolve().parents[1] / "app/static/css/birge.css").read_text(),
                 flags=re.S)
    depth = 0
    for number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"line {number} closes a block that is not open"
    assert depth == 0, f"{depth} block(s) of birge.css left open"
