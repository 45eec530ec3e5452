"""The eight enforcement documents (执法文书) rendered to PDF in the familiar official layout.

The input is a plain dict (see :func:`sample_doc` for one of every type); this module imports no
model. Rendering is two steps: a Django template turns the dict into HTML (autoescaped — user text
is never marked safe), then WeasyPrint lays it out on A4. WeasyPrint gets a URL fetcher that
refuses every URL, so a document can never make the server fetch anything.

Dates and times are formatted here, in Python, before the template sees them, so the templates only
print strings: ``date`` → ``2026年12月1日``, aware ``datetime`` → local ``2026年12月1日 9时30分``,
``amount``/``total_fine`` ints → ``50,000元``, ``None`` → ``""``.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone

DOC_TEMPLATES: dict[str, str] = {
    "inspection_record": "enforcement/pdf/inspection_record.html",
    "rectification_order": "enforcement/pdf/rectification_order.html",
    "review_opinion": "enforcement/pdf/review_opinion.html",
    "onsite_measures": "enforcement/pdf/onsite_measures.html",
    "coercive_measures": "enforcement/pdf/coercive_measures.html",
    "penalty_notice": "enforcement/pdf/penalty_notice.html",
    "penalty_decision": "enforcement/pdf/penalty_decision.html",
    "referral": "enforcement/pdf/referral.html",
}

# Used when ``doc["type_name"]`` is empty.
TYPE_NAMES: dict[str, str] = {
    "inspection_record": "现场检查记录",
    "rectification_order": "责令限期整改指令书",
    "review_opinion": "整改复查意见书",
    "onsite_measures": "现场处理措施决定书",
    "coercive_measures": "强制措施决定书",
    "penalty_notice": "行政处罚告知书",
    "penalty_decision": "行政处罚决定书",
    "referral": "移送书",
}

NEXT_ACTIONS: dict[str, str] = {
    "penalty": "拟依法给予行政处罚",
    "suspend": "拟责令停产停业整顿",
    "referral": "拟移送司法机关",
}

# Who signs the line of enforcement officers printed above the seal (inspection_record has its
# own 检查人员 row; the penalty documents and the referral carry no officer line).
INSPECTOR_LABELS: dict[str, str] = {
    "rectification_order": "执法人员",
    "review_opinion": "复查人员",
    "onsite_measures": "执法人员",
    "coercive_measures": "执法人员",
}

# The 送达回执/签收 block: every document served on the party, and the referral (signed for by the
# receiving organ). The inspection record is signed in its own signature table instead.
RECEIPTS: dict[str, dict[str, str]] = {
    code: {"title": "送达回执", "party_label": "受送达人", "signer_label": "签收人（签名）"}
    for code in DOC_TEMPLATES
    if code not in ("inspection_record", "referral")
}
RECEIPTS["referral"] = {"title": "接收回执", "party_label": "接收单位", "signer_label": "接收人（签名）"}

AMOUNT_KEYS = frozenset({"amount", "total_fine"})
BLANK_DATE = "\u3000\u3000年\u3000月\u3000日"
BLANK_DATETIME = "\u3000\u3000年\u3000月\u3000日\u3000时\u3000分"


# --- formatting -------------------------------------------------------------------------------


def format_date(value: datetime.date | None) -> str:
    """``2026年12月1日``; ``""`` for None. A datetime is shown with its time."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    return f"{value.year}年{value.month}月{value.day}日"


def format_datetime(value: datetime.datetime | None) -> str:
    """Local time ``2026年12月1日 9时30分``; ``""`` for None."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日 {value.hour}时{value.minute:02d}分"


def format_time(value: datetime.datetime | None) -> str:
    """Local time of day ``11时20分``."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.hour}时{value.minute:02d}分"


def format_amount(value: int | None) -> str:
    """``50,000元``; ``""`` for None."""
    if value is None:
        return ""
    return f"{value:,}元"


_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Small counts in Chinese numerals as legal texts write them: 15 → 十五, 60 → 六十."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _display(value, key: str = ""):
    """Recursively turn the dict into printable values (dates, times, amounts, None)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    if isinstance(value, datetime.date):
        return format_date(value)
    if key in AMOUNT_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return format_amount(value)
    if isinstance(value, Mapping):
        return {k: _display(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_display(v) for v in value]
    return value


_SENTENCE_END = "。！？”」）)"
_PROSE_KEYS = (
    "facts",
    "evidence",
    "reason",
    "requirements",
    "opinion",
    "resume_condition",
    "summary",
    "statement_summary",
    "hearing_summary",
    "contact",
    "legal_basis",
)


def _sentence(text: str) -> str:
    """Free text as a full sentence: trimmed, ending in 。 unless it already ends a sentence."""
    text = (text or "").strip().rstrip("；;，,、：:")
    if text and not text.endswith(tuple(_SENTENCE_END)):
        text += "。"
    return text


def _clause(text: str) -> str:
    """Free text used inside a sentence: trimmed, without its closing punctuation."""
    return (text or "").strip().rstrip("。；;，,、：:.")


def _join_citations(values) -> str:
    """``《法》第九十七条第（三）项、第九十四条第一款``: unique, the law's name not repeated."""
    seen: list[str] = []
    for v in values:
        v = (v or "").strip()
        if v and v not in seen:
            seen.append(v)
    parts: list[str] = []
    previous_law = None
    for v in seen:
        law, sep, rest = v.partition("》")
        law = law + sep if sep and law.startswith("《") else None
        parts.append(rest if law and law == previous_law and rest else v)
        previous_law = law
    return "、".join(parts)


def _time_range(start: datetime.datetime | None, end: datetime.datetime | None) -> str:
    if not start:
        return format_datetime(end)
    if not end:
        return format_datetime(start)
    if timezone.is_aware(start):
        start = timezone.localtime(start)
    if timezone.is_aware(end):
        end = timezone.localtime(end)
    if start.date() == end.date():
        return f"{format_datetime(start)}至{format_time(end)}"
    return f"{format_datetime(start)}至{format_datetime(end)}"


def _context(doc: Mapping) -> dict:
    code = doc.get("type")
    body_raw = doc.get("body") or {}
    shown = _display(dict(doc))
    body = shown.get("body") or {}
    draft = bool(doc.get("draft")) or not doc.get("number")
    ctx = {
        "doc": shown,
        "doc_type": code,
        "title": doc.get("type_name") or TYPE_NAMES[code],
        "number_text": doc.get("number") or "（草稿）",
        "watermark": draft,
        "issued_on": format_date(doc.get("issued_on")) or BLANK_DATE,
        "enterprise": shown.get("enterprise") or {},
        "inspectors": [i for i in (shown.get("inspectors") or []) if i.get("name")],
        "inspectors_label": INSPECTOR_LABELS.get(code, ""),
        "service": shown.get("service") or None,
        "receipt": RECEIPTS.get(code),
        "blank_date": BLANK_DATE,
        "blank_datetime": BLANK_DATETIME,
        "body": body,
    }
    ctx["text"] = {k: _sentence(body_raw.get(k)) for k in _PROSE_KEYS if isinstance(body_raw.get(k), str)}
    ctx["clause"] = {k: _clause(body_raw.get(k)) for k in _PROSE_KEYS if isinstance(body_raw.get(k), str)}
    if code == "inspection_record":
        ctx.update(_inspection_context(shown, body_raw))
    if code == "review_opinion":
        ctx["next_action_text"] = NEXT_ACTIONS.get(body_raw.get("next_action") or "", "")
    if code in ("penalty_notice", "penalty_decision"):
        violations = body_raw.get("violations") or []
        ctx["penalty_basis_text"] = _join_citations(v.get("penalty_basis") for v in violations)
        amounts = [p.get("amount") for p in body_raw.get("penalties") or [] if p.get("amount")]
        total = body_raw.get("total_fine") if code == "penalty_decision" else None
        if total is None:
            total = sum(amounts)
        # The total is printed when it adds something: several fines (or a total that differs).
        ctx["total_fine"] = format_amount(total) if total and (len(amounts) > 1 or total != sum(amounts)) else ""
        ctx["has_fine"] = bool(amounts) or bool(total)
        days = body_raw.get("payment_deadline_days") or 15
        ctx["payment_days"] = chinese_number(days)
    if code == "referral":
        ctx["materials"] = [m for m in body.get("materials") or [] if m]
    return ctx


def _inspection_context(shown: dict, body_raw: Mapping) -> dict:
    body = shown.get("body") or {}
    enterprise = shown.get("enterprise") or {}
    officers = "、".join(
        i["name"] + (f"（执法证号：{i['credential_number']}）" if i.get("credential_number") else "")
        for i in shown.get("inspectors") or []
        if i.get("name")
    )
    # (label, value, wide): short fields are paired two to a row, wide ones take the whole row.
    fields = [
        ("检查编号", body.get("inspection_number"), False),
        ("检查方式", body.get("kind"), False),
        ("检查时间", _time_range(body_raw.get("started_at"), body_raw.get("ended_at")), True),
        ("检查地点", body.get("location"), True),
        ("检查人员", officers, True),
        ("被检查单位", enterprise.get("name"), True),
        ("地址", enterprise.get("address"), True),
        ("统一社会信用代码", enterprise.get("uscc"), False),
        ("法定代表人", enterprise.get("legal_representative"), False),
        ("现场负责人", enterprise.get("principal_name"), False),
        ("联系电话", enterprise.get("phone"), False),
        ("检查表", body.get("template_title"), True),
    ]
    rows: list[list[tuple[str, str]]] = []
    pending: list[tuple[str, str]] = []
    for label, value, wide in fields:
        if not value:
            continue
        if wide:
            if pending:
                rows.append(pending)
                pending = []
            rows.append([(label, value)])
        else:
            pending.append((label, value))
            if len(pending) == 2:
                rows.append(pending)
                pending = []
    if pending:
        rows.append(pending)

    checked, failed = body_raw.get("items_checked"), body_raw.get("items_failed")
    counts = ""
    if checked is not None:
        counts = f"本次共检查{checked}项"
        counts += f"，发现问题{failed}项。" if failed is not None else "。"

    signatures = []
    for sig in body.get("signatures") or []:
        refusal = ""
        if sig.get("refused"):
            parts = []
            if sig.get("refusal_reason"):
                parts.append(f"原因：{_clause(sig['refusal_reason'])}")
            if sig.get("witness_name"):
                parts.append(f"见证人：{sig['witness_name']}")
            refusal = "拒绝签字" + (f"（{'；'.join(parts)}）" if parts else "")
        signatures.append({**sig, "refusal": refusal})
    return {
        "record_rows": rows,
        "counts_text": counts,
        "signatures": signatures,
        "any_refused": any(s["refusal"] for s in signatures),
    }


# --- rendering --------------------------------------------------------------------------------


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher  # WeasyPrint is heavy: import it only when rendering.

    class RefusingURLFetcher(URLFetcher):
        """Fetches nothing: no network, no files, no data: URLs."""

        def fetch(self, url, headers=None):
            raise ValueError(f"enforcement PDFs load no external resources (refused {str(url)[:200]!r})")

    return RefusingURLFetcher


def url_fetcher():
    """The WeasyPrint URL fetcher used for every render; calling it with any URL raises ValueError."""
    return _fetcher_class()()


def render_html(doc: Mapping) -> str:
    """The HTML of the document (mainly for tests and debugging)."""
    code = doc.get("type") if isinstance(doc, Mapping) else None
    if code not in DOC_TEMPLATES:
        raise ValueError(f"unknown enforcement document type: {code!r}")
    return render_to_string(DOC_TEMPLATES[code], _context(doc))


def render_pdf(doc: dict) -> bytes:
    """Render one enforcement document dict to PDF bytes. Raises ValueError for an unknown type."""
    html = render_html(doc)
    import weasyprint

    return weasyprint.HTML(string=html, base_url=None, url_fetcher=url_fetcher()).write_pdf()


# --- sample data ------------------------------------------------------------------------------

_TZ = ZoneInfo("Asia/Shanghai")


def _at(month: int, day: int, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=_TZ)


_NUMBERS = {
    "inspection_record": "（海宁）应急检记〔2026〕35号",
    "rectification_order": "（海宁）应急责改〔2026〕12号",
    "review_opinion": "（海宁）应急复查〔2026〕9号",
    "onsite_measures": "（海宁）应急现决〔2026〕3号",
    "coercive_measures": "（海宁）应急强制〔2026〕2号",
    "penalty_notice": "（海宁）应急罚告〔2026〕21号",
    "penalty_decision": "（海宁）应急罚决〔2026〕21号",
    "referral": "（海宁）应急移〔2026〕1号",
}

_FINDINGS = [
    {
        "no": 1,
        "description": "有限空间作业未执行“先通风、再检测、后作业”的要求，作业前未进行气体检测。",
        "basis": "《工贸企业有限空间作业安全规定》第十四条",
    },
    {
        "no": 2,
        "description": "未按规定对新入职的12名从业人员进行安全生产教育和培训。",
        "basis": "《中华人民共和国安全生产法》第二十八条第一款",
    },
    {
        "no": 3,
        "description": "三号车间东侧安全出口被成品布卷堵塞。",
        "basis": "《中华人民共和国消防法》第二十八条",
    },
]

_VIOLATIONS = [
    {
        "title": "未按规定对从业人员进行安全生产教育和培训",
        "violated": "《中华人民共和国安全生产法》第二十八条第一款",
        "penalty_basis": "《中华人民共和国安全生产法》第九十七条第（三）项",
    },
    {
        "title": "主要负责人未组织制定并实施本单位安全生产教育和培训计划",
        "violated": "《中华人民共和国安全生产法》第二十一条第（三）项",
        "penalty_basis": "《中华人民共和国安全生产法》第九十四条第一款",
    },
]

_PENALTIES = [
    {"party": "unit", "party_name": "海宁市恒远纺织有限公司", "amount": 50000, "measures": ""},
    {"party": "person", "party_name": "王建国（主要负责人）", "amount": 20000, "measures": ""},
]

_FACTS = (
    "2026年11月18日，本机关执法人员对你单位进行现场检查时发现，你单位2026年9月至11月新入职的"
    "12名织造车间操作工未经安全生产教育和培训即上岗作业，你单位未能提供上述人员的培训记录和考核"
    "记录；你单位主要负责人王建国未组织制定2026年度安全生产教育和培训计划。"
)
_EVIDENCE = "现场检查记录1份、询问笔录3份、员工花名册及劳动合同复印件12份、现场照片6张、营业执照复印件1份"


def sample_doc(type_code: str) -> dict:
    """Realistic sample data for one document type (tests and the demo use it)."""
    if type_code not in DOC_TEMPLATES:
        raise ValueError(f"unknown enforcement document type: {type_code!r}")
    bodies = {
        "inspection_record": {
            "inspection_number": "JC-330481-2026-0035",
            "kind": "四不两直",
            "started_at": _at(11, 18, 9, 30),
            "ended_at": _at(11, 18, 11, 20),
            "location": "海宁市恒远纺织有限公司生产厂区（海昌街道双联路128号）",
            "template_title": "纺织企业安全生产检查表（2026版）",
            "items_checked": 24,
            "items_failed": 3,
            "findings": [
                {
                    "no": 1,
                    "requirement": "有限空间作业应当严格遵守“先通风、再检测、后作业”的要求",
                    "note": "污水池清淤作业前未进行气体检测，现场无检测记录",
                    "basis": "《工贸企业有限空间作业安全规定》第十四条",
                },
                {
                    "no": 2,
                    "requirement": "从业人员应当经安全生产教育和培训合格后上岗作业",
                    "note": "12名新入职操作工无培训记录",
                    "basis": "《中华人民共和国安全生产法》第二十八条第一款",
                },
                {
                    "no": 3,
                    "requirement": "安全出口、疏散通道应当保持畅通",
                    "note": "三号车间东侧安全出口被成品布卷堵塞",
                    "basis": "《中华人民共和国消防法》第二十八条",
                },
            ],
            "summary": "现场检查发现事故隐患3项，已当场责令立即清理三号车间安全出口，其余问题责令限期整改。",
            "signatures": [
                {
                    "role": "检查人员",
                    "name": "陈执法",
                    "signed_at": _at(11, 18, 11, 25),
                    "refused": False,
                    "refusal_reason": "",
                    "witness_name": "",
                },
                {
                    "role": "检查人员",
                    "name": "李安全",
                    "signed_at": _at(11, 18, 11, 25),
                    "refused": False,
                    "refusal_reason": "",
                    "witness_name": "",
                },
                {
                    "role": "被检查单位负责人",
                    "name": "王伟",
                    "signed_at": None,
                    "refused": True,
                    "refusal_reason": "对第1项检查结论有异议",
                    "witness_name": "赵明（海昌街道安监站）",
                },
            ],
            "content_hash": "3f9a1c0e5b7d24a6c8e1f0b2d4a6c8e0f1b3d5a7c9e1f3b5d7a9c1e3f5b7d9a1",
        },
        "rectification_order": {
            "findings": _FINDINGS,
            "deadline": datetime.date(2026, 12, 15),
            "legal_basis": "依据《中华人民共和国安全生产法》第六十五条第一款第（二）项、第（三）项的规定",
            "requirements": "整改期间应当采取有效的安全防范措施，防止事故发生；"
            "整改完成后，请于期限届满前将整改情况书面报告本机关。",
            "inspection_number": "JC-330481-2026-0035",
        },
        "review_opinion": {
            "order_number": "（海宁）应急责改〔2026〕12号",
            "order_date": datetime.date(2026, 11, 18),
            "review_date": datetime.date(2026, 12, 16),
            "results": [
                {
                    "no": 1,
                    "description": _FINDINGS[0]["description"],
                    "rectified": True,
                    "note": "已配备四合一气体检测仪，建立有限空间作业审批和检测记录",
                },
                {
                    "no": 2,
                    "description": _FINDINGS[1]["description"],
                    "rectified": False,
                    "note": "仅完成5人培训，其余7人仍在岗",
                },
                {"no": 3, "description": _FINDINGS[2]["description"], "rectified": True, "note": ""},
            ],
            "passed": False,
            "opinion": "你单位第1项、第3项问题已整改完毕；第2项问题未按期整改完毕，"
            "请立即安排未经培训人员离岗培训，经考核合格后方可上岗。",
            "next_action": "penalty",
        },
        "onsite_measures": {
            "findings": [
                {
                    "no": 1,
                    "description": "污水处理站调节池清淤作业现场未进行通风和气体检测，池内硫化氢浓度超标，"
                    "作业人员未佩戴呼吸防护用品。",
                    "basis": "《工贸企业有限空间作业安全规定》第十四条、第十六条",
                },
            ],
            "measures": ["责令从危险区域内撤出作业人员", "责令暂时停止污水处理站调节池清淤作业"],
            "legal_basis": "依据《中华人民共和国安全生产法》第六十五条第一款第（三）项的规定",
            "resume_condition": "重大事故隐患排除后，经本机关审查同意，方可恢复作业。",
        },
        "coercive_measures": {
            "measure": "查封",
            "reason": "你单位在三号仓库内违法储存危险化学品，储存场所不符合保障安全生产的国家标准，"
            "有根据认为存在发生火灾、爆炸事故的现实危险",
            "legal_basis": "依据《中华人民共和国安全生产法》第六十五条第一款第（四）项和"
            "《中华人民共和国行政强制法》第九条第（二）项的规定",
            "items": [
                {"name": "三号仓库", "spec": "单层钢结构，约420平方米", "quantity": "1处", "location": "厂区北侧"},
                {"name": "二甲苯", "spec": "200升镀锌铁桶", "quantity": "36桶", "location": "三号仓库"},
                {"name": "醋酸乙酯", "spec": "25千克塑料桶", "quantity": "80桶", "location": "三号仓库"},
            ],
            "start_date": datetime.date(2026, 12, 1),
            "end_date": datetime.date(2026, 12, 30),
            "period_days": 30,
        },
        "penalty_notice": {
            "case_number": "海应急立〔2026〕21号",
            "facts": _FACTS,
            "evidence": _EVIDENCE,
            "violations": _VIOLATIONS,
            "penalties": _PENALTIES,
            "statement_deadline": datetime.date(2026, 12, 4),
            "hearing_right": True,
            "hearing_deadline": datetime.date(2026, 12, 6),
            "contact": "海宁市应急管理局政策法规科（海宁市海昌南路365号），联系电话：0573-87281234",
        },
        "penalty_decision": {
            "case_number": "海应急立〔2026〕21号",
            "facts": _FACTS,
            "evidence": _EVIDENCE,
            "violations": _VIOLATIONS,
            "penalties": _PENALTIES,
            "total_fine": 70000,
            "statement_summary": "你单位于2026年12月3日提交书面陈述，称新入职人员已于检查后补办培训。经复核，"
            "补办培训属于事后整改行为，不影响违法事实的认定，但本机关在裁量时已予以考虑。",
            "hearing_summary": "",
            "payment_deadline_days": 15,
            "payment_place": "中国农业银行海宁市支行各营业网点",
            "review_body": "海宁市人民政府",
            "court": "海宁市人民法院",
        },
        "referral": {
            "receiver": "海宁市公安局",
            "case_number": "海应急立〔2026〕25号",
            "facts": "2026年11月20日，本机关依法责令该单位三号仓库立即停止使用并排除危险化学品违法储存的重大事故隐患。"
            "2026年12月1日复查发现，该单位拒不执行，仍在三号仓库储存二甲苯等危险化学品约11吨。",
            "reason": "该单位因存在重大事故隐患被依法责令停止使用有关场所而拒不执行，具有发生重大伤亡事故的现实危险",
            "crime_reference": {
                "citation": "《中华人民共和国刑法》第一百三十四条之一第（二）项",
                "text": "因存在重大事故隐患被依法责令停产停业、停止施工、停止使用有关设备、设施、场所或者立即采取"
                "排除危险的整改措施，而拒不执行的",
            },
            "materials": [
                "涉嫌犯罪案件移送书",
                "涉嫌犯罪案件调查报告",
                "现场检查记录及现场照片",
                "现场处理措施决定书及送达回执",
                "复查记录及询问笔录",
            ],
            "contact": "陈执法，联系电话：0573-87281234",
        },
    }
    inspectors = [
        {"name": "陈执法", "credential_number": "33040012345"},
        {"name": "李安全", "credential_number": "33040012346"},
    ]
    return {
        "type": type_code,
        "type_name": TYPE_NAMES[type_code],
        "authority_name": "海宁市应急管理局",
        "number": _NUMBERS[type_code],
        "draft": False,
        "issued_on": datetime.date(2026, 12, 1) if type_code != "inspection_record" else datetime.date(2026, 11, 18),
        "enterprise": {
            "name": "海宁市恒远纺织有限公司",
            "address": "浙江省嘉兴市海宁市海昌街道双联路128号",
            "uscc": "91330481MA2B7K3Q6T",
            "legal_representative": "王建国",
            "principal_name": "王伟",
            "phone": "0573-87012345",
        },
        "inspectors": inspectors,
        "service": {"served_at": _at(12, 1, 10, 15), "method": "直接送达", "recipient": "王伟", "note": ""},
        "body": bodies[type_code],
    }
