"""The enterprise pages: register, edit, list filters, import (all-or-nothing), export, template."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from anjian.core.audit import verify_chain
from anjian.enterprises.excel import HEADERS
from anjian.enterprises.models import Enterprise
from tests.conftest import uscc

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def form_data(world, **overrides):
    data = {
        "uscc": uscc(500), "name": "表单登记纺织有限公司", "region": world.t1.pk, "sectors": ["textile"],
        "status": "operating", "supervision_class": "B", "employees": "80", "full_time_safety_staff": "0",
        "part_time_safety_staff": "1", "dust_worker_count": "0", "standardization_grade": "",
    }
    data.update(overrides)
    return data


def test_register_through_the_form(world):
    client = world.client("t1")
    response = client.post("/enterprises/new/", form_data(world))
    assert response.status_code == 302, response.content.decode()[:3000]
    ent = Enterprise.objects.get(name="表单登记纺织有限公司")
    assert response["Location"] == f"/enterprises/{ent.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "表单登记纺织有限公司" in page and "符合要求" in page and "第二十四条" in page


def test_form_shows_service_errors_in_chinese_and_keeps_input(world):
    client = world.client("t1")
    response = client.post("/enterprises/new/", form_data(world, uscc=world.e1.uscc))
    assert response.status_code == 200
    page = response.content.decode()
    assert "已登记为“企业1”" in page and "表单登记纺织有限公司" in page
    response = client.post("/enterprises/new/", form_data(world, region=world.t2.pk))  # t1 officer, t2 region
    assert response.status_code == 200 and not Enterprise.objects.filter(name="表单登记纺织有限公司").exists()


def test_enterprise_user_edits_own_file_with_the_limited_form(world):
    client = world.client("e1")
    page = client.get(f"/enterprises/{world.e1.pk}/edit/").content.decode()
    assert 'name="safety_contact_phone"' in page and 'name="supervision_class"' not in page
    response = client.post(f"/enterprises/{world.e1.pk}/edit/", {
        "employees": "60", "safety_contact_name": "李安全", "full_time_safety_staff": "1",
        "part_time_safety_staff": "0", "dust_worker_count": "0"})
    assert response.status_code == 302
    world.e1.refresh_from_db()
    assert world.e1.safety_contact_name == "李安全" and world.e1.employees == 60
    assert world.client("e1w").get(f"/enterprises/{world.e1.pk}/edit/").status_code == 403


def test_list_filters(world):
    client = world.client("b1")
    page = client.get("/enterprises/?sector=construction&status=&supervision_class=&flag=").content.decode()
    assert "企业2" in page and "企业1" not in page
    page = client.get("/enterprises/?q=企业1").content.decode()
    assert "企业1" in page and "企业2" not in page
    partial = client.get("/enterprises/?region=330481002", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "企业2" in partial.content.decode()
    assert "HX-Request" in partial["Vary"]
    assert "企业3" in world.client("b2").get("/enterprises/?flag=major_hazard_source").content.decode()


def _sheet(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(h, "") for h in HEADERS])
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("企业.xlsx", buf.getvalue(), content_type=XLSX)


GOOD = {"统一社会信用代码": uscc(601), "单位名称": "导入一号化工有限公司", "所属乡镇（街道）代码或名称": "330481001",
        "监管行业（多个用“、”分隔）": "危险化学品、商贸", "状态": "正常生产经营", "从业人员数": 30,
        "涉及重大危险源": "是", "许可证有效期起": "2024-01-01", "网格": "硖石一网格"}


def test_import_all_good_rows(world):
    second = dict(GOOD, **{"统一社会信用代码": uscc(602), "单位名称": "导入二号纺织厂",
                           "所属乡镇（街道）代码或名称": "海洲街道", "监管行业（多个用“、”分隔）": "纺织", "网格": ""})
    response = world.client("b1").post("/enterprises/import/", {"file": _sheet([GOOD, second])})
    assert response.status_code == 302
    one = Enterprise.objects.get(name="导入一号化工有限公司")
    assert sorted(one.sector_codes) == ["commerce", "hazchem"] and one.major_hazard_source and one.grid == world.grid1
    assert Enterprise.objects.get(name="导入二号纺织厂").region == world.t2
    assert verify_chain().broken_seq is None


def test_import_reports_every_bad_cell_and_imports_nothing(world):
    rows = [
        GOOD,
        dict(GOOD, **{"统一社会信用代码": "91330481MA0000001X", "单位名称": "坏代码厂"}),
        dict(GOOD, **{"统一社会信用代码": uscc(603), "从业人员数": "很多", "监管行业（多个用“、”分隔）": "核电"}),
        dict(GOOD, **{"统一社会信用代码": uscc(604), "所属乡镇（街道）代码或名称": "330482001"}),
        dict(GOOD, **{"统一社会信用代码": uscc(601), "单位名称": "重复代码厂"}),
    ]
    before = Enterprise.objects.count()
    response = world.client("b1").post("/enterprises/import/", {"file": _sheet(rows)})
    assert response.status_code == 200
    errors = {(e.row, e.column) for e in response.context["result"].errors}
    assert errors == {(3, "A"), (4, "P"), (4, "E"), (5, "C"), (6, "A")}
    page = response.content.decode()
    assert "未导入任何数据" in page and "“很多”不是整数" in page and "与第 2 行的统一社会信用代码重复" in page
    assert Enterprise.objects.count() == before


def test_import_refuses_a_file_that_is_not_the_template(world):
    client = world.client("b1")
    bad = SimpleUploadedFile("x.xlsx", b"not a workbook", content_type=XLSX)
    assert "无法读取该文件" in client.post("/enterprises/import/", {"file": bad}).content.decode()
    wb = Workbook()
    wb.active.append(["名称"])
    buf = BytesIO()
    wb.save(buf)
    response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("y.xlsx", buf.getvalue())})
    assert "表头与模板不一致" in response.content.decode()
    assert world.client("g1").post("/enterprises/import/", {"file": _sheet([GOOD])}).status_code == 403


def test_template_and_export_round_trip(world):
    client = world.client("b1")
    template = load_workbook(BytesIO(client.get("/enterprises/import/template.xlsx").content))
    assert [c.value for c in template.active[1]] == HEADERS and "填写说明" in template.sheetnames
    export = client.get("/enterprises/export.xlsx?sector=textile")
    assert export["Content-Type"] == XLSX
    ledger = "%E4%BC%81%E4%B8%9A%E5%8F%B0%E8%B4%A6"  # 企业台账, RFC 5987-encoded
    assert export["Content-Disposition"].startswith(f"attachment; filename*=UTF-8''{ledger}-")
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0] == tuple(HEADERS) and [r[1] for r in rows[1:]] == ["企业1"]
    # An export re-reads as an import: the same values, refused only as duplicates.
    Enterprise.objects.filter(pk=world.e1.pk).update(uscc=uscc(999))
    again = client.post("/enterprises/import/", {"file": SimpleUploadedFile("e.xlsx", export.content)})
    assert again.status_code == 302
    assert Enterprise.objects.filter(name="企业1").count() == 2


def test_seed_demo_is_deterministic_and_idempotent(db):
    call_command("seed_demo", enterprises=30)
    names = list(Enterprise.objects.order_by("id").values_list("name", flat=True))
    call_command("seed_demo", enterprises=30)
    # 30 enterprises, plus the unregistered workshop a demo accident registers (as 无证无照)
    assert Enterprise.objects.count() == 31 and names[:3] == list(
        Enterprise.objects.order_by("id").values_list("name", flat=True)[:3])
    from anjian.accounts.models import User
    from anjian.accounts.roles import Role

    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert verify_chain().broken_seq is None


def test_region_filter_offers_the_townships_in_scope(world):
    page = world.client("b1").get("/enterprises/").content.decode()
    assert 'value="330481001"' in page and 'value="330481002"' in page and 'value="330482001"' not in page
    page = world.client("t1").get("/enterprises/?region=330481001").content.decode()
    assert 'value="330481001" selected' in page and 'value="330481002"' not in page


def test_import_and_export_through_the_api(world):
    client = world.client("b1")
    bad = dict(GOOD, **{"统一社会信用代码": "91330481MA0000001X"})
    response = client.post("/api/enterprises/import/", {"file": _sheet([bad])})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_invalid" and body["errors"][0]["row"] == 2 and body["errors"][0]["column"] == "A"
    assert not Enterprise.objects.filter(name=GOOD["单位名称"]).exists()
    assert client.post("/api/enterprises/import/", {}).json()["code"] == "required"
    response = client.post("/api/enterprises/import/", {"file": _sheet([GOOD])})
    assert response.status_code == 201 and response.json() == {"created": 1}
    export = client.get("/api/enterprises/export/?sector=hazchem")
    assert export.status_code == 200 and export["Content-Type"] == XLSX
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == [GOOD["单位名称"]]
    assert world.client("g1").post("/api/enterprises/import/", {"file": _sheet([GOOD])}).status_code == 403
    other = world.client("b2").get("/api/enterprises/export/")
    assert [r[1] for r in list(load_workbook(BytesIO(other.content)).active.iter_rows(values_only=True))[1:]] == [
        "企业3"]
