"""The monthly circular: its data (title, authority, the summary against last year, 较大 and above named, the tables,
the accident list, targets and veto flags as of the month's end), the PDF (text checked with pdftotext when
installed) and the xlsx (opened with openpyxl); scoping."""

import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from anjian.accidents import circular, targets
from anjian.core.errors import PermissionDeniedError
from tests.accidents.test_stats import Y, at, make

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(aw):
    w = aw
    w.large = make(w.e1, at(Y, 3, 5, 14, 20), deaths=3, serious=1, loss="2500000", accident_type="09")
    make(w.e2, at(Y, 3, 9), minor=1, loss="5000", accident_type="10")
    make(w.e1, at(Y, 3, 12), kind="near_miss")
    make(w.e1, at(Y, 2, 15), deaths=1, accident_type="03")
    make(w.e1, at(Y - 1, 3, 2), deaths=2, accident_type="03")
    make(w.e1, at(Y, 4, 20), deaths=1)  # after the month
    make(w.e3, at(Y, 3, 6), deaths=1, accident_type="19")  # county 2
    return w


def test_circular_data(data):
    c = circular.circular_data(data.user["b1"], Y, 3)
    assert c["title"] == "海宁市2025年3月生产安全事故情况通报"
    assert c["authority_name"] == "海宁市应急管理局"
    month, ytd, named = c["summary"]
    assert month == (
        "2025年3月，全海宁市共发生生产安全事故2起，死亡3人，受伤2人（其中重伤1人），直接经济损失250.50万元；"
        "与去年同期相比，事故起数上升1起（+100.0%），死亡人数上升1人（+50.0%）；另发生较大涉险事故1起。"
    )
    assert ytd.startswith("2025年1—3月，全海宁市累计发生生产安全事故3起，死亡4人")
    assert "事故起数上升2起（+200.0%）" in ytd
    assert named.startswith(
        "本月发生较大及以上生产安全事故1起：3月5日14时20分，硖石街道企业1发生一起高处坠落事故（较大事故）"
    )
    assert "造成3人死亡、1人重伤" in named
    assert [t["by"] for t in c["tables"]] == ["region", "sector", "type", "grade"]
    assert [t["title"] for t in c["tables"]] == ["区域统计", "行业领域统计", "事故类别统计", "事故等级统计"]
    assert [(a["enterprise_name"], a["grade_label"]) for a in c["accidents"]] == [
        ("企业1", "较大事故"), ("企业2", "一般事故"), ("企业1", "较大涉险事故")]
    assert [a["named"] for a in c["accidents"]] == [True, False, False]
    assert c["near_misses"] == 1
    assert [f["region_code"] for f in c["veto"]] == ["330481", "330481001"]


def test_the_month_before_any_accident_and_january(aw):
    c = circular.circular_data(aw.user["b1"], Y, 1)
    assert c["summary"] == ["2025年1月，全海宁市未发生生产安全事故，与去年同期持平。"]
    assert c["accidents"] == [] and c["veto"] == []
    make(aw.e1, at(Y - 1, 1, 3), deaths=1)
    assert circular.circular_data(aw.user["b1"], Y, 1)["summary"] == [
        "2025年1月，全海宁市未发生生产安全事故；去年同期发生1起、死亡1人。"]


def test_targets_and_veto_are_as_of_the_months_end(aw):
    year = targets.year_range()[0]
    targets.set_target(actor=aw.user["leader"], region=aw.county, year=year, max_accidents=2)
    make(aw.e1, at(year, 2, 3))
    make(aw.e1, at(year, 4, 3), deaths=3)
    feb = circular.circular_data(aw.user["b1"], year, 2)
    assert [(m["value"], m["status"]) for m in feb["targets"][0]["measures"]] == [(1, "ok")]
    assert "target" not in feb["targets"][0] and feb["veto"] == []
    apr = circular.circular_data(aw.user["b1"], year, 4)
    assert [(m["value"], m["status"]) for m in apr["targets"][0]["measures"]] == [(2, "reached")]
    assert apr["veto"][0]["region_code"] == "330481"


def test_scope(data):
    c = circular.circular_data(data.user["b2"], Y, 3)
    assert c["title"] == "平湖市2025年3月生产安全事故情况通报"
    assert [a["enterprise_name"] for a in c["accidents"]] == ["企业3"]
    assert "企业1" not in circular.circular_html(c) and "硖石" not in circular.circular_html(c)
    dept = circular.circular_data(data.user["d1"], Y, 3)
    assert dept["authority_name"] == "海宁市住建局"
    assert dept["summary"][0].startswith("2025年3月，海宁市（建筑施工行业领域）共发生生产安全事故1起")
    with pytest.raises(PermissionDeniedError):
        circular.circular_data(data.user["e1"], Y, 3)


def test_pdf(data):
    c = circular.circular_data(data.user["b1"], Y, 3)
    html = circular.circular_html(c)
    assert "http" not in html and "src=" not in html and "url(" not in html  # nothing to fetch
    pdf = circular.circular_pdf(c)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    text = text.decode("utf-8")
    squeezed = "".join(text.split())
    assert "海宁市2025年3月生产安全事故情况通报" in squeezed
    assert "海宁市应急管理局" in squeezed and "硖石街道" in squeezed and "企业1" in squeezed
    assert "一票否决" in squeezed


def test_xlsx(data):
    c = circular.circular_data(data.user["b1"], Y, 3)
    wb = load_workbook(io.BytesIO(circular.circular_xlsx(c)))
    assert wb.sheetnames == ["概况", "区域统计", "行业领域统计", "事故类别统计", "事故等级统计", "事故清单", "控制指标",
                             "一票否决"]
    ws = wb["概况"]
    assert ws["A1"].value == "海宁市2025年3月生产安全事故情况通报" and ws["A2"].value == "海宁市应急管理局"
    assert ws["A5"].value.startswith("2025年3月，全海宁市共发生生产安全事故2起")
    ws = wb["区域统计"]
    assert ws["A2"].value == "区域" and ws["B2"].value == "2025年3月" and ws["B3"].value == "事故起数"
    assert [ws.cell(row=3, column=i).value for i in range(2, 6)] == ["事故起数", "去年同期", "增减", "增减幅度（%）"]
    assert ws["A4"].value == "硖石街道"
    # 硖石街道, March: 1 accident (last year 1, change 0, 0.0%), 3 deaths (last year 2), loss 250 万元.
    assert [ws.cell(row=4, column=i).value for i in range(2, 12)] == [1, 1, 0, 0, 3, 2, 1, 50, 1, 250]
    assert ws["A5"].value == "海洲街道" and ws["E5"].value is None  # last year 0: no percentage
    assert ws["A6"].value == "合计" and ws["B6"].value == 2
    ws = wb["事故清单"]
    assert ws["B1"].value == "事故编号" and ws["E2"].value == "企业1" and ws["I2"].value == "较大事故"
    assert ws["N2"].value == 250 and ws["E4"].value == "企业1" and ws["I4"].value == "较大涉险事故"
    assert ws.max_row == 4
    ws = wb["一票否决"]
    assert ws["A2"].value == "海宁市" and ws["B2"].value == data.large.number and ws["A3"].value == "硖石街道"


def test_filename(data):
    c = circular.circular_data(data.user["b1"], Y, 3)
    assert circular.filename(c, "pdf") == "海宁市2025年3月生产安全事故情况通报.pdf"


def test_the_circular_is_written_in_chinese_whatever_the_interface_language(data):
    from django.utils import translation

    with translation.override("en"):
        c = circular.circular_data(data.user["b1"], Y, 3)
        html = circular.circular_html(c)
        assert translation.get_language() == "en"  # restored after each call
    assert "生产安全事故情况通报" in c["title"] and "与去年同期相比" in html
    book = load_workbook(io.BytesIO(circular.circular_xlsx(c)))
    assert book.sheetnames[0] == "概况"
