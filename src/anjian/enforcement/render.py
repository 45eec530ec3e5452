"""From a document row to the dict the PDF renderer takes (``anjian.enforcement.pdf.render_pdf``), and the
PDF response. The content is stored as JSON (dates as ISO strings); here they become dates again."""

import datetime
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone, translation

from anjian.enforcement.choices import DocState, ServiceMethod
from anjian.enforcement.common import DOCUMENT_LANGUAGE
from anjian.enforcement.models import EnforcementDocument
from anjian.rules import doc_numbers

DATE_KEYS = frozenset(
    {"deadline", "order_date", "review_date", "start_date", "end_date", "statement_deadline", "hearing_deadline"}
)
DATETIME_KEYS = frozenset({"started_at", "ended_at", "signed_at"})


def _revive(value, key: str = ""):
    if isinstance(value, dict):
        return {k: _revive(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive(v) for v in value]
    if isinstance(value, str) and value:
        try:
            if key in DATE_KEYS:
                return datetime.date.fromisoformat(value[:10])
            if key in DATETIME_KEYS:
                parsed = datetime.datetime.fromisoformat(value)
                return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
        except ValueError:
            return value
    return value


def type_name(doc_type: str) -> str:
    return doc_numbers.doc_type(doc_type).name


def document_dict(document: EnforcementDocument) -> dict:
    """The PDF contract: type, names, number ("" for a draft), the party and officers as printed, the
    service (or None) and the type's body."""
    service = None
    if document.served_at:
        with translation.override(DOCUMENT_LANGUAGE):
            method = str(ServiceMethod(document.service_method).label) if document.service_method else ""
        service = {
            "served_at": document.served_at, "method": method, "recipient": document.recipient,
            "note": document.service_note,
        }
    draft = document.state in (DocState.DRAFT, DocState.WITHDRAWN, DocState.VOIDED)
    return {
        "type": document.doc_type,
        "type_name": type_name(document.doc_type),
        "authority_name": document.authority.name,
        "number": "" if draft else document.number,
        "draft": draft,
        "issued_on": document.issued_on,
        "enterprise": dict(document.party),
        "inspectors": [dict(i) for i in document.inspectors],
        "service": service,
        "body": _revive(document.content),
    }


def pdf_filename(document: EnforcementDocument) -> str:
    if document.number and document.state not in (DocState.DRAFT, DocState.WITHDRAWN, DocState.VOIDED):
        return f"{document.number}.pdf"
    return f"{type_name(document.doc_type)}（草稿{document.pk}）.pdf"


def pdf_response(document: EnforcementDocument) -> HttpResponse:
    from anjian.enforcement.pdf import render_pdf  # WeasyPrint is heavy: load it when a PDF is asked for

    response = HttpResponse(render_pdf(document_dict(document)), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(pdf_filename(document))}"
    response["Cache-Control"] = "private, no-store"
    return response
