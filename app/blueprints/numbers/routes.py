from flask import Blueprint, render_template

from app.money import format_money
from app.pages.charts import bar_chart
from app.services.numbers import birge_in_numbers

bp = Blueprint("numbers", __name__)


@bp.get("/")
def index():
    numbers = birge_in_numbers()
    charts = {
        "projects": bar_chart((row.region.name, row.figures.projects, row.figures.projects) for row in numbers.regions),
        "money": bar_chart((row.region.name, row.figures.money, format_money(row.figures.money, "KGS"))
                           for row in numbers.regions),
    }
    return render_template("numbers/index.html", numbers=numbers, charts=charts)
