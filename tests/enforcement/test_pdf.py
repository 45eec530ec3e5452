"""The enforcement documents (执法文书) rendered to PDF: content, escaping, drafts, no fetching.

No database: the renderer takes a plain dict. Each sample type is rendered once per module.
"""

import datetime
import io
import logging
import socket

import pypdf
import pytest

from anjian.enforcement import pdf as enforcement_pdf
from anjian.enforcement.pdf import (
    DOC_TEMPLATES,
    chinese_number,
    format_amount,
    format_date,
    format_datetime,
    render_html,
    render_pdf,
    sample_doc,
    url_fetcher,
)

TYPES = list(DOC_TEMPLATES)

# A phrase (whitespace removed) that only the right type's wording produces.
PHRASES = {
    "inspection_record": [
        "检查时间2026年11月18日9时30分至11时20分",
        "检查人员陈执法（执法证号：33040012345）",
        "拒绝签字（原因：对第1项检查结论有异议；见证人：赵明（海昌街道安监站））",
        "记录摘要（SHA-256）：3f9a1c0e",
    ],
    "rectification_order": [
        "经查，你单位存在下列问题：",
        "依据《中华人民共和国安全生产法》第六十五条第一款第（二）项、第（三）项的规定，"
        "现责令你单位于2026年12月15日前整改完毕，达到有关法律法规规章和标准规定的要求。",
        "整改期限届满，本机关将对整改情况进行复查。",
        "但本指令不停止执行，法律另有规定的除外。",
    ],
    "review_opinion": [
        "本机关于2026年11月18日作出（海宁）应急责改〔2026〕12号责令限期整改指令书，"
        "于2026年12月16日对整改情况进行了复查，复查意见如下：",
        "未整改",
        "已整改",
        "拟依法给予行政处罚",
    ],
    "onsite_measures": ["责令从危险区域内撤出作业人员", "本机关决定采取下列现场处理措施："],
    "coercive_measures": [
        "查封清单",
        "二甲苯200升镀锌铁桶36桶三号仓库",
        "查封期限为30日（自2026年12月1日起至2026年12月30日止）",
        "或者在六个月内依法向人民法院提起行政诉讼。",
    ],
    "penalty_notice": [
        "本机关拟对你单位作出如下行政处罚：",
        "对海宁市恒远纺织有限公司处罚款50,000元",
        "你单位有权进行陈述和申辩。你单位可在2026年12月4日前",
        "你单位有要求听证的权利，可在2026年12月6日前向本机关提出听证申请；逾期不提出的，视为放弃听证权利。",
    ],
    "penalty_decision": [
        "被处罚单位：海宁市恒远纺织有限公司",
        "地址：浙江省嘉兴市海宁市海昌街道双联路128号",
        "依据《中华人民共和国安全生产法》第九十七条第（三）项、第九十四条第一款的规定，本机关决定",
        "以上罚款合计70,000元。",
        "十五日内",
        "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额。",
        "如不服本决定，可以在收到本决定书之日起六十日内向海宁市人民政府申请行政复议，"
        "或者在六个月内依法向海宁市人民法院提起行政诉讼，但本决定不停止执行，法律另有规定的除外。",
        "逾期不申请行政复议、不提起行政诉讼又不履行的，本机关将依法申请人民法院强制执行。",
    ],
    "referral": [
        "海宁市公安局：",
        "涉嫌触犯《中华人民共和国刑法》第一百三十四条之一第（二）项",
        "现将该案移送你单位依法处理。",
        "附：移送材料5份",
    ],
}


def pdf_text(pdf: bytes) -> str:
    """All pages' text with whitespace removed (line breaks fall anywhere in CJK text)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture(scope="module")
def rendered():
    out = {}
    for code in TYPES:
        pdf = render_pdf(sample_doc(code))
        out[code] = (pdf, pdf_text(pdf))
    return out


@pytest.mark.parametrize("code", TYPES)
def test_every_type_renders_title_number_party_and_wording(rendered, code):
    pdf, text = rendered[code]
    doc = sample_doc(code)
    assert pdf.startswith(b"%PDF")
    assert doc["authority_name"] in text
    assert doc["type_name"] in text
    assert doc["number"] in text
    assert doc["enterprise"]["name"] in text
    for phrase in PHRASES[code]:
        assert "".join(phrase.split()) in text, phrase


@pytest.mark.parametrize("code", TYPES)
def test_every_type_has_page_numbers_seal_and_date(rendered, code):
    pdf, text = rendered[code]
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert f"第1页共{pages}页" in text
    assert "（印章）" in text
    date = format_date(sample_doc(code)["issued_on"])
    assert "海宁市应急管理局" + date in text or date in text
    assert "None" not in text
    assert "草稿" not in text


@pytest.mark.parametrize("code", [c for c in TYPES if c != "inspection_record"])
def test_served_documents_carry_a_receipt(rendered, code):
    text = rendered[code][1]
    assert "送达回执" in text or "接收回执" in text
    assert "2026年12月1日10时15分" in text
    assert "直接送达" in text


def test_remedy_wording_differs_between_order_and_coercive_measures(rendered):
    assert "不停止执行" not in rendered["coercive_measures"][1]
    assert "本指令不停止执行" in rendered["rectification_order"][1]


def test_unnumbered_draft_prints_draft_and_watermark():
    doc = sample_doc("rectification_order")
    doc["number"] = ""
    html = render_html(doc)
    assert 'class="watermark"' in html
    text = pdf_text(render_pdf(doc))
    assert "（草稿）" in text
    assert text.count("草稿") >= 2  # the number's place and the watermark


def test_numbered_draft_keeps_number_and_gets_watermark():
    doc = sample_doc("penalty_notice")
    doc["draft"] = True
    html = render_html(doc)
    assert 'class="watermark"' in html
    assert doc["number"] in html
    assert "（草稿）" not in html


def test_final_document_has_no_watermark():
    assert 'class="watermark"' not in render_html(sample_doc("penalty_notice"))


def test_user_text_is_escaped_and_shown_literally():
    doc = sample_doc("onsite_measures")
    doc["enterprise"]["name"] = "<script>alert(1)</script>"
    doc["body"]["legal_basis"] = '<img src="http://example.com/x.png">'
    html = render_html(doc)
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = pdf_text(render_pdf(doc))
    assert "<script>alert(1)</script>：" in text
    assert '<imgsrc="http://example.com/x.png">' in text


def test_empty_optional_fields_leave_no_stray_labels():
    doc = sample_doc("rectification_order")
    doc["inspectors"] = []
    doc["service"] = None
    doc["issued_on"] = None
    doc["body"].update(requirements="", inspection_number="")
    for finding in doc["body"]["findings"]:
        finding["basis"] = ""
    text = pdf_text(render_pdf(doc))
    assert "None" not in text
    assert "依据：" not in text
    assert "执法人员：" not in text
    assert "检查记录编号" not in text
    assert "年月日" in text  # blank date to be filled in by hand above the seal
    assert "年月日时分" in text  # blank receipt time


def test_inspection_record_without_findings_says_no_problem():
    doc = sample_doc("inspection_record")
    doc["body"].update(findings=[], items_failed=0, summary="", content_hash="")
    text = pdf_text(render_pdf(doc))
    assert "未发现问题" in text
    assert "记录摘要" not in text


def test_penalty_notice_without_hearing_right():
    doc = sample_doc("penalty_notice")
    doc["body"].update(hearing_right=False, hearing_deadline=None)
    html = render_html(doc)
    assert "听证" not in html
    assert "你单位有权进行陈述和申辩" in html


def test_review_opinion_passed_without_next_action():
    doc = sample_doc("review_opinion")
    doc["body"].update(passed=True, next_action="", results=[{"no": 1, "description": "x", "rectified": True}])
    html = render_html(doc)
    assert "已按要求完成整改" in html
    assert "拟依法" not in html


def test_unknown_type_raises_value_error():
    doc = sample_doc("referral")
    doc["type"] = "warrant"
    with pytest.raises(ValueError):
        render_pdf(doc)
    with pytest.raises(ValueError):
        sample_doc("warrant")


def test_url_fetcher_refuses_every_url():
    fetcher = url_fetcher()
    for url in ("http://example.com/x.png", "https://example.com/a.css", "file:///etc/passwd", "data:,x"):
        with pytest.raises(ValueError):
            fetcher(url)


def test_render_pdf_uses_the_refusing_fetcher(monkeypatch):
    import weasyprint

    calls = []
    real_html = weasyprint.HTML

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real_html(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    render_pdf(sample_doc("referral"))
    assert calls and calls[0]["base_url"] is None
    assert isinstance(calls[0]["url_fetcher"], enforcement_pdf._fetcher_class())


def test_refusing_fetcher_stops_weasyprint_fetching(monkeypatch, caplog):
    """Even raw HTML with an image makes no connection: WeasyPrint logs the refusal and goes on."""
    import weasyprint

    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = weasyprint.HTML(string='<img src="http://example.com/x.png">', url_fetcher=url_fetcher()).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert "refused" in caplog.text


def test_formatting_helpers(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    assert format_date(datetime.date(2026, 12, 1)) == "2026年12月1日"
    aware = datetime.datetime(2026, 12, 1, 1, 30, tzinfo=datetime.UTC)
    assert format_datetime(aware) == "2026年12月1日 9时30分"
    assert format_datetime(None) == ""
    assert format_amount(50000) == "50,000元"
    assert format_amount(None) == ""
    assert chinese_number(15) == "十五"
    assert chinese_number(60) == "六十"
    assert chinese_number(3) == "三"
