"""Exports keep user text as text: a value starting with 「=」 is not written as a formula."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from anjian.core.xlsx import text_safe
from tests.accidents.conftest import aw, report  # noqa: F401 — the accident world fixture


@pytest.mark.parametrize("write_only", [True, False])
def test_text_safe_keeps_formulas_out(write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet() if write_only else wb.active
    ws.append(text_safe(ws, ["=HYPERLINK(\"http://x\")", "普通", 3, None]))
    out = io.BytesIO()
    wb.save(out)
    row = next(load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows())
    assert [c.data_type for c in row[:3]] == ["s", "s", "n"]
    assert row[0].value == "=HYPERLINK(\"http://x\")"


def test_accident_ledger_export_writes_a_leading_equals_as_text(aw):  # noqa: F811
    report(aw, place="=1+1")
    r = aw.client("b1").get("/accidents/export.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_ledger_writer_refuses_more_rows_than_the_cap():
    from anjian.core.xlsx import ExportTooLargeError, ledger_xlsx

    columns = (("序号", 6), ("名称", 20))
    content = ledger_xlsx(sheet="台账", title="测试台账", columns=columns, rows=[[1, "=A1"], [2, "乙"]], limit=2)
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "测试台账" and values[2] == ["序号", "名称"] and values[3] == [1, "=A1"]
    with pytest.raises(ExportTooLargeError) as exc:
        ledger_xlsx(sheet="台账", title="测试台账", columns=columns, rows=[[1, "甲"], [2, "乙"], [3, "丙"]], limit=2)
    assert exc.value.code == "export_too_large" and "2" in str(exc.value.message)

