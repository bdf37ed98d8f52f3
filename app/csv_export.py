"""The one CSV writer: every export goes through it, so no cell becomes a spreadsheet formula.

Excel, LibreOffice and Google Sheets run a cell that starts with = + - @ (or a tab or carriage
return before one) as a formula: a project title "=HYPERLINK(…)" would become a live link. As
OWASP advises, such a text cell is written with a leading apostrophe, which spreadsheets show as
text; numbers we write ourselves stay numbers.
"""
import csv
import io

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows, fieldnames):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fieldnames)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return out.getvalue()


def csv_response(rows, fieldnames, filename):
    """A download of ``rows`` (dicts) as CSV with these columns."""
    return Response(csv_text(rows, fieldnames), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
