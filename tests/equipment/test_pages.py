"""The equipment pages: the ledger per unit and jurisdiction with its filters, paging and export; one equipment with
its clocks, inspections, operators and the hazard an overdue date opened; the register, edit, inspection (the
rules' proposal, the confirmation when exceeding), operator and state forms; readers, scope and bad input."""

import io

import pytest
from django.template.loader import render_to_string
from openpyxl import load_workbook

from anjian.equipment import services
from anjian.equipment.models import EquipmentInspection, EquipmentOperator, SpecialEquipment
from anjian.equipment.scan import scan_equipment
from anjian.equipment.views import enterprise_tab_context
from anjian.hazards.models import Hazard
from anjian.rules._dates import add_months
from tests.equipment.conftest import boiler_data, days, inspection_data, register

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def boiler_with_report(world, enterprise=None, actor_key="e1m", **overrides):
    enterprise = enterprise or world.e1
    on = days(-20)
    data = boiler_data(last_inspection=inspection_data(inspected_on=on, next_due=add_months(on, 12)), **overrides)
    equipment = services.equipment_register(actor=world.user[actor_key], enterprise=enterprise, data=data)
    services.inspection_record(actor=world.user[actor_key], equipment=equipment, data=inspection_data(
        inspection_kind="internal", inspected_on=on, next_due=add_months(on, 24)))
    return SpecialEquipment.objects.get(pk=equipment.pk)


# --- the ledger ----------------------------------------------------------------------------------------------------


def test_the_ledger_per_unit_and_per_jurisdiction(world):
    mine = boiler_with_report(world, name="一号锅炉")
    theirs = boiler_with_report(world, enterprise=world.e2, actor_key="e2", name="二号锅炉")
    page = text(world.client("e1m").get("/equipment/"))
    assert "一号锅炉" in page and "二号锅炉" not in page and 'data-testid="register-equipment"' in page
    bureau = text(world.client("b1").get("/equipment/"))
    assert "一号锅炉" in bureau and "二号锅炉" in bureau
    assert "二号锅炉" not in text(world.client("b2").get("/equipment/"))
    assert "一号锅炉" not in text(world.client("d1").get("/equipment/"))  # the department: construction only
    only = text(world.client("b1").get("/equipment/", {"enterprise": world.e2.pk}))
    assert "二号锅炉" in only and "一号锅炉" not in only
    assert mine.pk != theirs.pk
    reader = text(world.client("e1w").get("/equipment/"))
    assert "一号锅炉" in reader and 'data-testid="register-equipment"' not in reader


def test_the_ledger_filters(world):
    ok = boiler_with_report(world, name="正常锅炉")
    late = register(world, name="超期锅炉", commissioned_on=days(-1500))
    services.inspection_record(actor=world.user["e1m"], equipment=late, data=inspection_data(
        inspected_on=days(-380), next_due=days(-15)))
    soon = register(world, kind="lifting", subtype="bridge", name="桥式起重机", registration_code="4170330481201900001")
    services.inspection_record(actor=world.user["e1m"], equipment=soon, data=inspection_data(
        inspection_kind="periodic", inspected_on=days(-700), next_due=days(20), confirm_exceeds=True))
    client = world.client("e1m")

    def names(**params):
        page = text(client.get("/equipment/", params))
        return {n for n in ("正常锅炉", "超期锅炉", "桥式起重机") if n in page}

    assert names(kind="lifting") == {"桥式起重机"}
    assert names(due="overdue") == {"超期锅炉"}
    assert names(due="soon") == {"桥式起重机"}
    assert names(usable="false") == {"超期锅炉"}
    assert names(usable="true") == {"正常锅炉", "桥式起重机"}
    assert names(registration_code="41703304812019") == {"桥式起重机"}
    assert names(q="正常") == {"正常锅炉"}
    services.equipment_state(actor=world.user["e1m"], equipment=ok, state="stopped")
    assert names(state="stopped") == {"正常锅炉"}
    partial = client.get("/equipment/", {"kind": "boiler"}, HTTP_HX_REQUEST="true")
    assert "<html" not in text(partial) and "超期锅炉" in text(partial)


@pytest.mark.parametrize("query", [
    {"enterprise": "abc"}, {"enterprise": "99999999999999999999999"}, {"usable": "maybe"}, {"due": "never"},
    {"kind": "rocket"}, {"state": ["in_use", "x"]}, {"after": "²"}, {"after": "-1"}, {"region": "天"},
])
def test_bad_query_strings_give_a_page_never_a_500(world, query):
    boiler_with_report(world)
    response = world.client("b1").get("/equipment/", query)
    assert response.status_code == 200
    export = world.client("b1").get("/equipment/export.xlsx", query)
    assert export.status_code in (200, 302)


def test_keyset_paging(world):
    SpecialEquipment.objects.bulk_create([
        SpecialEquipment(enterprise=world.e1, region_code=world.e1.region_code, kind="gas_cylinder",
                         name=f"气瓶{n:03d}", location="气站") for n in range(55)])
    client = world.client("e1m")
    first = text(client.get("/equipment/"))
    assert "气瓶054" in first and "气瓶004" not in first and 'data-testid="next-page"' in first
    last = SpecialEquipment.objects.order_by("-id")[49].pk
    second = text(client.get("/equipment/", {"after": last}))
    assert "气瓶004" in second and "气瓶054" not in second


def test_the_export(world):
    boiler_with_report(world, name="导出锅炉", registration_code="11013304812020000009")
    register(world, kind="lifting", subtype="bridge", molten_metal=True, name="铸造起重机", registration_code="")
    response = world.client("b1").get("/equipment/export.xlsx", {"kind": "boiler"})
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[2]
    assert header[:6] == ("序号", "使用单位", "设备名称", "设备种类", "设备类别", "设备代码")
    assert "最近检验日期" in header and "报告编号" in header and "下次检验日期" in header and "可以使用" in header
    body = [r for r in rows[3:] if r[0]]
    assert len(body) == 1
    row = dict(zip(header, body[0], strict=False))
    assert row["设备名称"] == "导出锅炉" and row["设备种类"] == "锅炉" and row["设备类别"] == "工业锅炉"
    assert row["设备代码"] == "11013304812020000009" and row["检验结论"] == "合格" and row["可以使用"] == "是"
    assert row["最近检验日期"] == days(-20).isoformat() and row["报告编号"].startswith("BG-")
    crane = world.client("e1m").get("/equipment/export.xlsx", {"kind": "lifting"})
    ws = load_workbook(io.BytesIO(crane.content)).active
    assert list(ws.iter_rows(values_only=True))[3][4] == "桥式起重机（吊运熔融金属）"


# --- one equipment -------------------------------------------------------------------------------------------------


def test_the_detail_shows_clocks_history_operators_and_the_overdue_hazard(world, make_employee,
                                                                          operator_certificate):
    boiler = register(world, commissioned_on=days(-1500), name="超期锅炉")
    services.inspection_record(actor=world.user["e1m"], equipment=boiler, data=inspection_data(
        inspected_on=days(-400), next_due=add_months(days(-400), 13), confirm_exceeds=True))
    scan_equipment()
    hazard = Hazard.objects.get()
    page = text(world.client("e1m").get(f"/equipment/{boiler.pk}/"))
    assert f'href="/hazards/{hazard.pk}/"' in page and 'data-testid="exceeds-max"' in page
    assert "外部检验已超期" in page and "第四十条" in page and 'data-testid="record-inspection"' in page
    assert "应于" in page  # the request-by date of each clock
    reader = text(world.client("e1w").get(f"/equipment/{boiler.pk}/"))
    assert "超期锅炉" in reader
    for marker in ("record-inspection", "assign-operator", "edit-equipment", "state-forms"):
        assert f'data-testid="{marker}"' not in reader
    bureau = text(world.client("b1").get(f"/equipment/{boiler.pk}/"))
    assert 'data-testid="record-inspection"' in bureau  # officers keep the units of their jurisdiction

    crane = register(world, kind="lifting", subtype="tower", name="塔吊")
    worker = make_employee(world.e1, name="王师傅")
    cert = operator_certificate(worker, item="Q2")
    services.operator_assign(actor=world.user["e1m"], equipment=crane, employee=worker)
    page = text(world.client("e1m").get(f"/equipment/{crane.pk}/"))
    assert "王师傅" in page and f"作业人员证 Q2 有效期至 {cert.valid_until.isoformat()}" in page
    assert cert.number not in page  # often the holder's ID-card number: kept sealed, not shown
    cert.valid_until = days(-1)
    cert.save()
    page = text(world.client("e1m").get(f"/equipment/{crane.pk}/"))
    assert 'data-testid="operator-no-certificate"' in page


def test_foreign_ids_are_404(world):
    boiler = boiler_with_report(world)
    for key in ("e2", "b2", "t2", "g2", "d1"):
        client = world.client(key)
        for url in (f"/equipment/{boiler.pk}/", f"/equipment/{boiler.pk}/edit/",
                    f"/equipment/{boiler.pk}/inspections/new/", f"/equipment/{boiler.pk}/operators/new/"):
            assert client.get(url).status_code == 404, (key, url)
        assert client.post(f"/equipment/{boiler.pk}/state/", {"state": "stopped"}).status_code == 404
    assert world.client("e1m").get("/equipment/999999999/").status_code == 404
    assert world.client("e1m").get("/equipment/99999999999999999999999/").status_code == 404


def test_readers_get_no_forms(world):
    boiler = boiler_with_report(world)
    reader = world.client("e1w")
    assert reader.get("/equipment/new/").status_code == 403
    assert world.client("g1").get("/equipment/new/").status_code == 403
    for url in (f"/equipment/{boiler.pk}/edit/", f"/equipment/{boiler.pk}/inspections/new/",
                f"/equipment/{boiler.pk}/operators/new/"):
        assert reader.get(url).status_code == 403
    assert reader.post(f"/equipment/{boiler.pk}/state/", {"state": "stopped"}).status_code == 403
    assert SpecialEquipment.objects.get(pk=boiler.pk).state == "in_use"


# --- register and edit ---------------------------------------------------------------------------------------------


def form_data(**overrides) -> dict:
    data = {
        "kind": "lifting", "subtype": "lifting.bridge", "name": "5吨桥式起重机", "location": "装配车间",
        "registration_code": "4110330481202100007", "commissioned_on": days(-200).isoformat(),
    }
    data.update(overrides)
    return data


def test_register_from_the_browser(world):
    client = world.client("e1m")
    page = text(client.get("/equipment/new/"))
    assert "<optgroup" in page and 'value="lifting.bridge"' in page and "<script>" not in page
    response = client.post("/equipment/new/", form_data())
    crane = SpecialEquipment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/equipment/{crane.pk}/"
    assert (crane.kind, crane.subtype, crane.enterprise) == ("lifting", "bridge", world.e1)
    assert crane.next_due == add_months(days(-200), 24)  # the first inspection proposed from commissioning


@pytest.mark.parametrize(("overrides", "message"), [
    ({"name": ""}, "请填写设备名称"),
    ({"kind": "boiler", "subtype": "lifting.bridge"}, "所选类别不属于该设备种类"),
    ({"subtype": ""}, "请选择起重机械的类别"),
    ({"commissioned_on": "2099-01-01"}, "投入使用日期不能晚于今天"),
    ({"commissioned_on": "昨天"}, "日期"),
    ({"kind": "elevator", "subtype": "", "schedule": "tsg_t7001_2023"}, "安装监督检验日期"),
    ({"safety_grade": "9"}, "选择"),
])
def test_bad_register_input_re_renders_with_a_chinese_message(world, overrides, message):
    response = world.client("e1m").post("/equipment/new/", form_data(**overrides))
    assert response.status_code == 400 and message in text(response)
    assert not SpecialEquipment.objects.exists()


def test_register_with_the_last_report_and_its_errors_on_its_fields(world):
    client = world.client("b1")
    data = form_data(kind="boiler", subtype="", enterprise=world.e1.pk, **{
        "last-inspection_kind": "external", "last-inspected_on": days(-10).isoformat(), "last-body": "检测院",
        "last-conclusion": "pass", "last-report_number": "R-1", "last-next_due": add_months(days(-10), 14).isoformat(),
    })
    response = client.post("/equipment/new/", data)
    assert response.status_code == 400 and "最长期限" in text(response)
    assert 'name="last-confirm_exceeds"' in text(response) and not SpecialEquipment.objects.exists()
    data["last-confirm_exceeds"] = "on"
    assert client.post("/equipment/new/", data).status_code == 302
    assert EquipmentInspection.objects.get().exceeds_max
    other = client.post("/equipment/new/", form_data(enterprise=world.e3.pk, registration_code=""))
    assert other.status_code == 400 and SpecialEquipment.objects.count() == 1  # e3 is not in b1's county


def test_the_registration_code_taken_is_said_on_the_form(world):
    boiler_with_report(world, registration_code="4110330481202100007")
    response = world.client("e1m").post("/equipment/new/", form_data())
    assert response.status_code == 400 and "已被登记" in text(response)


def test_edit(world):
    boiler = boiler_with_report(world)
    client = world.client("e1m")
    page = client.get(f"/equipment/{boiler.pk}/edit/")
    assert page.status_code == 200 and boiler.registration_code in text(page)
    data = {"kind": "boiler", "subtype": "boiler.industrial", "name": "改名锅炉", "location": "新锅炉房",
            "registration_code": boiler.registration_code}
    assert client.post(f"/equipment/{boiler.pk}/edit/", data).status_code == 302
    assert SpecialEquipment.objects.get(pk=boiler.pk).name == "改名锅炉"
    locked = client.post(f"/equipment/{boiler.pk}/edit/", {**data, "kind": "pressure_vessel", "subtype": ""})
    assert locked.status_code == 400 and "不能更改种类" in text(locked)


# --- inspections ---------------------------------------------------------------------------------------------------


def test_the_inspection_form_proposes_then_asks_to_confirm_an_exceeding_date(world):
    vessel = register(world, kind="pressure_vessel", commissioned_on=days(-2000), name="储气罐")
    client = world.client("e1m")
    url = f"/equipment/{vessel.pk}/inspections/new/"
    page = text(client.get(url))
    assert 'name="safety_grade"' in page and 'name="next_kind"' not in page
    on = days(-5)
    base = {"inspection_kind": "periodic", "inspected_on": on.isoformat(), "body": "嘉兴特检院",
            "report_number": "RQ-2026-1", "conclusion": "pass", "safety_grade": "3"}
    proposed = client.post(url, {**base, "action": "propose"})
    body = text(proposed)
    assert proposed.status_code == 200 and 'data-testid="proposal"' in body
    assert f"建议下次检验日期 {add_months(on, 36).isoformat()}" in body
    assert f"最迟 {add_months(on, 72).isoformat()}" in body
    assert f'value="{add_months(on, 36).isoformat()}"' in body  # the empty date filled with the proposal
    assert not EquipmentInspection.objects.exists()
    late = {**base, "action": "save", "next_due": add_months(on, 80).isoformat()}
    refused = client.post(url, late)
    assert refused.status_code == 400 and "最长期限" in text(refused)
    assert 'type="checkbox" name="confirm_exceeds"' in text(refused) and not EquipmentInspection.objects.exists()
    saved = client.post(url, {**late, "confirm_exceeds": "on"})
    assert saved.status_code == 302
    inspection = EquipmentInspection.objects.get()
    assert inspection.exceeds_max and inspection.proposed_due == add_months(on, 36)


@pytest.mark.parametrize("data", [
    {}, {"inspected_on": "2026-02-30"}, {"inspection_kind": "self_test"}, {"action": "propose"},
    {"action": "propose", "inspected_on": "x"}, {"safety_grade": "7"}, {"conclusion": "maybe"},
])
def test_bad_inspection_input_never_a_500(world, data):
    boiler = boiler_with_report(world)
    response = world.client("e1m").post(f"/equipment/{boiler.pk}/inspections/new/", data)
    assert response.status_code in (200, 400)
    assert EquipmentInspection.objects.count() == 2


def test_an_elevator_form_offers_self_tests(world):
    lift = register(world, kind="elevator", installed_on=days(-3000), commissioned_on=days(-2990))
    page = text(world.client("e1m").get(f"/equipment/{lift.pk}/inspections/new/"))
    assert 'value="self_test"' in page and 'name="next_kind"' in page


# --- operators and state -------------------------------------------------------------------------------------------


def test_assign_and_release_an_operator(world, make_employee, operator_certificate):
    crane = register(world, kind="lifting", subtype="bridge")
    client = world.client("e1m")
    holder = make_employee(world.e1, name="持证司机")
    other = make_employee(world.e1, name="无证工人")
    make_employee(world.e2, name="外单位人员")
    operator_certificate(holder, item="Q2")
    page = text(client.get(f"/equipment/{crane.pk}/operators/new/"))
    assert "持证司机" in page and "无证工人" in page and "外单位人员" not in page and "Q2 起重机司机" in page
    refused = client.post(f"/equipment/{crane.pk}/operators/new/", {"employee": other.pk})
    assert refused.status_code == 400 and "第十四条" in text(refused) and not EquipmentOperator.objects.exists()
    assert client.post(f"/equipment/{crane.pk}/operators/new/", {"employee": "abc"}).status_code == 400
    done = client.post(f"/equipment/{crane.pk}/operators/new/", {"employee": holder.pk})
    assert done.status_code == 302
    operator = EquipmentOperator.objects.get()
    release = f"/equipment/{crane.pk}/operators/{operator.pk}/release/"
    assert client.post(release, {"ended_on": "x"}).status_code == 302
    assert EquipmentOperator.objects.get().ended_on is None
    assert client.post(release).status_code == 302
    assert EquipmentOperator.objects.get().ended_on == services.today()
    again = client.post(release, follow=True)
    assert "已于" in text(again)
    foreign = register(world, actor_key="e2", enterprise=world.e2, kind="lifting", subtype="tower")
    assert client.post(f"/equipment/{foreign.pk}/operators/{operator.pk}/release/").status_code == 404
    assert world.client("e2").post(f"/equipment/{foreign.pk}/operators/{operator.pk}/release/").status_code == 404


def test_state_changes_from_the_page(world):
    boiler = boiler_with_report(world)
    client = world.client("e1m")
    url = f"/equipment/{boiler.pk}/state/"
    assert client.post(url, {"state": "stopped", "reason": "检修"}).status_code == 302
    assert SpecialEquipment.objects.get(pk=boiler.pk).state == "stopped"
    client.post(url, {"state": "scrapped"})
    response = client.post(url, {"state": "in_use"}, follow=True)
    assert "已报废" in text(response) and SpecialEquipment.objects.get(pk=boiler.pk).state == "scrapped"
    bad = client.post(url, {"state": "flying"}, follow=True)
    assert bad.status_code == 200 and "请选择" in text(bad)
    assert client.get(url).status_code == 405
    page = text(client.get(f"/equipment/{boiler.pk}/"))
    assert 'data-testid="record-inspection"' not in page  # scrapped: nothing more to record


# --- the enterprise file's tab -------------------------------------------------------------------------------------


def test_the_enterprise_tab(world):
    boiler_with_report(world, name="好锅炉")
    late = register(world, name="坏锅炉", commissioned_on=days(-1500))
    services.inspection_record(actor=world.user["e1m"], equipment=late, data=inspection_data(
        inspected_on=days(-380), next_due=days(-15)))
    register(world, kind="lifting", subtype="tower", name="塔吊", commissioned_on=days(-10))
    context = enterprise_tab_context(world.user["b1"], world.e1)
    tab = context["equipment_tab"]
    assert tab["total"] == 3 and tab["overdue"] == 1 and [e.name for e in tab["not_usable"]] == ["坏锅炉"]
    assert [(kind, n) for kind, _label, n in tab["by_kind"]] == [("boiler", 2), ("lifting", 1)]
    html = render_to_string("equipment/_enterprise_tab.html", context)
    assert "坏锅炉" in html and "锅炉 2" in html and 'data-testid="equipment-overdue"' in html
    assert enterprise_tab_context(world.user["b2"], world.e1)["equipment_tab"]["total"] == 0
    assert not enterprise_tab_context(world.user["e1w"], world.e1)["equipment_tab"]["can_keep"]
