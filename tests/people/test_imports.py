"""Excel imports of employees, training records and certificates: the files are the downloaded templates filled in
with openpyxl; every bad cell is reported by row and column, and nothing is written unless every row is good."""

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from anjian.core.models import AuditEvent
from anjian.people.models import Certificate, Employee, TrainingRecord, TrainingSession
from anjian.rules.id_card import mask
from tests.people.conftest import id_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = {"employees": "/people/import/employees/", "training": "/people/import/training/",
        "certificates": "/people/import/certificates/"}
API = {k: f"/api/imports/people/{k}/" for k in PAGE}


def template(client, kind):
    response = client.get(f"/people/import/{kind}/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return load_workbook(BytesIO(response.content))


def filled(client, kind, rows) -> SimpleUploadedFile:
    """The downloaded template of ``kind`` with ``rows`` ({header: value}) appended, as an upload."""
    wb = template(client, kind)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    for row in rows:
        unknown = set(row) - set(headers)
        assert not unknown, unknown
        ws.append([row.get(h) for h in headers])
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(f"{kind}.xlsx", buf.getvalue(), content_type=XLSX)


def errors_of(response):
    return [(e.row, e.header, e.message) for e in response.context["result"].errors]


def person(name, number, **extra):
    row = {"姓名": name, "身份证号码": number, "联系电话": "13900001111", "岗位": "挡车工",
           "入职（进场）日期": "2024-03-01"}
    row.update(extra)
    return row


# --- employees --------------------------------------------------------------------------------------------------


def test_the_employee_template_has_the_columns_the_lists_and_the_notes_and_no_personal_data(world):
    wb = template(world.client("e1m"), "employees")
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers[:3] == ["统一社会信用代码", "姓名", "身份证号码"] and "入职（进场）日期" in headers
    assert "填写说明" in wb.sheetnames and wb["选项"].sheet_state == "hidden"
    lists = {str(dv.sqref) for dv in wb.worksheets[0].data_validations.dataValidation}
    assert {"E2:E2001", "F2:F2001", "G2:G2001"} <= lists  # 性别, 人员类别, 用工形式
    assert wb.worksheets[0].max_row == 1  # headers only: no example row, no personal data
    text = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "从业人员" in text and "GB 11643" in text
    assert not re.search(r"\d{17}[\dX]", text) and not re.search(r"1\d{10}", text)


def test_an_enterprise_user_imports_its_staff(world):
    client = world.client("e1m")
    a, b = id_number(), id_number(birth="19851212")
    upload = filled(client, "employees", [
        person("李四", a, 性别="男", 人员类别="安全生产管理人员"),
        person("王五", b, 用工形式="劳务派遣人员", **{"派遣单位、承包单位或学校": "某劳务公司", "联系电话": None}),
    ])
    response = client.post(PAGE["employees"], {"file": upload})
    assert response.status_code == 302 and response["Location"] == PAGE["employees"]
    assert "已导入 2 名人员" in client.get(response["Location"]).content.decode()
    li = Employee.objects.get(name="李四")
    assert li.enterprise == world.e1 and li.id_number == a and li.person_kind == "safety_manager"
    assert li.hired_on == datetime.date(2024, 3, 1) and li.phone == "13900001111"
    wang = Employee.objects.get(name="王五")
    assert wang.employment_type == "dispatched" and wang.employer_name == "某劳务公司" and wang.phone == ""
    assert AuditEvent.objects.filter(action="people.employee.import").count() == 1


def test_one_bad_row_writes_nothing_and_every_error_is_listed(world):
    client = world.client("e1m")
    good = id_number()
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    upload = filled(client, "employees", [
        person("甲", good),
        person("乙", bad_check),
        person("丙", id_number(), 人员类别="临时工"),
        person("丁", good),  # the same person as row 2
        person("戊", id_number(), 岗位=None, **{"入职（进场）日期": "2024-02-30"}),
        person("己", id_number(), 用工形式="劳务派遣人员"),  # no employer named: refused by the service
    ])
    before = Employee.objects.count()
    response = client.post(PAGE["employees"], {"file": upload})
    assert response.status_code == 200
    got = errors_of(response)
    assert got[0] == (3, "身份证号码", "身份证号码校验位不正确，请核对。")
    assert got[1][:2] == (4, "人员类别") and got[1][2].startswith("“临时工”不是可选值")
    assert got[2] == (5, "身份证号码", "与第 2 行的身份证号码重复")
    assert (6, "岗位", "必填") in got
    assert (6, "入职（进场）日期", "“2024-02-30”不是有效日期（格式如 2025-06-30）") in got
    assert got[-1][:2] == (7, "派遣单位、承包单位或学校")
    assert Employee.objects.count() == before
    page = response.content.decode()
    assert "未导入任何数据" in page and "data-testid=\"import-errors\"" in page
    assert good not in page and bad_check not in page


def test_an_officer_names_the_enterprise_of_each_row_within_its_scope(world):
    client = world.client("b1")
    rows = [
        person("一号", id_number(), 统一社会信用代码=world.e1.uscc),
        person("二号", id_number(), 统一社会信用代码=world.e2.uscc.lower()),
    ]
    response = client.post(PAGE["employees"], {"file": filled(client, "employees", rows)})
    assert response.status_code == 302
    assert Employee.objects.get(name="一号").enterprise == world.e1
    assert Employee.objects.get(name="二号").enterprise == world.e2
    rows = [
        person("三号", id_number(), 统一社会信用代码=world.e1.uscc),
        person("四号", id_number(), 统一社会信用代码=world.e3.uscc),  # another county
        person("五号", id_number()),  # no enterprise named
    ]
    response = client.post(PAGE["employees"], {"file": filled(client, "employees", rows)})
    got = errors_of(response)
    assert got == [
        (3, "统一社会信用代码", f"统一社会信用代码为 {world.e3.uscc} 的单位未登记，或不在您的管辖范围内"),
        (4, "统一社会信用代码", "请填写该行数据所属单位的统一社会信用代码"),
    ]
    assert not Employee.objects.filter(name="三号").exists()
    # An enterprise user cannot import into another enterprise.
    client = world.client("e1m")
    response = client.post(PAGE["employees"], {"file": filled(client, "employees", [
        person("六号", id_number(), 统一社会信用代码=world.e2.uscc)])})
    assert errors_of(response)[0][2].startswith("只能导入“企业1”的数据")


def test_the_page_for_one_enterprise(world):
    client = world.client("b1")
    url = f"{PAGE['employees']}?enterprise={world.e2.pk}"
    page = client.get(url).content.decode()
    assert "导入到：企业2" in page and "/people/import/employees/template.xlsx" in page
    response = client.post(url, {"file": filled(client, "employees", [person("七号", id_number())])})
    assert response.status_code == 302 and response["Location"] == url
    assert Employee.objects.get(name="七号").enterprise == world.e2
    assert client.get(f"{PAGE['employees']}?enterprise={world.e3.pk}").status_code == 404
    assert client.get(f"{PAGE['employees']}?enterprise=abc").status_code == 404
    assert world.client("d1").get(f"{PAGE['employees']}?enterprise={world.e1.pk}").status_code == 404
    # A bad upload is a message on the form, never a 500.
    response = client.post(url, {"file": SimpleUploadedFile("x.xlsx", b"not a workbook", content_type=XLSX)})
    assert response.status_code == 200 and "无法读取该文件" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("x.csv", b"a,b", content_type="text/csv")})
    assert "请上传 .xlsx 格式的 Excel 文件" in response.content.decode()


@pytest.mark.parametrize("key", ["e1w", "g1", "sys", "aud"])
def test_readers_and_administrators_may_not_import(world, key):
    client = world.client(key)
    for kind in PAGE:
        assert client.get(PAGE[kind]).status_code == 403
        assert client.get(f"/people/import/{kind}/template.xlsx").status_code == 403
        response = client.post(API[kind], {"file": SimpleUploadedFile("a.xlsx", b"x")})
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert world.client("e1m").get("/people/import/other/template.xlsx").status_code == 404


def test_the_api_answers_with_stable_codes(world):
    client = world.client("e1m")
    number = id_number()
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = client.post(API["employees"], {"file": filled(client, "employees", [person("八号", bad)])})
    body = response.json()
    assert response.status_code == 400 and body["code"] == "import_rejected"
    assert body["errors"] == [
        {"row": 2, "column": "C", "header": "身份证号码", "message": "身份证号码校验位不正确，请核对。"}]
    assert "未导入任何数据" in body["message"]
    response = client.post(API["employees"], {"file": SimpleUploadedFile("a.xlsx", b"junk")})
    assert response.status_code == 400 and response.json()["code"] == "import_file_invalid"
    assert client.post(API["employees"], {}).json()["code"] == "required"
    response = client.post(API["employees"], {"file": filled(client, "employees", [person("八号", number)])})
    assert response.status_code == 201 and response.json() == {"created": 1}
    b1 = world.client("b1")
    upload = filled(b1, "employees", [person("九号", id_number())])
    assert b1.post(API["employees"], {"file": upload, "enterprise": world.e3.pk}).status_code == 404
    upload = filled(b1, "employees", [person("九号", id_number())])
    assert b1.post(API["employees"], {"file": upload, "enterprise": "x"}).json()["code"] == "invalid"
    upload = filled(b1, "employees", [person("九号", id_number())])
    response = b1.post(API["employees"], {"file": upload, "enterprise": world.e2.pk})
    assert response.status_code == 201 and Employee.objects.get(name="九号").enterprise == world.e2


# --- training ---------------------------------------------------------------------------------------------------


def attendee(number, title="新员工厂级培训", start="2025-03-03 08:30", **extra):
    row = {"培训主题": title, "培训类别": "厂（矿）级安全培训", "开始时间": start, "结束时间": "2025-03-03 17:30",
           "学时": 8, "培训内容": "安全生产法律法规、本单位安全规章制度", "授课人": "赵老师", "组织单位": "安全科",
           "培训地点": "三楼会议室", "参训人员身份证号码": number, "考核结果": "合格", "成绩": 92}
    row.update(extra)
    return row


@pytest.fixture
def staff(world, make_employee):
    return [make_employee(world.e1, name=n) for n in ("张一", "张二", "张三")]


def test_one_file_records_sessions_with_their_participants(world, staff):
    client = world.client("e1m")
    a, b, c = (e.id_number for e in staff)
    upload = filled(client, "training", [
        attendee(a, 参训人员姓名="张一"),
        attendee(b, 考核结果="不合格", 成绩=55),
        attendee(c, title="车间级培训", start="2025-03-04 08:30", 培训类别="车间（工段、区、队）级安全培训",
                 结束时间="2025-03-04 12:30", 学时=4, 成绩=None, 计入学时=3.5),
    ])
    response = client.post(PAGE["training"], {"file": upload})
    assert response.status_code == 302, errors_of(response)
    assert "已导入 2 场培训，共 3 人次" in client.get(response["Location"]).content.decode()
    first = TrainingSession.objects.get(title="新员工厂级培训")
    assert first.enterprise == world.e1 and first.kind == "company" and first.hours == Decimal("8.0")
    assert sorted(first.records.values_list("employee__name", "result")) == [("张一", "passed"), ("张二", "failed")]
    record = TrainingRecord.objects.get(session__title="车间级培训")
    assert record.employee == staff[2] and record.hours == Decimal("3.5") and record.score is None


def test_a_bad_training_row_writes_no_session(world, staff, make_employee):
    client = world.client("e1m")
    a, b, c = (e.id_number for e in staff)
    other = make_employee(world.e2, name="外单位").id_number
    stranger = id_number()
    upload = filled(client, "training", [
        attendee(a),  # a good session
        attendee(b, title="零学时", 学时=0),
        attendee(c, title="倒着的", 结束时间="2025-03-03 08:00"),
        attendee(other, title="外单位的人"),
        attendee(stranger, title="未登记的人"),
        attendee(a, title="标签", 考核结果="优秀"),
        attendee(b, 学时=6),  # same session as row 2, different hours
        attendee(a),  # the same person twice in the session of row 2
        attendee(c, title="名字不对", 参训人员姓名="李四"),
        attendee(c, title="太长", 学时=20),  # more hours than nine hours allow: refused by the service
    ])
    response = client.post(PAGE["training"], {"file": upload})
    got = errors_of(response)
    assert (3, "学时", "须大于 0") in got
    assert (4, "结束时间", "结束时间须晚于开始时间") in got
    assert (5, "参训人员身份证号码", f"“企业1”未登记身份证号码为 {mask(other)} 的人员，请先导入或登记人员") in got
    assert (6, "参训人员身份证号码", f"“企业1”未登记身份证号码为 {mask(stranger)} 的人员，请先导入或登记人员") in got
    assert [g[:2] for g in got if g[0] == 7] == [(7, "考核结果")]
    assert (8, "学时", "与第 2 行（同一场培训）不一致") in got
    assert (9, "参训人员身份证号码", "与第 2 行是同一场培训的同一人") in got
    assert (10, "参训人员姓名", "姓名“李四”与该身份证号码登记的人员姓名不一致") not in got
    assert (10, "参训人员身份证号码", "姓名“李四”与该身份证号码登记的人员姓名不一致") in got
    assert [g[1] for g in got if g[0] == 11] == ["学时"] and "超过培训时长" in [g for g in got if g[0] == 11][0][2]
    assert not TrainingSession.objects.exists() and not TrainingRecord.objects.exists()
    page = response.content.decode()
    for number in (a, b, c, other, stranger):
        assert number not in page


def test_an_officer_imports_training_only_within_its_scope(world, staff):
    client = world.client("t1")  # 硖石街道: e1 only
    rows = [attendee(staff[0].id_number, 统一社会信用代码=world.e1.uscc),
            attendee(staff[1].id_number, title="别处", 统一社会信用代码=world.e2.uscc)]
    response = client.post(API["training"], {"file": filled(client, "training", rows)})
    body = response.json()
    assert response.status_code == 400 and body["code"] == "import_rejected"
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "A")]
    assert not TrainingSession.objects.exists()
    response = client.post(API["training"], {"file": filled(client, "training", rows[:1])})
    assert response.status_code == 201 and response.json() == {"created": 1, "records": 1}


# --- certificates -----------------------------------------------------------------------------------------------


def certificate(number, cert_number="T330481202500001", **extra):
    row = {"持证人身份证号码": number, "证书类别": "特种作业操作证", "作业类别（项目）代码": "1.2 低压电工作业",
           "证书编号": cert_number, "发证机关": "嘉兴市应急管理局", "初领（发证）日期": "2023-05-10"}
    row.update(extra)
    return row


def test_certificates_are_registered_to_their_holders(world, staff):
    client = world.client("e1m")
    a, b, c = (e.id_number for e in staff)
    upload = filled(client, "certificates", [
        certificate(a, 持证人姓名="张一"),
        certificate(b, cert_number=b, **{"作业类别（项目）代码": "熔化焊接与热切割作业"}),
        certificate(c, cert_number="TZ-330481-0009", 证书类别="特种设备安全管理和作业人员证",
                    **{"作业类别（项目）代码": "N1", "有效期至": "2027-05-10"}),
    ])
    response = client.post(PAGE["certificates"], {"file": upload})
    assert response.status_code == 302, errors_of(response)
    assert "已导入 3 本证书" in client.get(response["Location"]).content.decode()
    first = Certificate.objects.get(employee=staff[0])
    assert first.kind == "special_operation" and first.item_code == "1.2" and first.valid_until.year == 2029
    assert Certificate.objects.get(employee=staff[1]).item_code == "2.1"
    third = Certificate.objects.get(employee=staff[2])
    assert third.kind == "equipment_operator" and third.valid_until == datetime.date(2027, 5, 10)


def test_a_bad_certificate_row_writes_nothing(world, staff, make_employee):
    client = world.client("e1m")
    a, b, c = (e.id_number for e in staff)
    elsewhere = make_employee(world.e2, name="别人")
    world_cert = {"kind": "special_operation", "item_code": "1.1", "number": "T330481000777", "issuer": "某局",
                  "issued_on": datetime.date(2022, 1, 1)}
    from anjian.people.certificates import certificate_register

    certificate_register(actor=world.user["e2"], employee=elsewhere, data=world_cert)
    upload = filled(client, "certificates", [
        certificate(a),
        certificate(b, cert_number="T330481202500001"),  # the number of row 2
        certificate(c, cert_number="T330481000777"),  # registered to another person
        certificate(a, cert_number="T330481202500002", 证书类别="驾驶证"),
        certificate(b, cert_number="T330481202500003", **{"作业类别（项目）代码": "99.9"}),
        certificate(c, cert_number="T330481202500004", **{"有效期至": "2023-01-01"}),
    ])
    before = Certificate.objects.count()
    response = client.post(PAGE["certificates"], {"file": upload})
    got = errors_of(response)
    assert (3, "证书编号", "与第 2 行的证书编号重复") in got
    assert (4, "证书编号", "该证书编号已登记在另一人名下，同一证书编号只能由一人登记。请核对证书真伪。") in got
    assert [g[:2] for g in got if g[0] == 5] == [(5, "证书类别")]
    assert [g[:2] for g in got if g[0] == 6] == [(6, "作业类别（项目）代码")]
    assert [g[:2] for g in got if g[0] == 7] == [(7, "有效期至")]
    assert Certificate.objects.count() == before


def test_an_id_number_used_as_certificate_number_is_masked_in_the_errors(world, staff):
    client = world.client("e1m")
    a, b = staff[0].id_number, staff[1].id_number
    response = client.post(API["certificates"], {"file": filled(client, "certificates", [
        certificate(a, cert_number=a), certificate(b, cert_number=a)])})
    body = response.json()
    assert body["code"] == "import_rejected"
    assert a not in response.content.decode()
    assert body["errors"][0]["row"] == 3 and body["errors"][0]["header"] == "证书编号"


# --- cells and parameters out of range: row errors or the usual refusal, never a 500 ----------------------------


def test_numbers_and_times_out_of_range_are_row_errors(world, staff):
    client = world.client("e1m")
    a, b, c = (e.id_number for e in staff)
    upload = filled(client, "training", [
        attendee(a, title="巨大学时", 学时="1e30"),
        attendee(b, title="无穷学时", 学时="Infinity"),
        attendee(c, title="非数学时", 学时="NaN"),
        attendee(a, title="微小学时", 学时="1e-30"),
        attendee(b, title="巨大成绩", 成绩="1E+999999"),
        attendee(c, title="负计入学时", 计入学时="-1e30"),
        attendee(a, title="公元元年", start="0001-01-01 08:30", 结束时间="0001-01-01 17:30"),
        attendee(b, title="远未来", start="2101-03-03 08:30"),
    ])
    response = client.post(PAGE["training"], {"file": upload})
    assert response.status_code == 200
    got = errors_of(response)
    assert [g[1:] for g in got if g[0] == 2] == [("学时", "不能大于 9999.9")]  # the column's bound
    assert (3, "学时", "“Infinity”不是数字") in got
    assert (4, "学时", "“NaN”不是数字") in got
    assert (5, "学时", "最多 1 位小数") in got
    assert (6, "成绩", "不能大于 100") in got
    assert (7, "计入学时", "不能小于 0") in got
    assert (8, "开始时间", "“0001-01-01 08:30”超出允许的日期范围（1900-01-01 至 2100-12-31）") in got
    assert (8, "结束时间", "“0001-01-01 17:30”超出允许的日期范围（1900-01-01 至 2100-12-31）") in got
    assert (9, "开始时间", "“2101-03-03 08:30”超出允许的日期范围（1900-01-01 至 2100-12-31）") in got
    assert not TrainingSession.objects.exists() and not TrainingRecord.objects.exists()
    response = client.post(API["training"], {"file": filled(client, "training", [attendee(a, 学时="1E+999999")])})
    assert response.status_code == 400 and response.json()["code"] == "import_rejected"
    assert response.json()["errors"][0]["header"] == "学时"


def test_an_employee_hired_in_year_1_is_a_row_error(world):
    client = world.client("e1m")
    response = client.post(API["employees"], {"file": filled(client, "employees", [
        person("元年", id_number(), **{"入职（进场）日期": "0001-01-01"})])})
    body = response.json()
    assert response.status_code == 400 and body["code"] == "import_rejected"
    assert [(e["row"], e["header"]) for e in body["errors"]] == [(2, "入职（进场）日期")]
    assert "超出允许的日期范围" in body["errors"][0]["message"]
    assert not Employee.objects.filter(name="元年").exists()


@pytest.mark.parametrize("raw", ["²", "¹²", "١٢", "１２", "1" * 19, "-1", "1.0", "0x1"])
def test_an_enterprise_parameter_that_is_not_ascii_digits(world, raw):
    client = world.client("b1")
    for kind in PAGE:
        assert client.get(PAGE[kind], {"enterprise": raw}).status_code == 404
        upload = filled(client, kind, [])
        response = client.post(API[kind], {"file": upload, "enterprise": raw})
        assert response.status_code == 400 and response.json()["code"] == "invalid", response.content
    assert not Employee.objects.exists()
