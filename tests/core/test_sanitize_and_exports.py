import csv
import io

import pytest
from openpyxl import load_workbook

from core.exports import SafeCSVWriter, iter_csv, neutralise, write_xlsx
from core.sanitize import sanitize_html, strip_tags

PAYLOADS = [
    "<script>alert(1)</script><p>ok</p>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<svg/onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<div onmouseover="alert(1)">x</div>',
    "<<script>script>alert(1)//<</script>/script>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitiser_removes_script(payload):
    clean = sanitize_html(payload).lower()
    for bad in ("<script", "onerror", "onload", "onmouseover", "javascript:", "<iframe", "style=", "<svg"):
        assert bad not in clean


def test_sanitiser_keeps_ordinary_rich_text_and_direction():
    html = '<h2>Title</h2><p dir="rtl">مرحبا <strong>bold</strong> <a href="https://unesco.org">link</a></p>'
    clean = sanitize_html(html)
    assert '<p dir="rtl">' in clean
    assert "<strong>bold</strong>" in clean
    assert 'href="https://unesco.org"' in clean
    assert 'rel="noopener noreferrer nofollow"' in clean
    assert strip_tags(html) == "Titleمرحبا bold link"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1", '=HYPERLINK("x")'])
def test_formula_triggers_are_neutralised(value):
    assert neutralise(value).startswith("'")


@pytest.mark.parametrize("value", ["Amina", "مرحبا", "Ольга", 42, -5, 3.5, None, "a=b"])
def test_ordinary_values_are_kept(value):
    assert neutralise(value) == ("" if value is None else value)


def test_csv_writer_and_stream_write_safe_utf8_with_bom():
    buffer = io.StringIO()
    SafeCSVWriter(buffer).writerow(["=cmd|' /C calc'!A0", "Ольга", 7])
    assert buffer.getvalue().startswith("'=cmd")
    data = b"".join(iter_csv(["name", "note"], [["أمينة", "@evil"], ["Ivan", "ok"]] * 5000))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["name", "note"]
    assert rows[1] == ["أمينة", "'@evil"]
    assert len(rows) == 10001


def test_xlsx_cells_are_text_not_formulas(tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(str(path), header=["name", "value"], rows=[["=1+1", 5], ["bad\x01char", -3]], title="Report")
    sheet = load_workbook(path).active
    assert sheet["A2"].value == "'=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["B3"].value == -3
    assert sheet["A3"].value == "badchar"
