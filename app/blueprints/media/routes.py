from flask import Blueprint, send_from_directory

from app.uploads import CONTENT_TYPES, ONE_YEAR, image_path

bp = Blueprint("media", __name__)


@bp.get("/<name>")
def image(name):
    path = image_path(name)  # NotFound for any name store_image could not have made
    response = send_from_directory(
        path.parent, path.name, mimetype=CONTENT_TYPES[path.suffix[1:]], max_age=ONE_YEAR)
    # A name is random and never reused, so its content never changes.
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
