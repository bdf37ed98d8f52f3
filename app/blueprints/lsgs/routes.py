from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints.forms import run_form
from app.blueprints.lsgs.forms import JoinLsgForm
from app.services import lsgs, memberships, reference

bp = Blueprint("lsgs", __name__)


@bp.get("/")
def index():
    return render_template("lsgs/index.html", lsgs=reference.lsgs())


@bp.route("/<id:lsg_id>/join", methods=["GET", "POST"])
@login_required
def join(lsg_id):
    lsg = memberships.get_lsg(lsg_id)
    form = JoinLsgForm()
    requested = run_form(form, lambda: memberships.request_membership(
        current_user, lsg, position=form.position.data, message=form.message.data
    ))
    if requested:
        flash(_("Your request has been sent. A moderator will check it and you will see the "
                "decision on your account page."), "success")
        return redirect(url_for("account.settings"))
    return render_template("lsgs/join.html", form=form, lsg=lsg), requested.status


@bp.get("/<id:lsg_id>")
def detail(lsg_id):
    lsg = lsgs.public_lsg(lsg_id)
    return render_template("lsgs/detail.html", lsg=lsg, officials=lsgs.officials(lsg),
                           projects=lsgs.public_projects(lsg))
