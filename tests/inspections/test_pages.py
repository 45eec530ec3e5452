"""The inspection pages: plan, start, the phone walk (htmx fragments and the no-script fallback), findings to
hazards, signing, the record's integrity shown, templates, and the links from the enterprise file and hazards."""

import re

from anjian.hazards import services as hazard_services
from anjian.inspections import services
from anjian.inspections.models import ChecklistTemplate, Inspection, InspectionItem
from tests.conftest import PASSWORD
from tests.hazards.conftest import jpeg
from tests.inspections.conftest import plan, shipped, walk


def test_plan_from_the_enterprise_file(team):
    w = team
    client = w.client("b1")
    page = client.get(f"/enterprises/{w.e1.pk}/").content.decode()
    assert f"/inspections/new/?enterprise={w.e1.pk}" in page
    form = client.get(f"/inspections/new/?enterprise={w.e1.pk}")
    assert form.status_code == 200 and "gongmao_general" not in form.content.decode()  # titles, not codes
    response = client.post(
        "/inspections/new/",
        {"enterprise": w.e1.pk, "kind": "routine", "template": shipped().pk, "members": [w.user["leader"].pk]},
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/{inspection.pk}/"
    # Without a second credentialed inspector the form comes back with the reason.
    response = client.post("/inspections/new/", {"enterprise": w.e1.pk, "kind": "routine", "template": shipped().pk})
    assert response.status_code == 400 and "行政执法证" in response.content.decode()
    assert Inspection.objects.count() == 1


def test_pick_an_enterprise_first(team):
    client = team.client("b1")
    page = client.get("/inspections/new/?q=企业").content.decode()
    assert f"?enterprise={team.e1.pk}" in page and f"?enterprise={team.e3.pk}" not in page


def test_start_walk_and_answer_with_htmx(team):
    w = team
    inspection = plan(w)
    client = w.client("b1")
    response = client.post(
        f"/inspections/{inspection.pk}/start/",
        {"start-location": "一号车间", "start-latitude": "30.5", "start-longitude": ""},
    )
    assert response.status_code == 302 and response["Location"] == f"/inspections/{inspection.pk}/walk/"
    page = client.get(f"/inspections/{inspection.pk}/walk/").content.decode()
    assert page.count('data-testid="item"') == inspection.items_total
    item = inspection.items.order_by("position").first()
    response = client.post(
        f"/inspections/{inspection.pk}/items/{item.pk}/",
        {f"i{item.pk}-result": "non_compliant", f"i{item.pk}-note": "未建立责任制"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and f'id="item-{item.pk}"' in body
    assert 'hx-swap-oob="true"' in body and "已记录 1/" in body  # the progress bar comes along
    assert 'data-testid="hazard-form"' in body  # a non-compliant item offers "转为隐患"
    item.refresh_from_db()
    assert item.result == "non_compliant" and item.note == "未建立责任制"
    # Without htmx the same form redirects back to the item.
    second = inspection.items.order_by("position")[1]
    response = client.post(f"/inspections/{inspection.pk}/items/{second.pk}/", {f"i{second.pk}-result": "compliant"})
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{second.pk}")
    # A bad answer returns the fragment with the error, status 400.
    response = client.post(
        f"/inspections/{inspection.pk}/items/{second.pk}/", {f"i{second.pk}-result": "x"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400


def test_photos_and_finding_to_hazard_from_the_walk(team):
    w = team
    inspection = services.inspection_start(actor=w.user["b1"], inspection=plan(w))
    item = inspection.items.order_by("position").first()
    services.item_answer(actor=w.user["b1"], item=item, result="non_compliant", note="x")
    client = w.client("b1")
    response = client.post(f"/inspections/{inspection.pk}/items/{item.pk}/photos/", {"photos": [jpeg()]})
    assert response.status_code == 302
    photo = item.photos.get()
    assert client.get(f"/inspections/{inspection.pk}/photos/{photo.pk}/")["Content-Type"] == "image/jpeg"
    assert w.client("b2").get(f"/inspections/{inspection.pk}/photos/{photo.pk}/").status_code == 404
    response = client.post(
        f"/inspections/{inspection.pk}/items/{item.pk}/hazard/",
        {f"h{item.pk}-category": "equipment", f"h{item.pk}-grade": "general", f"h{item.pk}-location": "配电房"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'data-testid="item-hazard"' in response.content.decode()
    item.refresh_from_db()
    assert item.hazard.location == "配电房" and item.hazard.photos.count() == 1


def test_walk_is_for_the_team_only(team):
    w = team
    inspection = services.inspection_start(actor=w.user["b1"], inspection=plan(w))
    assert w.client("x1").get(f"/inspections/{inspection.pk}/walk/").status_code == 403
    assert w.client("b2").get(f"/inspections/{inspection.pk}/walk/").status_code == 404
    item = inspection.items.first()
    response = w.client("x1").post(
        f"/inspections/{inspection.pk}/items/{item.pk}/", {f"i{item.pk}-result": "compliant"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400 and "检查人员" in response.content.decode()
    item.refresh_from_db()
    assert item.result == "pending"


def test_complete_and_sign_on_the_page(team):
    w = team
    inspection = services.inspection_start(actor=w.user["b1"], inspection=plan(w))
    client = w.client("b1")
    response = client.post(f"/inspections/{inspection.pk}/complete/", {"complete-summary": ""})
    assert response.status_code == 400 and "未检查" in response.content.decode()
    for item in inspection.items.all():
        services.item_answer(actor=w.user["b1"], item=item, result="compliant")
    assert client.post(f"/inspections/{inspection.pk}/complete/", {"complete-summary": "未发现问题"}).status_code == 302
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert 'data-testid="sign-form"' in page and 'data-testid="enterprise-sign-form"' in page
    response = client.post(f"/inspections/{inspection.pk}/sign/", {"sign-password": "wrong"})
    assert response.status_code == 400 and "密码不正确" in response.content.decode()
    assert client.post(f"/inspections/{inspection.pk}/sign/", {"sign-password": PASSWORD}).status_code == 302
    response = client.post(
        f"/inspections/{inspection.pk}/sign-enterprise/",
        {"sign-enterprise-username": "e1", "sign-enterprise-password": PASSWORD},
    )
    assert response.status_code == 302
    assert (
        w.client("leader").post(f"/inspections/{inspection.pk}/sign/", {"sign-password": PASSWORD}).status_code == 302
    )
    inspection.refresh_from_db()
    assert inspection.state == "signed"
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert page.count('data-testid="signature-valid"') == 3 and "tampered-alert" not in page
    InspectionItem.objects.filter(inspection=inspection).update(note="事后改动")
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert 'data-testid="tampered-alert"' in page and page.count('data-testid="signature-broken"') == 3


def test_refusal_and_addendum_on_the_page(team):
    w = team
    inspection = walk(w, plan(w))
    client = w.client("b1")
    response = client.post(
        f"/inspections/{inspection.pk}/refuse/",
        {"refuse-representative_name": "王五", "refuse-reason": "不认可", "refuse-witness_name": "李六"},
    )
    assert response.status_code == 302
    response = client.post(f"/inspections/{inspection.pk}/addendum/", {"addendum-text": "补充：已拍照取证。"})
    assert response.status_code == 302
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "王五" in page and "拒绝签字" in page and "补充：已拍照取证。" in page


def test_ledger_page_filters_and_exports(team):
    w = team
    done = walk(w, plan(w))
    client = w.client("b1")
    page = client.get("/inspections/").content.decode()
    assert done.number in page
    rows = client.get("/inspections/?failed=false", HTTP_HX_REQUEST="true").content.decode()
    assert done.number not in rows and "<html" not in rows
    response = client.get("/inspections/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_templates_pages(team):
    w = team
    client = w.client("b1")
    assert "工贸企业安全生产管理通用检查表" in client.get("/inspections/templates/").content.decode()
    original = shipped("confined_space")
    response = client.post(f"/inspections/templates/{original.pk}/copy/", {"copy-code": "yxkj", "copy-title": ""})
    copy = ChecklistTemplate.objects.get(authority=w.bureau)
    assert response.status_code == 302 and copy.code == "yxkj" and copy.items.first().code.startswith("yxkj.")
    response = client.post(
        f"/inspections/templates/{copy.pk}/add/", {"add-requirement": "作业前检测氧含量", "add-section": "补充"}
    )
    assert response.status_code == 302 and copy.items.count() == original.items.count() + 1
    item = copy.items.order_by("position").first()
    client.post(
        f"/inspections/templates/items/{item.pk}/edit/",
        {f"item{item.pk}-requirement": "改后的内容", f"item{item.pk}-section": item.section},
    )
    item.refresh_from_db()
    assert item.requirement == "改后的内容"
    client.post(f"/inspections/templates/items/{item.pk}/delete/")
    assert not copy.items.filter(pk=item.pk).exists()
    client.post(f"/inspections/templates/{copy.pk}/publish/")
    copy.refresh_from_db()
    assert copy.state == "published"
    response = client.post(f"/inspections/templates/{copy.pk}/add/", {"add-requirement": "x"})
    assert response.status_code == 400 and "新版本" in response.content.decode()
    assert w.client("b2").get(f"/inspections/templates/{copy.pk}/").status_code == 404


def test_enterprise_file_and_hazard_show_the_inspections(team):
    w = team
    inspection = walk(w, plan(w), failed=())
    services.inspection_sign(actor=w.user["b1"], inspection=inspection, password=PASSWORD)
    page = w.client("b1").get(f"/enterprises/{w.e1.pk}/").content.decode()
    assert inspection.number in page
    hazard = hazard_services.hazard_report(
        actor=w.user["e1w"],
        enterprise=w.e1,
        data={"location": "仓库", "description": "灭火器过期", "category": "equipment"},
    )
    page = w.client("b1").get(f"/hazards/{hazard.pk}/").content.decode()
    block = re.search(r'data-testid="earlier-inspections">(.*?)</ul>', page, re.S).group(1)
    assert inspection.number in block and "b1" in block
    # The enterprise's own users do not get the 谁遗漏谁负责 block.
    assert "earlier-inspections" not in w.client("e1").get(f"/hazards/{hazard.pk}/").content.decode()


def test_navigation_links_to_the_ledger(team):
    page = team.client("b1").get("/").content.decode()
    assert 'href="/inspections/"' in page
    assert 'href="/inspections/"' not in team.client("e1w").get("/").content.decode()
