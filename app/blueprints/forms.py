"""Running a form (or a button) through a service: the one place where a view turns a service's
DomainError into something the user sees on the page they were on.

    outcome = run_form(form, lambda: service.do_it(current_user, thing=form.thing.data))
    if outcome:
        flash(_("Done."), "success")
        return redirect(url_for("..."))
    return render_template("...", form=form), outcome.status

A message about a field the form has goes next to that field; any other message is flashed.
``outcome.status`` is 200 for a first display, 422 for a form that did not validate, and the
error's own status (403, 404, 409, 422 …) when the service refused: the session is rolled back
before the page is rendered again, so it shows what is true.
"""
from flask import flash

from app.blueprints import form_status
from app.errors import DomainError
from app.extensions import db


class Outcome:
    """What became of a form or an action; true when it went through."""

    def __init__(self, ok, status=200, *, value=None, error=None):
        self.ok, self.status, self.value, self.error = ok, status, value, error

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return f"<Outcome ok={self.ok} status={self.status}>"


def show_domain_error(form, error, category="error"):
    """Put ``error.message`` on the form field it names, or flash it when the form has no such field."""
    if form is not None and error.field and error.field in form:
        field = form[error.field]
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, category)


def form_error_text(form):
    """All of a form's errors as one line, for a page (or JSON answer) that does not show the form."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def flash_form_errors(form, category="error"):
    """For a form the page does not show again (a button in a list): its errors as one flash."""
    flash(form_error_text(form), category)


def attempt(action):
    """Call ``action()``; a DomainError becomes a failed Outcome carrying it (shown by the caller,
    e.g. as JSON). Nothing of a refused action stays (the request would roll back anyway), and a
    page shown again must not show what the service half-did: the session is rolled back here."""
    try:
        value = action()
    except DomainError as error:
        db.session.rollback()
        return Outcome(False, error.status_code, error=error)
    return Outcome(True, value=value)


def run_action(action, form=None, *, category="error"):
    """``attempt(action)``; a DomainError is shown (on ``form`` when given, else flashed)."""
    outcome = attempt(action)
    if outcome.error is not None:
        show_domain_error(form, outcome.error, category)
    return outcome


def run_form(form, action, *, category="error"):
    """Validate a submitted form, then ``run_action``; not ok (200 or 422) when it was not sent or not
    valid. When it failed, its first field with an error gets the focus when the page is drawn again."""
    if not form.validate_on_submit():
        outcome = Outcome(False, form_status(form))
    else:
        outcome = run_action(action, form, category=category)
    if not outcome:
        focus_first_error(form)
    return outcome


def focus_first_error(*forms):
    """``autofocus`` on the first field with an error, so the page opens on it without JavaScript."""
    for form in forms:
        for field in form:
            if field.errors and field.type not in ("CSRFTokenField", "HiddenField"):
                field.render_kw = {**(field.render_kw or {}), "autofocus": True}
                return field
    return None

