"""Every write of the enforcement app, in one place to import from. The services live in the module of
their aggregate (split to keep each module readable):

* ``documents``      — save a draft, approve (number, hash), serve, execute, close, withdraw;
* ``drafts``         — draft each document type from its source, edit a draft;
* ``case_documents`` — the penalty notice and decision drafted from a case;
* ``cases``          — open a case, its items, statement, waiver, hearing, payment, execution, close;
* ``penalties``      — the fine check of an item (read-only);
* ``clocks``         — the procedure clocks of a case and what still blocks a decision (read-only).
"""

from anjian.enforcement.case_documents import decision_draft, notice_draft
from anjian.enforcement.cases import (
    ProcedureError,
    case_close,
    case_execute,
    case_open,
    case_pay,
    case_update,
    hearing_hold,
    hearing_request,
    hearing_schedule,
    item_add,
    item_delete,
    item_update,
    rights_waive,
    statement_record,
)
from anjian.enforcement.clocks import CaseClock, case_clocks, decision_blockers, surcharge
from anjian.enforcement.documents import (
    document_approve,
    document_close,
    document_execute,
    document_hash,
    document_intact,
    document_serve,
    document_void,
    document_withdraw,
)
from anjian.enforcement.drafts import (
    coercive_measures_draft,
    document_update,
    inspection_record_draft,
    onsite_measures_draft,
    rectification_order_draft,
    referral_draft,
    review_opinion_draft,
)
from anjian.enforcement.penalties import check_item, fine_range_text

__all__ = [
    "CaseClock",
    "ProcedureError",
    "case_clocks",
    "case_close",
    "case_execute",
    "case_open",
    "case_pay",
    "case_update",
    "check_item",
    "coercive_measures_draft",
    "decision_blockers",
    "decision_draft",
    "document_approve",
    "document_close",
    "document_execute",
    "document_hash",
    "document_intact",
    "document_serve",
    "document_update",
    "document_void",
    "document_withdraw",
    "fine_range_text",
    "hearing_hold",
    "hearing_request",
    "hearing_schedule",
    "inspection_record_draft",
    "item_add",
    "item_delete",
    "item_update",
    "notice_draft",
    "onsite_measures_draft",
    "rectification_order_draft",
    "referral_draft",
    "review_opinion_draft",
    "rights_waive",
    "statement_record",
    "surcharge",
]
