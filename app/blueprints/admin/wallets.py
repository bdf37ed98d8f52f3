"""Admins keep the kinds of mobile wallet LSGs may name in their payment details (issue 12)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.authz import can_administer, require
from app.blueprints.admin.forms import WalletKindForm
from app.blueprints.admin.routes import bp
from app.blueprints.forms import run_action, run_form
from app.services import payment_details


def _render(form, status=200):
    return render_template("admin/wallet_kinds.html", form=form, kinds=payment_details.wallet_kinds(),
                           remove_form=WalletKindForm(formdata=None, prefix="remove")), status


@bp.route("/wallet-kinds", methods=["GET", "POST"])
def wallet_kinds():
    require(can_administer, current_user)
    form = WalletKindForm()
    added = run_form(form, lambda: payment_details.add_wallet_kind(current_user, form.name.data))
    if added:
        flash(_("The wallet kind has been added."), "success")
        return redirect(url_for("admin.wallet_kinds"))
    return _render(form, added.status)


@bp.post("/wallet-kinds/<id:kind_id>/remove")
def remove_wallet_kind(kind_id):
    removed = run_action(lambda: payment_details.remove_wallet_kind(current_user, kind_id))
    if not removed:
        return _render(WalletKindForm(formdata=None), removed.status)
    flash(_("The wallet kind has been removed."), "success")
    return redirect(url_for("admin.wallet_kinds"))
