"""Certificate pages: the ledger per enterprise and jurisdiction with its filters, paging and export (no plaintext ID
number), one certificate, the registration, review, revocation and correction forms (bad input re-renders with a
Chinese message, never a 500), scope (404) and readers (no buttons, refused writes)."""

import datetime
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anjian.people import certificates
from anjian.people.filters_certificates import number_index
from anjian.people.models import Certificate, CertificateReview
from anjian.rules._dates import add_years
from tests.people.conftest import id_number

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def register(world, employee, actor="e1m", **overrides):
    data = {"kind": "special_operation", "item_code": "1.2", "number": "T2024000123", "issuer": "嘉兴市应急管理局",
            "issued_on": TODAY - datetime.timedelta(days=400)}
    data.update(overrides)
    return certificates.certificate_register(actor=world.user[actor], employee=employee, data=data)


@pytest.fixture
def certs(world, make_employee):
    """An electrician of e1 whose certificate number is his ID number (review in 20 days), a forklift driver of e1
    with an expired certificate, and a welder of e2."""
    number = id_number()
    electrician = make_employee(world.e1, name="王电工", number=number)
    forklift = make_employee(world.e1, name="钱司机")
    welder = make_employee(world.e2, name="孙焊工")
    out = {
        "number": number,
        "due": register(world, electrician, number=number,
                        issued_on=add_years(TODAY + datetime.timedelta(days=20), -3)),
        "expired": register(world, forklift, kind="equipment_operator", item_code="N1", number="TS330481001",
                            issued_on=add_years(TODAY, -4) - datetime.timedelta(days=3)),
        "e2": register(world, welder, actor="e2", item_code="2.1", number="T2024000999"),
    }
    return out


def ledger(client, query=""):
    return client.get("/people/certificates/" + (f"?{query}" if query else ""))


def names(response) -> set[str]:
    return {c.employee.name for c in response.context["page"].items}


def test_the_ledger_is_scoped_and_masks_id_numbers(world, certs):
    page = ledger(world.client("e1m"))
    assert page.status_code == 200 and names(page) == {"王电工", "钱司机"}
    body = page.content.decode()
    assert certs["number"] not in body and certificates.display_number(certs["number"]) in body
    assert "TS330481001" in body  # not an ID number: shown as it is
    assert names(ledger(world.client("b1"))) == {"王电工", "钱司机", "孙焊工"}
    assert names(ledger(world.client("e2"))) == {"孙焊工"}
    assert names(ledger(world.client("t1"))) == {"王电工", "钱司机"}
    assert names(ledger(world.client("b2"))) == set()


@pytest.mark.parametrize("query, expected", [
    ("status=due_soon", {"王电工"}),
    ("status=expired", {"钱司机"}),
    ("status=valid", {"孙焊工"}),
    ("status=expired&status=due_soon", {"王电工", "钱司机"}),
    ("kind=equipment_operator", {"钱司机"}),
    ("item=2.1", {"孙焊工"}),
    ("holder=焊", {"孙焊工"}),
    ("number_index={welder}", {"孙焊工"}),
    ("number_index={welder}&kind=equipment_operator", set()),
    ("number_index=" + "0" * 64, set()),
    ("enterprise={e2}", {"孙焊工"}),
    ("region=330481002", {"孙焊工"}),
    ("due_from={today}&due_to={in30}", {"王电工"}),
])
def test_filters(world, certs, query, expected):
    query = query.format(e2=world.e2.pk, today=TODAY.isoformat(), welder=number_index("T2024000999"),
                         in30=(TODAY + datetime.timedelta(days=30)).isoformat())
    assert names(ledger(world.client("b1"), query)) == expected


@pytest.mark.parametrize("query", [
    "status=bogus", "due_from=2024-13-01", "enterprise=abc", "enterprise=99999999999999999999", "kind=x",
    "after=²", "after=abc", "region=nowhere", "holder=" + "名" * 80, "number=%00", "number=T2024000999",
    "number_index=abc", "number_index=%00", "number_index=" + "F" * 64,
])
def test_bad_filters_never_fail(world, certs, query):
    response = ledger(world.client("b1"), query)
    assert response.status_code == 200


def test_exact_number_search_is_a_post_and_the_url_holds_only_the_index(world, certs):
    client = world.client("b1")
    page = client.get("/people/certificates/")
    assert 'data-testid="exact-search"' in page.content.decode() and b"csrfmiddlewaretoken" in page.content
    response = client.post("/people/certificates/?kind=special_operation&after=3&number=x", {"number": " t2024000999 "})
    assert response.status_code == 303 and "2024000999" not in response["Location"]
    assert parse_qs(urlsplit(response["Location"]).query) == {
        "kind": ["special_operation"], "number_index": [number_index("T2024000999")]}
    found = client.get(response["Location"])
    body = found.content.decode()
    assert names(found) == {"孙焊工"} and "按证书编号精确查找" in body and 'data-testid="exact-active"' in body
    assert 'href="/people/certificates/?kind=special_operation" data-testid="exact-clear"' in body
    assert f'name="number_index" value="{number_index("T2024000999")}"' in body
    assert "2024000999" not in found.context["first_query"]
    # an ID-format number (the electrician's own ID number): found, never in the URL or the page
    number = certs["number"]
    response = client.post("/people/certificates/", {"number": number.lower()})
    assert number not in response["Location"] and number[6:14] not in response["Location"]
    found = client.get(response["Location"])
    assert names(found) == {"王电工"} and number not in found.content.decode()
    rows = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert names(rows) == {"王电工"} and number not in rows.content.decode()
    # scope: e2 does not find e1's certificate by its number
    response = world.client("e2").post("/people/certificates/", {"number": number})
    assert names(world.client("e2").get(response["Location"])) == set()


def test_exact_number_search_refusals(world, certs):
    client = world.client("b1")
    response = client.post("/people/certificates/?kind=special_operation", {"number": "   "})
    assert response.status_code == 303 and response["Location"] == "/people/certificates/?kind=special_operation"
    assert "请填写完整的证书编号。" in client.get(response["Location"]).content.decode()
    plain = ledger(client, "number=T2024000999")
    body = plain.content.decode()
    assert plain.status_code == 200 and names(plain) == set() and "不能放在网址中查找" in body
    assert "T2024000999" not in body.split('id="filters"')[1] and "number=" not in plain.context["first_query"]
    assert client.get("/people/certificates/export/?number=T2024000999").status_code == 302
    for bad in ("abc", "A" * 64, "0" * 63, "0" * 65):
        response = ledger(client, f"number_index={bad}")
        assert names(response) == set() and "证书编号精确查找的条件无效" in response.content.decode(), bad
        assert client.get(f"/people/certificates/export/?number_index={bad}").status_code == 302
    strict = world.client("b1")
    strict.handler.enforce_csrf_checks = True
    assert strict.post("/people/certificates/", {"number": "T2024000999"}).status_code == 403


def test_htmx_gets_the_rows_and_the_pages_walk(world, certs, make_employee):
    rows = world.client("e1m").get("/people/certificates/", HTTP_HX_REQUEST="true")
    assert rows.status_code == 200 and b"<html" not in rows.content and b"certificate-table" in rows.content
    holder = make_employee(world.e1, name="批量")
    for n in range(50):
        c = Certificate(employee=holder, enterprise=world.e1, region_code=world.e1.region_code,
                        holder_index=holder.id_number_index, kind="special_operation", item_code="1.1",
                        issuer="局", issued_on=TODAY, valid_until=add_years(TODAY, 6), due_on=add_years(TODAY, 3),
                        review_due=add_years(TODAY, 3), due_kind="review")
        c.number = f"B{n:09d}"
        c.save()
    first = ledger(world.client("e1m"))
    assert len(first.context["page"].items) == 50 and first.context["next_query"]
    second = ledger(world.client("e1m"), first.context["next_query"])
    assert len(second.context["page"].items) == 2


def test_export_has_the_columns_and_no_plaintext_id(world, certs):
    response = world.client("e1m").get("/people/certificates/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    text = " ".join(str(v) for row in values for v in row if v is not None)
    assert "持证人" in text and "身份证号码" in text and "王电工" in text and "钱司机" in text and "孙焊工" not in text
    assert certs["number"] not in text and certs["number"][6:14] not in text
    assert certificates.display_number(certs["number"]) in text and "已过期" in text and "90天内到期" in text
    bad = world.client("e1m").get("/people/certificates/export/?due_from=bad")
    assert bad.status_code == 302


def test_detail_and_scope(world, certs):
    cert = certs["due"]
    page = world.client("e1m").get(f"/people/certificates/{cert.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "王电工" in body and "90天内到期" in body and certs["number"] not in body and "60日" in body
    assert 'data-testid="review-form"' in body and 'data-testid="revoke-form"' in body
    for key in ("e2", "b2", "d1"):
        assert world.client(key).get(f"/people/certificates/{cert.pk}/").status_code == 404
    assert world.client("e1m").get("/people/certificates/99999999999999999999/").status_code == 404
    assert world.client("e1m").get(f"/people/certificates/{certs['e2'].pk}/").status_code == 404


def test_readers_see_no_buttons_and_are_refused(world, certs):
    cert = certs["due"]
    for key in ("e1w", "g1"):
        client = world.client(key)
        body = client.get(f"/people/certificates/{cert.pk}/").content.decode()
        assert "review-form" not in body and "revoke-form" not in body and "edit-link" not in body
        response = client.post(f"/people/certificates/{cert.pk}/review/", {"reviewed_on": TODAY.isoformat(),
                                                                          "result": "passed"}, follow=True)
        assert response.status_code == 200 and "您不能维护" in response.content.decode()
        assert client.post(f"/people/certificates/{cert.pk}/revoke/", {"reason": "x"}).status_code == 302
        assert client.get(f"/people/certificates/{cert.pk}/edit/").status_code == 302
        assert client.get(f"/people/employees/{cert.employee_id}/certificates/new/").status_code == 302
    assert not CertificateReview.objects.exists()
    assert Certificate.objects.get(pk=cert.pk).state == "active"


def test_register_form(world, make_employee, certs):
    emp = make_employee(world.e1, name="新电工")
    url = f"/people/employees/{emp.pk}/certificates/new/"
    client = world.client("e1m")
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "<optgroup" in body and "1.2 低压电工作业" in body
    base = {"kind": "special_operation", "item_code": "1.2", "number": "T2024000555", "issuer": "嘉兴市应急管理局",
            "issued_on": (TODAY - datetime.timedelta(days=10)).isoformat()}
    for bad, message in [
        ({"item_code": "N1"}, "不是特种作业操作证的作业类别"),
        ({"issued_on": (TODAY + datetime.timedelta(days=2)).isoformat()}, "不能晚于今天"),
        ({"issued_on": "2024-02-30"}, "日期"),
        ({"number": "T2024000999"}, "另一人"),
        ({"number": id_number()}, "身份证号码"),
        ({"valid_until": add_years(TODAY, 7).isoformat()}, "有效期为6年"),
        ({"kind": "nope"}, "选择"),
        ({"issuer": ""}, "必填"),
    ]:
        response = client.post(url, {**base, **bad})
        assert response.status_code == 400, bad
        assert message in response.content.decode(), bad
    assert not Certificate.objects.filter(employee=emp).exists()
    done = client.post(url, base)
    cert = Certificate.objects.get(employee=emp)
    assert done.status_code == 302 and done["Location"] == f"/people/certificates/{cert.pk}/"
    # another enterprise's employee is not found
    other = make_employee(world.e2, name="外单位")
    assert client.get(f"/people/employees/{other.pk}/certificates/new/").status_code == 404
    assert client.post(f"/people/employees/{other.pk}/certificates/new/", base).status_code == 404


def test_review_and_revoke_forms(world, certs):
    cert = certs["due"]
    client = world.client("e1m")
    url = f"/people/certificates/{cert.pk}/"
    bad = client.post(url + "review/", {"reviewed_on": "bogus", "result": "passed"})
    assert bad.status_code == 400 and "review-form" in bad.content.decode()
    early = client.post(url + "review/", {"reviewed_on": (TODAY - datetime.timedelta(days=200)).isoformat(),
                                          "result": "passed"})
    assert early.status_code == 400 and "复审申请期" in early.content.decode()
    failed = client.post(url + "review/", {"reviewed_on": TODAY.isoformat(), "result": "failed"}, follow=True)
    assert failed.status_code == 200 and "复审不合格" in failed.content.decode()
    passed = client.post(url + "review/", {"reviewed_on": TODAY.isoformat(), "result": "passed"})
    assert passed.status_code == 302
    cert.refresh_from_db()
    assert cert.due_kind == "renewal"
    empty = client.post(url + "revoke/", {"reason": ""})
    assert empty.status_code == 400 and "revoke-form" in empty.content.decode()
    assert client.post(url + "revoke/", {"reason": "调离本单位"}).status_code == 302
    page = client.get(url).content.decode()
    assert "调离本单位" in page and "已注销" in page and "review-form" not in page
    again = client.post(url + "revoke/", {"reason": "再次"}, follow=True)
    assert "已注销" in again.content.decode()
    late = client.post(url + "review/", {"reviewed_on": TODAY.isoformat(), "result": "passed"})
    assert late.status_code == 400 and "已注销" in late.content.decode()
    assert client.get(url + "review/").status_code == 405


def test_edit_form(world, certs, make_employee):
    cert = certs["expired"]
    register(world, make_employee(world.e1, name="李司机"), kind="equipment_operator", item_code="N1",
             number="TS330481002")
    client = world.client("e1m")
    url = f"/people/certificates/{cert.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200 and 'value="TS330481001"' not in page.content.decode()
    base = {"item_code": "N1", "number": "", "issuer": "局", "issued_on": cert.issued_on.isoformat()}
    taken = client.post(url, {**base, "number": "ts330481002"})
    assert taken.status_code == 400 and "另一人" in taken.content.decode()
    wrong = client.post(url, {**base, "item_code": "1.1"})
    assert wrong.status_code == 400 and "不是特种设备安全管理和作业人员证的作业类别" in wrong.content.decode()
    done = client.post(url, {**base, "item_code": "N2", "issuer": "嘉兴市市场监管局", "valid_until": ""})
    assert done.status_code == 302
    cert.refresh_from_db()
    assert cert.item_code == "N2" and cert.issuer == "嘉兴市市场监管局" and cert.number == "TS330481001"
    assert world.client("e2").get(url).status_code == 404
