"""The moderators' dashboard: figures by region or sector, the rows behind each, a CSV per table."""
from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required

from app.blueprints.moderation.routes import bp
from app.csv_export import csv_response
from app.forms import query_int
from app.services import dashboard as service


def figure_url(by, column, group):
    """Where a figure's rows are listed: the review queue (filtered) for its figures, else our list."""
    if column in service.QUEUE_FIGURES and group not in (None, service.NO_SECTOR):
        return url_for("moderation.projects_queue", **{by: group})
    if column in service.QUEUE_FIGURES and group is None:
        return url_for("moderation.projects_queue")
    args = {"by": by, "column": column}
    if group is not None:
        args["group"] = group
    return url_for("moderation.dashboard_list", **args)


@bp.get("/dashboard")
@login_required
def dashboard():
    board = service.moderation_dashboard(current_user, by=request.args.get("by", "region"))
    return render_template("dashboard/index.html", board=board, figure_url=figure_url)


@bp.get("/dashboard/<table>.csv")
@login_required
def dashboard_csv(table):
    board = service.moderation_dashboard(current_user, by=request.args.get("by", "region"))
    if table not in service.TABLES_BY_KEY:
        abort(404)
    rows, fieldnames = service.csv_rows(board, table)
    return csv_response(rows, fieldnames, f"birge-{table}-by-{board.by}.csv")


@bp.get("/dashboard/list")
@login_required
def dashboard_list():
    by = request.args.get("by", "region")
    group = request.args.get("group", None, type=query_int)
    column, facts = service.figure_rows(current_user, by=by, column=request.args.get("column", ""), group=group)
    return render_template("dashboard/list.html", column=column, facts=facts, by=by, group=group,
                           group_name=service.group_name(by, group))
