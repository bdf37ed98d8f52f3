"""Feature blueprints. Views parse input, call one service, and render or redirect."""
from flask import redirect, request, url_for

from app.security import is_safe_next


def form_status(form):
    """200 for a first display; 422 when a submitted form is shown again with its errors."""
    return 422 if form.is_submitted() else 200


def redirect_next(default_endpoint, **values):
    target = request.form.get("next") or request.args.get("next")
    if is_safe_next(target):
        return redirect(target)
    return redirect(url_for(default_endpoint, **values))

