"""The import engine: template, header check, cell parsing, and all-or-nothing writes with every error reported."""

import datetime
import decimal
import io
import time

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from anjian.core import ximport
from anjian.core.choices import RegionLevel
from anjian.core.errors import PermissionDeniedError
from anjian.core.models import AuditEvent, Region
from anjian.core.ximport import (
    BOOL,
    CHOICE,
    DATE,
    DATETIME,
    DECIMAL,
    INT,
    Column,
    ImportFileError,
    Row,
    build_template,
    parse_cell,
    read_rows,
    run_import,
)
from tests.conftest import SYSTEM

COLUMNS = [
    Column("code", "区划代码", required=True, max_length=12),
    Column("name", "名称", required=True, max_length=20, note="乡镇（街道）名称"),
    Column("level", "层级", CHOICE, RegionLevel, required=True),
    Column("people", "人数", INT, min_value=0),
]
HEADERS = [c.header for c in COLUMNS]


def workbook(rows, headers=HEADERS) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    if headers is not None:
        ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def from_template(rows) -> io.BytesIO:
    """Fill the generated template, as a user does."""
    wb = load_workbook(io.BytesIO(build_template(COLUMNS, "区划", ["说明一"])))
    ws = wb.worksheets[0]
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def create_region(number, data):
    if data["name"] == "拒绝":
        raise ValidationError({"name": ValidationError("名称不可用。", code="bad")})
    if data["name"] == "无权":
        raise PermissionDeniedError("您不能导入这一行。")
    if data["name"] == "未知字段":
        raise ValidationError({"parent": ValidationError("上级区划有误。", code="bad")})
    Region.objects.create(code=data["code"], name=data["name"], level=data["level"])


def test_a_good_file_is_written_in_one_go(db):
    rows = read_rows(from_template([
        ["330481101", "甲镇", "乡镇（街道）", 3],
        [None, None, None, None],  # a blank row is skipped
        ["330481102", "乙镇", "township", None],
    ]), COLUMNS)
    assert [r.number for r in rows] == [2, 4]
    result = run_import(rows=rows, columns=COLUMNS, apply_row=create_region, actor=SYSTEM,
                        audit_action="test.import_batch")
    assert result.ok and result.created == 2
    assert set(Region.objects.filter(code__startswith="3304811").values_list("name", flat=True)) == {"甲镇", "乙镇"}
    assert AuditEvent.objects.filter(action="test.import_batch").count() == 1


def test_a_failing_middle_row_writes_nothing_and_every_row_is_still_tried(db):
    seen = []

    def apply(number, data):
        seen.append(number)
        create_region(number, data)

    rows = read_rows(workbook([
        ["330481101", "甲镇", "乡镇（街道）", 1],
        ["330481102", "拒绝", "乡镇（街道）", 2],
        ["330481103", "丙镇", "乡镇（街道）", 3],
        ["330481104", "无权", "乡镇（街道）", 4],
        ["330481105", "未知字段", "乡镇（街道）", 5],
        ["330481101", "重复", "乡镇（街道）", 6],  # the unique code of row 2: an IntegrityError in its savepoint
    ]), COLUMNS)
    before = Region.objects.count()
    result = run_import(rows=rows, columns=COLUMNS, apply_row=apply, actor=SYSTEM, audit_action="test.import_batch")
    assert seen == [2, 3, 4, 5, 6, 7]
    assert Region.objects.count() == before and result.created == 0
    assert [e.as_dict() for e in result.errors] == [
        {"row": 3, "column": "B", "header": "名称", "message": "名称不可用。"},
        {"row": 5, "column": "", "header": "", "message": "您不能导入这一行。"},
        {"row": 6, "column": "", "header": "", "message": "上级区划有误。"},
        {"row": 7, "column": "", "header": "", "message": "与已有数据冲突，未能保存（可能重复登记）。"},
    ]
    assert not AuditEvent.objects.filter(action="test.import_batch").exists()


def test_cell_errors_and_service_errors_are_reported_together(db):
    rows = read_rows(workbook([
        ["330481101", "", "城镇", "很多"],  # blank required name, unknown label, not an integer
        ["330481102", "拒绝", "乡镇（街道）", -1],  # below the minimum
        ["330481103", "拒绝", "乡镇（街道）", 0],  # refused by the service
        ["330481104", "好镇", "乡镇（街道）", 0],
    ]), COLUMNS)
    result = run_import(rows=rows, columns=COLUMNS, apply_row=create_region)
    got = [(e.row, e.column, e.message) for e in result.errors]
    assert got[0] == (2, "B", "必填")
    assert got[1][:2] == (2, "C") and got[1][2].startswith("“城镇”不是可选值（可选：")
    assert got[2] == (2, "D", "“很多”不是整数")
    assert got[3] == (3, "D", "不能小于 0")
    assert got[4] == (4, "B", "名称不可用。")
    assert len(got) == 5 and result.created == 0
    assert not Region.objects.filter(code="330481104").exists()


def test_header_mismatch_empty_file_and_not_a_workbook():
    with pytest.raises(ImportFileError, match="表头与模板不一致，缺少列：层级、人数"):
        read_rows(workbook([["1", "x"]], headers=["区划代码", "名称"]), COLUMNS)
    with pytest.raises(ImportFileError, match="文件是空的"):
        read_rows(workbook([], headers=None), COLUMNS)
    with pytest.raises(ImportFileError, match="文件中没有数据行"):
        read_rows(workbook([]), COLUMNS)
    with pytest.raises(ImportFileError, match="无法读取该文件"):
        read_rows(io.BytesIO(b"PK\x03\x04 not really a zip"), COLUMNS)
    with pytest.raises(ImportFileError) as info:
        read_rows(io.BytesIO("姓名,身份证号码\n".encode()), COLUMNS)
    assert info.value.code == "import_file_invalid"


def test_columns_may_come_in_any_order_and_extra_columns_are_ignored():
    headers = ["备注", "人数", "层级", "名称", "区划代码"]
    rows = read_rows(workbook([["随便", 5, "村（社区）", "某村", 330481101001]], headers=headers), COLUMNS)
    assert rows == [Row(2, (330481101001, "某村", "村（社区）", 5))]


def test_too_many_rows(settings):
    settings.ANJIAN_IMPORT_MAX_ROWS = 2
    rows = [["330481101", "甲", "乡镇（街道）", 1]] * 3
    with pytest.raises(ImportFileError, match="一次最多导入 2 行"):
        read_rows(workbook(rows), COLUMNS)
    assert len(read_rows(workbook(rows[:2]), COLUMNS)) == 2


def test_the_template_has_headers_lists_notes_and_keeps_formula_like_text_as_text():
    columns = [
        Column("a", "=SUM(A1:A9)", required=True, note="=HYPERLINK(\"http://x\")"),
        Column("b", "结论", CHOICE, [("ok", "=1+1"), ("bad", "不合格")]),
        Column("c", "确认", BOOL),
        Column("d", "日期", DATE),
    ]
    wb = load_workbook(io.BytesIO(build_template(columns, "模板:测试", ["=2+2 说明"])))
    sheet = wb.worksheets[0]
    assert sheet.title == "模板测试"
    assert [c.value for c in sheet[1]] == ["=SUM(A1:A9)", "结论", "确认", "日期"]
    assert sheet["A1"].data_type == "s"
    validations = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert validations == {"B2:B2001": "'选项'!$A$1:$A$2", "C2:C2001": "'选项'!$B$1:$B$2"}
    lists = wb["选项"]
    assert lists.sheet_state == "hidden"
    assert [lists[ref].value for ref in ("A1", "A2", "B1", "B2")] == ["=1+1", "不合格", "是", "否"]
    assert lists["A1"].data_type == "s"
    notes = wb["填写说明"]
    cells = [c for row in notes.iter_rows() for c in row if c.value]
    assert all(c.data_type == "s" for c in cells)
    texts = [c.value for c in cells]
    assert texts[0] == "=2+2 说明" and "必填；文本；=HYPERLINK(\"http://x\")。" in texts
    assert "选填；从下拉列表中选择：=1+1、不合格。" in texts
    # Nothing of the template is evaluated as a formula.
    for ws in wb.worksheets:
        assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    # The generated template reads back as an empty import.
    with pytest.raises(ImportFileError, match="没有数据行"):
        read_rows(io.BytesIO(build_template(columns, "x")), columns)


def test_parse_cell_kinds(settings):
    tz = datetime.timezone(datetime.timedelta(hours=8))
    hours = Column("hours", "学时", DECIMAL, positive=True, decimal_places=1, max_value=decimal.Decimal("999.9"))
    assert parse_cell(hours, 2.5) == decimal.Decimal("2.5")
    assert parse_cell(hours, "8") == decimal.Decimal("8.0")
    assert parse_cell(hours, None) is None
    for raw, message in [(0, "须大于 0"), (-1, "须大于 0"), ("2.25", "最多 1 位小数"), ("八", "“八”不是数字"),
                         ("1000", "不能大于 999.9"), ("NaN", "“NaN”不是数字")]:
        with pytest.raises(ValueError, match=message):
            parse_cell(hours, raw)
    grade = Column("grade", "等级", INT, min_value=1, max_value=5)
    assert parse_cell(grade, 3.0) == 3 and parse_cell(grade, " 2 ") == 2
    with pytest.raises(ValueError, match="不能大于 5"):
        parse_cell(grade, 6)
    with pytest.raises(ValueError, match="不是整数"):
        parse_cell(grade, 2.5)
    day = Column("day", "日期", DATE)
    for raw in ["2025-06-30", "2025/6/30", "2025.06.30", "2025年6月30日", datetime.datetime(2025, 6, 30, 8)]:
        assert parse_cell(day, raw) == datetime.date(2025, 6, 30)
    with pytest.raises(ValueError, match="不是有效日期"):
        parse_cell(day, "2025-02-30")
    moment = Column("at", "时间", DATETIME)
    for raw in ["2025-06-30 09:00", "2025/6/30 9:00:00", "2025-06-30T09:00", datetime.datetime(2025, 6, 30, 9)]:
        assert parse_cell(moment, raw) == datetime.datetime(2025, 6, 30, 9, tzinfo=tz)
    for raw in ["2025-06-30", datetime.date(2025, 6, 30), "明天上午"]:
        with pytest.raises(ValueError, match="不是有效的日期和时间"):
            parse_cell(moment, raw)
    yes = Column("yes", "确认", BOOL)
    assert parse_cell(yes, "是") is True and parse_cell(yes, "否") is False and parse_cell(yes, None) is False
    with pytest.raises(ValueError, match="应填“是”或“否”"):
        parse_cell(yes, "也许")
    level = COLUMNS[2]
    assert parse_cell(level, "乡镇（街道）") == "township" and parse_cell(level, "village") == "village"
    assert parse_cell(level, "") == ""
    text = Column("id", "身份证号码", max_length=18)
    assert parse_cell(text, 13800001234) == "13800001234"
    with pytest.raises(ValueError, match="已被 Excel 截断"):
        parse_cell(text, 1.1010519491231e17)
    with pytest.raises(ValueError, match="不能超过 18 个字"):
        parse_cell(text, "1" * 19)


def test_messages_never_echo_a_full_id_number(db):
    def apply(number, data):
        raise ValidationError({"code": ValidationError("身份证号码 11010519491231002X 已登记。", code="dup")})

    rows = [Row(2, ("330481101", "甲", "乡镇（街道）", 1))]
    result = run_import(rows=rows, columns=COLUMNS, apply_row=apply)
    assert result.errors[0].message == "身份证号码 110***********002X 已登记。"
    assert ximport.scrub("编号 1234567890123456789 不是") == "编号 1234567890123456789 不是"


# --- numbers and dates out of range: a clear message, never InvalidOperation, OverflowError or a busy worker ------


@pytest.mark.parametrize(("raw", "message"), [
    ("1E+999999", "“1E+999999”超出允许的数值范围"), ("-1E+999999", "“-1E+999999”超出允许的数值范围"),
    ("9223372036854775808", "超出允许的数值范围"), (1e300, "超出允许的数值范围"),
    ("1E-999999", "“1E-999999”不是整数"), ("NaN", "“NaN”不是整数"), ("sNaN", "“sNaN”不是整数"),
    ("Infinity", "“Infinity”不是整数"), (float("inf"), "“inf”不是整数"),
])
def test_huge_or_odd_integers_are_refused_at_once(raw, message):
    started = time.monotonic()
    with pytest.raises(ValueError) as info:
        parse_cell(Column("n", "人数", INT), raw)
    assert message in str(info.value) and time.monotonic() - started < 1
    assert parse_cell(Column("n", "人数", INT), "9223372036854775807") == 2**63 - 1


def test_an_integer_column_compares_its_bounds_before_converting():
    grade = Column("grade", "等级", INT, min_value=1, max_value=5)
    with pytest.raises(ValueError, match="不能大于 5"):
        parse_cell(grade, "1E+999999")
    with pytest.raises(ValueError, match="不能小于 1"):
        parse_cell(grade, "-1E+999999")


@pytest.mark.parametrize(("raw", "message"), [
    ("1e30", "不能大于 999.9"), ("1E+999999", "不能大于 999.9"), ("-1e30", "须大于 0"), ("1e-30", "最多 1 位小数"),
    ("1E-999999", "最多 1 位小数"), ("Infinity", "“Infinity”不是数字"), ("-Infinity", "“-Infinity”不是数字"),
    ("sNaN", "“sNaN”不是数字"), (float("nan"), "“nan”不是数字"),
])
def test_decimal_cells_out_of_range(raw, message):
    hours = Column("hours", "学时", DECIMAL, positive=True, decimal_places=1, max_value=decimal.Decimal("999.9"))
    with pytest.raises(ValueError) as info:
        parse_cell(hours, raw)
    assert message in str(info.value)


@pytest.mark.parametrize("raw", ["1e30", "-1E+999999", "1" * 40, 1e300])
def test_an_unbounded_decimal_column_refuses_more_than_18_whole_digits(raw):
    amount = Column("amount", "金额", DECIMAL, decimal_places=2)
    with pytest.raises(ValueError, match="超出允许的数值范围"):
        parse_cell(amount, raw)
    assert parse_cell(amount, "9" * 18) == decimal.Decimal("9" * 18 + ".00")


@pytest.mark.parametrize("raw", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31", datetime.date(1, 1, 1),
                                 datetime.datetime(1899, 12, 30)])
def test_dates_outside_1900_to_2100_are_refused(raw):
    with pytest.raises(ValueError, match=r"超出允许的日期范围（1900-01-01 至 2100-12-31）"):
        parse_cell(Column("day", "日期", DATE), raw)


@pytest.mark.parametrize("raw", ["0001-01-01 00:00", "1899-12-31 23:59", "2101-01-01 00:00", "9999-12-31 23:59",
                                 datetime.datetime(1, 1, 1)])
def test_moments_outside_1900_to_2100_are_refused(raw):
    with pytest.raises(ValueError, match=r"超出允许的日期范围（1900-01-01 至 2100-12-31）"):
        parse_cell(Column("at", "时间", DATETIME), raw)


def test_the_edges_of_the_date_range_and_non_ascii_digits():
    day, moment = Column("day", "日期", DATE), Column("at", "时间", DATETIME)
    assert parse_cell(day, "1900-01-01") == datetime.date(1900, 1, 1)
    assert parse_cell(day, "2100-12-31") == datetime.date(2100, 12, 31)
    assert parse_cell(moment, "2100-12-31 23:59").year == 2100
    with pytest.raises(ValueError, match="不是有效日期"):
        parse_cell(day, "²025-01-01")
    with pytest.raises(ValueError, match="不是有效的日期和时间"):
        parse_cell(moment, "2025-01-01 ²:00")
    with pytest.raises(ValueError, match="不是有效日期"):
        parse_cell(day, "2025-01-" + "1" * 5000)


def test_a_row_with_such_cells_is_reported_and_nothing_is_written(db):
    rows = [Row(2, ("330481101", "甲镇", "乡镇（街道）", "1E+999999")),
            Row(3, ("330481102", "乙镇", "乡镇（街道）", 1))]
    before = Region.objects.count()
    result = run_import(rows=rows, columns=COLUMNS, apply_row=create_region)
    assert [(e.row, e.column, e.message) for e in result.errors] == [(2, "D", "“1E+999999”超出允许的数值范围")]
    assert result.created == 0 and Region.objects.count() == before
