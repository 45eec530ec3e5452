"""Excel import of the special-equipment register: the downloaded template filled with openpyxl; all rows good or
nothing written, every error by row and column."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from anjian.core.models import AuditEvent
from anjian.equipment.models import EquipmentInspection, SpecialEquipment
from anjian.rules.equipment import SUBTYPES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = "/equipment/import/"
TEMPLATE = "/equipment/import/template.xlsx"
API = "/api/imports/equipment/"


def filled(client, rows) -> SimpleUploadedFile:
    response = client.get(TEMPLATE)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    wb = load_workbook(BytesIO(response.content))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    for row in rows:
        unknown = set(row) - set(headers)
        assert not unknown, unknown
        ws.append([row.get(h) for h in headers])
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("equipment.xlsx", buf.getvalue(), content_type=XLSX)


def errors_of(response):
    return [(e.row, e.header, e.message) for e in response.context["result"].errors]


def today():
    return datetime.date.today()


def crane(code="31704833020250001", **extra):
    row = {"设备种类": "起重机械", "设备类别": "桥式起重机", "设备名称": "10t 桥式起重机", "设备代码": code,
           "使用登记证编号": "起17浙F00001", "使用地点": "一号车间", "制造单位": "某起重机械厂",
           "投入使用日期": "2020-05-01"}
    row.update(extra)
    return row


def inspected(row, *, days_ago=100, next_in_days=265, **extra):
    inspected_on = today() - datetime.timedelta(days=days_ago)
    row.update({"最近检验类别": "定期检验", "最近检验日期": inspected_on.isoformat(),
                "检验机构": "嘉兴市特种设备检测院", "检验结论": "合格", "检验报告编号": f"QZ-{row['设备代码'][-4:]}",
                "下次检验日期": (inspected_on + datetime.timedelta(days=next_in_days)).isoformat()})
    row.update(extra)
    return row


def test_the_template(world):
    wb = load_workbook(BytesIO(world.client("e1m").get(TEMPLATE).content))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers[:3] == ["统一社会信用代码", "设备种类", "设备类别"] and "下次检验日期" in headers
    assert wb.worksheets[0].max_row == 1 and "填写说明" in wb.sheetnames
    lists = {str(dv.sqref) for dv in wb.worksheets[0].data_validations.dataValidation}
    assert "B2:B2001" in lists and "C2:C2001" in lists


def test_a_good_file_registers_the_equipment_and_its_last_inspection(world):
    client = world.client("e1m")
    upload = filled(client, [
        inspected(crane()),
        crane(code="31704833020250002", 设备名称="备用行车", 设备类别="门式起重机"),
        {"设备种类": "压力容器", "设备名称": "储气罐", "使用地点": "空压机房", "安全状况等级": 2,
         "设备代码": "21504833020250003"},
    ])
    response = client.post(PAGE, {"file": upload})
    assert response.status_code == 302, errors_of(response)
    assert "已导入 3 台（套）特种设备" in client.get(response["Location"]).content.decode()
    first = SpecialEquipment.objects.get(registration_code="31704833020250001")
    assert first.enterprise == world.e1 and first.kind == "lifting" and first.subtype == "bridge"
    assert first.next_due == today() + datetime.timedelta(days=165)
    inspection = EquipmentInspection.objects.get(equipment=first)
    assert inspection.body == "嘉兴市特种设备检测院" and inspection.conclusion == "pass"
    vessel = SpecialEquipment.objects.get(name="储气罐")
    assert vessel.safety_grade == 2 and not vessel.inspections.exists()
    assert AuditEvent.objects.filter(action="equipment.import").count() == 1


def test_one_bad_row_writes_nothing_and_every_error_is_reported(world):
    client = world.client("e1m")
    upload = filled(client, [
        inspected(crane()),
        crane(code="31704833020250002", 设备种类="核反应堆"),
        crane(code="31704833020250003", 设备类别="工业锅炉"),  # a boiler subtype on a crane
        {"设备种类": "压力容器", "设备名称": "储罐", "使用地点": "罐区", "安全状况等级": 6},
        crane(code="31704833020250001"),  # the code of row 2
        inspected(crane(code="31704833020250005"), 检验机构=None),
        crane(code="31704833020250006", 设备名称=None, 投入使用日期="去年"),
    ])
    before = SpecialEquipment.objects.count()
    response = client.post(PAGE, {"file": upload})
    assert response.status_code == 200
    got = errors_of(response)
    assert [g[:2] for g in got if g[0] == 3] == [(3, "设备种类")]
    cranes = "、".join(SUBTYPES["lifting"].values())
    assert (4, "设备类别", f"“工业锅炉”不是起重机械的设备类别（可选：{cranes}）") in got
    assert (5, "安全状况等级", "不能大于 5") in got
    assert (6, "设备代码", "与第 2 行的设备代码重复") in got
    assert (7, "检验机构", "填写最近一次检验时必填") in got
    assert (8, "设备名称", "必填") in got and [g[1] for g in got if g[0] == 8] == ["设备名称", "投入使用日期"]
    assert SpecialEquipment.objects.count() == before and not EquipmentInspection.objects.exists()
    assert "未导入任何数据" in response.content.decode()


def test_a_service_refusal_is_reported_on_its_row(world):
    client = world.client("e1m")
    # Inspected in the future: the service refuses it (a report records an inspection that took place).
    upload = filled(client, [inspected(crane()), inspected(crane(code="31704833020250002"), days_ago=-30)])
    response = client.post(PAGE, {"file": upload})
    got = errors_of(response)
    assert got and {g[0] for g in got} == {3}
    assert not SpecialEquipment.objects.exists()


def test_scope_a_bureau_cannot_import_outside_its_county(world):
    client = world.client("b1")
    rows = [crane(统一社会信用代码=world.e2.uscc), crane(code="31704833020250002", 统一社会信用代码=world.e3.uscc)]
    response = client.post(API, {"file": filled(client, rows)})
    body = response.json()
    assert response.status_code == 400 and body["code"] == "import_rejected"
    assert body["errors"] == [{"row": 3, "column": "A", "header": "统一社会信用代码",
                               "message": f"统一社会信用代码为 {world.e3.uscc} 的单位未登记，或不在您的管辖范围内"}]
    assert not SpecialEquipment.objects.exists()
    response = client.post(API, {"file": filled(client, rows[:1])})
    assert response.status_code == 201 and response.json() == {"created": 1}
    assert SpecialEquipment.objects.get().enterprise == world.e2


def test_the_api_codes_and_the_page_for_one_enterprise(world):
    client = world.client("b1")
    assert client.post(API, {"file": SimpleUploadedFile("a.xlsx", b"junk")}).json()["code"] == "import_file_invalid"
    assert client.post(API, {}).json()["code"] == "required"
    assert client.post(API, {"file": filled(client, [crane()]), "enterprise": world.e3.pk}).status_code == 404
    url = f"{PAGE}?enterprise={world.e1.pk}"
    assert "导入到：企业1" in client.get(url).content.decode()
    response = client.post(url, {"file": filled(client, [crane()])})
    assert response.status_code == 302 and response["Location"] == url
    assert SpecialEquipment.objects.get().enterprise == world.e1
    assert client.get(f"{PAGE}?enterprise={world.e3.pk}").status_code == 404


@pytest.mark.parametrize("key", ["e1w", "g1", "sec"])
def test_readers_may_not_import(world, key):
    client = world.client(key)
    assert client.get(PAGE).status_code == 403 and client.get(TEMPLATE).status_code == 403
    response = client.post(API, {"file": SimpleUploadedFile("a.xlsx", b"x")})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


# --- cells and parameters out of range: row errors or the usual refusal, never a 500 ----------------------------


def test_huge_numbers_and_year_1_are_row_errors(world):
    client = world.client("e1m")
    upload = filled(client, [
        crane(**{"安全状况等级": "1E+999999"}),
        crane(code="31704833020250002", **{"安全状况等级": "NaN"}),
        crane(code="31704833020250003", 投入使用日期="0001-01-01"),
        inspected(crane(code="31704833020250004"), 下次检验日期="9999-12-31"),
    ])
    response = client.post(PAGE, {"file": upload})
    assert response.status_code == 200
    got = errors_of(response)
    assert (2, "安全状况等级", "不能大于 5") in got
    assert (3, "安全状况等级", "“NaN”不是整数") in got
    assert (4, "投入使用日期", "“0001-01-01”超出允许的日期范围（1900-01-01 至 2100-12-31）") in got
    assert (5, "下次检验日期", "“9999-12-31”超出允许的日期范围（1900-01-01 至 2100-12-31）") in got
    assert not SpecialEquipment.objects.exists() and not EquipmentInspection.objects.exists()


@pytest.mark.parametrize("raw", ["²", "¹²", "١٢", "１２", "1" * 19, "-1"])
def test_an_enterprise_parameter_that_is_not_ascii_digits(world, raw):
    client = world.client("b1")
    assert client.get(PAGE, {"enterprise": raw}).status_code == 404
    response = client.post(API, {"file": filled(client, [crane()]), "enterprise": raw})
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not SpecialEquipment.objects.exists()
