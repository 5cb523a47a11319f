"""The one neutralising rule every export uses (OWASP CSV injection) and its inverse."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.core.exports import (
    csv_row,
    neutralise,
    neutralise_lines,
    unneutralise,
    xlsx_cell,
    xlsx_row,
    xlsx_value,
    xml_text,
)
from tests.formula_free import HOSTILE, HYPERLINK, xlsx_problems, xlsx_texts


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("=", "'="),
        ("'=1", "''=1"),  # already quoted by a person: one more, so the import gives it back
        ("''+x", "'''+x"),
        ("张三", "张三"),
        ("'张三", "'张三"),
        ("'", "'"),
        ("a=1", "a=1"),
        (" =1", " =1"),  # a leading space is not in OWASP's list; spreadsheets keep it text
        ("\n=1", "\n=1"),
        ("", ""),
    ],
)
def test_neutralise_and_back(text, written):
    assert neutralise(text) == written
    assert unneutralise(written) == text


@pytest.mark.parametrize("value", [None, 0, -2, -2.5, Decimal("-89.37"), dt.date(2026, 1, 2), True])
def test_numbers_dates_and_none_are_left_alone(value):
    assert neutralise(value) is value
    assert xlsx_value(value) is value


@given(st.text(alphabet=st.sampled_from("'=+-@\t\r\na张 1"), max_size=8) | st.text(max_size=20))
def test_the_rule_is_a_bijection(text):
    written = neutralise(text)
    assert unneutralise(written) == text
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_every_line_of_a_multi_line_text():
    assert neutralise_lines("议题一\n=1+1\r\n-2\rok") == "议题一\n'=1+1\r\n'-2\rok"
    assert neutralise_lines("") == "" and neutralise_lines(None) == ""


def test_characters_xml_cannot_hold_are_dropped():
    assert xml_text("a\x0bb\x0c\x00c\ufffe") == "abc"
    assert xml_text("tab\tlf\ncr\r") == "tab\tlf\ncr\r"


def test_csv_row():
    out = io.StringIO()
    csv.writer(out).writerow(csv_row([*HOSTILE, -5, "普通"]))
    fields = next(csv.reader(io.StringIO(out.getvalue()), strict=True))
    assert fields[:6] == ["'" + v for v in HOSTILE]
    assert fields[6:] == ["-5", "普通"]


@pytest.mark.parametrize("write_only", [True, False], ids=["write-only", "normal"])
def test_openpyxl_never_writes_a_formula(write_only, tmp_path):
    """openpyxl makes a formula of any str starting with "=" (and an error cell of "#N/A"), in
    both modes; through the helpers, every hostile value stays text and comes back exactly."""
    values = [*HOSTILE, "'=1", "#N/A", "#DIV/0!", "普通", -2, Decimal("-3.50")]
    book = openpyxl.Workbook(write_only=write_only)
    ws = book.create_sheet("s") if write_only else book.active
    ws.append(xlsx_row(values, ws))
    if write_only:
        ws.append([xlsx_cell(ws, v) for v in values])
    else:
        ws.append([xlsx_value(v, ws) for v in values[:6]])
    path = tmp_path / "x.xlsx"
    book.save(path)

    assert xlsx_problems(path) == []
    sheet = openpyxl.load_workbook(path).worksheets[0]
    first = [cell.value for cell in sheet[1]]
    assert first[:6] == ["'" + v for v in HOSTILE]
    assert first[6:9] == ["''=1", "#N/A", "#DIV/0!"]
    assert [cell.data_type for cell in sheet[1]][7:9] == ["s", "s"]
    assert first[10:] == [-2, -3.5]
    assert [cell.data_type for cell in sheet[1]][10:] == ["n", "n"]
    assert all(isinstance(v, str) for v in xlsx_texts(path))


def test_without_the_helpers_openpyxl_writes_formulas(tmp_path):
    """The hole the helpers close (so the inspector above can see one)."""
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("s")
    ws.append([HYPERLINK, "#N/A"])
    book.save(tmp_path / "raw.xlsx")
    assert len(xlsx_problems(tmp_path / "raw.xlsx")) == 1


def test_the_demo_workbook_writer_neutralises(monkeypatch, tmp_path):
    from linli.demo import county as demo

    monkeypatch.setattr(demo, "_resident_rows", lambda plans: iter([HOSTILE]))
    assert demo.write_workbook([], tmp_path / "demo.xlsx") == 1
    assert xlsx_problems(tmp_path / "demo.xlsx") == []
