"""The accident investigation, from the team's forming to the case's close (条例 第十九条 to 第三十四条), with the
accountability decided on the reply, the corrective measures (optionally tracked as hazards), the supervision
listing (挂牌督办) by a higher level, and the closure under the four not-let-go (四不放过).

Every function checks permission, validates, writes in one transaction, logs the event and tells whom it must.

Decisions where the issue and the 条例 are silent (the platform's, not the statute's):

* Who acts on the investigation: a supervisor (应急管理部门 or a department with supervision duties) whose
  authority is at the investigating level or above (第十九条, 第二十条). Penalties, corrective measures and a near
  miss's closure may be recorded by any supervisor whose jurisdiction holds the accident (第三十二条第二款, 第三十三条
  第二款: the departments that impose penalties and supervise the measures are not only the investigating level's).
* A higher level that opens the investigation takes it over (第二十条): the investigation's level is then the
  actor's level. A re-grade after opening (续报) that raises the investigating level is shown as a warning
  (``level_changed``); the team is not dissolved (第二十条第二款 says the higher government *may* form another one).
* The deadline may be extended once (the model keeps one extension; 第二十九条 limits the total to 60 days).
* Technical appraisal (第二十七条): one open pause at a time, pauses may not overlap and must start inside the
  investigation period; the report cannot be submitted while one is open, nor without a team leader (第二十四条).
* Closing an accident needs every 四不放过 item evidenced, at least one accountability record (a case in which
  nobody is found liable records that finding as a 「其他处理」 row with its note, so the closure always points to a
  decision), every corrective measure carried out (a measure tracked as a hazard: when the hazard is closed) and no
  open listing. Publication (第三十四条) is shown when missing but does not block the close (it may be withheld
  when 依法应当保密).
* A corrective measure tracked as a hazard whose hazard was found not to be a hazard (不属于隐患) may be completed by
  hand with a note.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents import common
from anjian.accidents.choices import (
    ALLOWED_IN,
    TRANSITIONS,
    AccidentKind,
    AccidentState,
    Action,
    ListingLevel,
    MeasureState,
    MemberRole,
    PenaltyMeasure,
    PenaltyTarget,
)
from anjian.accidents.models import (
    Accident,
    AppraisalPause,
    CorrectiveMeasure,
    Investigation,
    InvestigationListing,
    Penalty,
    TeamMember,
)
from anjian.accounts.roles import ENTERPRISE_ROLES
from anjian.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from anjian.hazards.choices import HazardCategory, HazardRoute, HazardState
from anjian.rules import accidents as rules
from anjian.rules import violations

MAX_TEXT = 20000  # one part of the report
MAX_NOTE = 5000
MAX_EVIDENCE = 2000
# Amounts in 元 (fines, incomes): far above any real one, and inside the bigint columns on every database.
MAX_YUAN = 10**13

# ListingLevel ↔ the reporting level it stands for (common.LEVEL_ORDER).
LISTING_LEVEL_OF = {"city": ListingLevel.CITY, "province": ListingLevel.PROVINCE, "state_council": ListingLevel.STATE}
LEVEL_OF_LISTING = {v: k for k, v in LISTING_LEVEL_OF.items()}


class ReportIncompleteError(ServiceError):
    """The report lacks some of the six parts of 第三十条 (``extra["missing"]`` the field names)."""

    code = "report_incomplete"
    status = 400


class FineOutOfRangeError(ServiceError):
    """A fine outside its article's range (``extra["range"]`` in 元, ``extra["field"]`` the amount field)."""

    code = "fine_out_of_range"
    status = 400


class ClosureBlockedError(ServiceError):
    """A 四不放过 item without evidence (``extra["blockers"]`` the codes of ``rules.FOUR_NOT_LET_GO``)."""

    code = "four_not_let_go"
    status = 400


# --- small helpers ----------------------------------------------------------------------------------------------


def occurred_on(accident: Accident) -> datetime.date:
    return timezone.localtime(accident.occurred_at).date()


def level_label(level: str) -> str:
    return rules.INVESTIGATION_LEVEL_LABELS.get(level, level or "")


def part_label(field: str) -> str:
    return common.label(field, Investigation)


def _level_ok(actor, level: str) -> bool:
    return common.is_system(actor) or common.level_at_least(common.actor_level(actor), level)


def _is_supervisor(actor) -> bool:
    return common.is_system(actor) or getattr(actor, "role", None) in common.SUPERVISORS


def state_allows(accident: Accident, action: str) -> bool:
    sources = TRANSITIONS[action][0] if action in TRANSITIONS else ALLOWED_IN[action]
    return accident.state in sources


def _date(value, field: str, errors: dict, *, label: str, required: bool = True, not_before=None,
          not_before_label: str = "", future_ok: bool = False) -> datetime.date | None:
    if value in (None, ""):
        if required:
            errors[field] = ValidationError(_("请填写{label}。").format(label=label), code="required")
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    elif isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.date):
        errors[field] = ValidationError(_("{label}格式不正确。").format(label=label), code="invalid")
        return None
    if not future_ok and value > common.today():
        errors[field] = ValidationError(_("{label}不能晚于今天。").format(label=label), code="future")
        return None
    if not_before is not None and value < not_before:
        errors[field] = ValidationError(
            _("{label}不能早于{other}（{date}）。").format(
                label=label, other=not_before_label, date=not_before.isoformat()
            ),
            code="order",
        )
        return None
    return value


def _text(value, field: str, errors: dict, *, label: str, required: bool = True, max_length: int = 200) -> str:
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors[field] = ValidationError(_("请填写{label}。").format(label=label), code="required")
    elif len(value) > max_length:
        errors[field] = ValidationError(_("{label}不超过{n}字。").format(label=label, n=max_length), code="max_length")
    return value


def _int(value, field: str, errors: dict, *, label: str, required: bool = True, low: int = 0,
         high: int | None = None) -> int | None:
    if value in (None, ""):
        if required:
            errors[field] = ValidationError(_("请填写{label}。").format(label=label), code="required")
        return None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    else:
        text = str(value).strip().replace(",", "")
        digits = text[1:] if text.startswith("-") else text
        # ASCII only: "²".isdigit() is True but int("²") fails; 4300+ digits exceed int()'s limit.
        number = int(text) if digits.isascii() and digits.isdigit() and len(digits) <= 30 else None
    if number is None:
        errors[field] = ValidationError(_("{label}须为整数。").format(label=label), code="invalid")
        return None
    if number < low or (high is not None and number > high):
        message = (
            _("{label}应为{low}至{high}。").format(label=label, low=low, high=high)
            if high is not None
            else _("{label}不能小于{low}。").format(label=label, low=low)
        )
        errors[field] = ValidationError(message, code="out_of_range")
        return None
    return number


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _actor_user(actor):
    return None if common.is_system(actor) else actor


def _notify(recipients, accident: Accident, kind: str, title: str, body: str = "", actor=None) -> None:
    users = {u.pk: u for u in recipients if u is not None}
    if actor is not None and not common.is_system(actor):
        users.pop(actor.pk, None)
    if not users:
        return
    message = common.message(accident, kind, title, body)
    ids = sorted(users)
    transaction.on_commit(lambda: common.notify.notify(ids, message))


def _investigation(accident: Accident) -> Investigation:
    inv = Investigation.objects.filter(accident=accident).first()
    if inv is None:
        raise ConflictError(
            _("该事故尚未成立调查组。"), code="no_investigation", extra={"current_state": accident.state}
        )
    inv.accident = accident
    return inv


def _refuse_near_miss(accident: Accident) -> None:
    if accident.kind == AccidentKind.NEAR_MISS:
        raise ConflictError(
            _("较大涉险事故不由人民政府组织事故调查组调查，可直接结案。"),
            code="near_miss_not_investigated",
            extra={"current_state": accident.state},
        )


def _require_level(actor, level: str, what: str) -> None:
    """A supervisor at ``level`` or above (第十九条; 第二十条: a higher level may take it over)."""
    common.require_supervisor(actor)
    if not _level_ok(actor, level):
        raise PermissionDeniedError(
            _("本事故由{authority}负责调查，只有该级或上级人民政府的有关部门可以{what}。").format(
                authority=level_label(level), what=what
            )
        )


def paused_days(investigation: Investigation) -> int:
    return sum(p.days for p in investigation.pauses.all() if p.ended_on is not None)


def _recompute_deadline(inv: Investigation) -> None:
    inv.deadline = rules.investigation_deadline(
        occurred_on(inv.accident), extended_days=inv.extension_days, paused_days=paused_days(inv)
    )


def level_changed(accident: Accident, investigation: Investigation | None) -> bool:
    """A re-grade after the team was formed made a higher level responsible (第二十条第二款)."""
    if investigation is None or not accident.investigating_level:
        return False
    return not common.level_at_least(investigation.level, accident.investigating_level)


# --- who may (the pages use these to show forms) ----------------------------------------------------------------


def can_open(user, accident: Accident) -> bool:
    return (
        accident.kind == AccidentKind.ACCIDENT
        and accident.state == AccidentState.REPORTED
        and _is_supervisor(user)
        and bool(accident.investigating_level)
        and _level_ok(user, accident.investigating_level)
    )


def report_withheld(user, accident: Accident) -> bool:
    """Whether the six parts of the report are withheld from ``user``: until the reply they are the investigation
    team's drafts and findings (第二十八条: 保守事故调查的秘密), so the unit's own users see them from the reply on."""
    if common.is_system(user):
        return False
    return getattr(user, "role", None) in ENTERPRISE_ROLES and accident.state in (
        AccidentState.INVESTIGATING, AccidentState.REPORT_SUBMITTED
    )


def can_investigate(user, investigation: Investigation | None) -> bool:
    return investigation is not None and _is_supervisor(user) and _level_ok(user, investigation.level)


def can_follow_up(user) -> bool:
    """Penalties and corrective measures: any supervisor in scope."""
    return _is_supervisor(user)


def listing_level_for(user) -> str | None:
    """The ListingLevel the user's authority lists at (city or province), or None."""
    if common.is_system(user) or getattr(user, "role", None) not in common.SUPERVISORS:
        return None
    return LISTING_LEVEL_OF.get(common.actor_level(user) or "")


def _investigated_level(accident: Accident, investigation: Investigation | None) -> str:
    return investigation.level if investigation is not None else accident.investigating_level


def can_list(user, accident: Accident, investigation: Investigation | None) -> bool:
    level = listing_level_for(user)
    base = _investigated_level(accident, investigation)
    return (
        accident.kind == AccidentKind.ACCIDENT
        and level is not None
        and bool(base)
        and common.LEVEL_ORDER.index(LEVEL_OF_LISTING[level]) > common.LEVEL_ORDER.index(base)
        and state_allows(accident, Action.LIST)
        and not accident.listed
    )


def can_lift(user, listing: InvestigationListing | None) -> bool:
    if listing is None or listing.lifted_at is not None:
        return False
    if common.is_system(user):
        return True
    level = listing_level_for(user)
    return level is not None and common.level_at_least(LEVEL_OF_LISTING[level], LEVEL_OF_LISTING[listing.level])


def can_close(user, accident: Accident, investigation: Investigation | None) -> bool:
    if accident.kind == AccidentKind.NEAR_MISS:
        return _is_supervisor(user) and accident.state == AccidentState.REPORTED
    return accident.state == AccidentState.REPLIED and can_investigate(user, investigation)


# --- the team ---------------------------------------------------------------------------------------------------


def _clean_member(data: dict, errors: dict, prefix: str = "") -> dict:
    role = str(data.get("role") or "")
    if role not in MemberRole.values:
        errors[f"{prefix}role"] = ValidationError(_("请选择组内职务。"), code="invalid_choice")
    return {
        "role": role,
        "name": _text(data.get("name"), f"{prefix}name", errors, label=_("姓名"), max_length=50),
        "organisation": _text(data.get("organisation"), f"{prefix}organisation", errors, label=_("单位"),
                              max_length=100),
        "position": _text(data.get("position"), f"{prefix}position", errors, label=_("职务"), required=False,
                          max_length=100),
    }


def open_investigation(
    *, actor, accident: Accident, team_name: str, formed_on, entrusted_to_unit: bool = False, members=(),
    organised_by=None,
) -> Investigation:
    """Form the investigation team (第十九条 — 第二十四条). ``members``: dicts with role, name, organisation,
    position. ``organised_by`` (an Authority) is needed only for a system actor; a user organises for their own
    authority. Entrusting the unit (第十九条第三款) only for an ordinary accident without casualties."""
    common.visible(actor, accident)
    common.require_supervisor(actor, _("只有应急管理部门和负有安全生产监督管理职责的部门可以组织事故调查。"))
    _refuse_near_miss(accident)
    errors: dict = {}
    team_name = _text(team_name, "team_name", errors, label=_("事故调查组名称"), max_length=200)
    entrusted = bool(entrusted_to_unit)
    cleaned = []
    members = list(members or ())
    for i, member in enumerate(members):
        sub: dict = {}
        row = _clean_member(member if isinstance(member, dict) else {}, sub)
        for err in sub.values():
            errors.setdefault("members", []).append(
                ValidationError(_("第{n}名成员：{msg}").format(n=i + 1, msg=" ".join(err.messages)), code=err.code)
            )
        cleaned.append(row)
    if sum(1 for m in cleaned if m["role"] == MemberRole.LEADER) > 1:
        errors.setdefault("members", []).append(ValidationError(_("调查组只能有一名组长。"), code="leader_exists"))
    if common.is_system(actor):
        if organised_by is None:
            raise ValidationError({"organised_by": ValidationError(_("请选择组织调查的机关。"), code="required")})
        authority = organised_by
    else:
        authority = actor.authority
    with transaction.atomic():
        accident = common.lock(accident)
        _refuse_near_miss(accident)
        target = common.check_state(accident, Action.OPEN_INVESTIGATION)
        level = accident.investigating_level
        _require_level(actor, level, _("组织事故调查"))
        own = common.actor_level(actor) if not common.is_system(actor) else None
        taken_over = own is not None and own != level
        formed = _date(formed_on, "formed_on", errors, label=_("调查组成立日期"), not_before=occurred_on(accident),
                       not_before_label=_("事故发生日期"))
        if entrusted:
            casualties = accident.deaths + accident.missing + accident.serious_injuries + accident.minor_injuries
            if accident.grade != rules.AccidentGrade.ORDINARY.value or casualties:
                errors["entrusted_to_unit"] = ValidationError(
                    _("只有未造成人员伤亡的一般事故，县级人民政府才可以委托事故发生单位组织事故调查组进行调查"
                      "（条例第十九条第三款）。"),
                    code="entrust_not_allowed",
                )
            elif own not in (None, "county"):
                errors["entrusted_to_unit"] = ValidationError(
                    _("委托事故发生单位调查由县级人民政府决定（条例第十九条第三款）。"), code="entrust_not_allowed"
                )
        _raise(errors)
        inv = Investigation(
            accident=accident,
            level=own if taken_over else level,
            team_name=team_name,
            organised_by=authority,
            entrusted_to_unit=entrusted,
            formed_on=formed,
            deadline=rules.investigation_deadline(occurred_on(accident), extended_days=0, paused_days=0),
        )
        inv.save(force_insert=True)
        TeamMember.objects.bulk_create(TeamMember(investigation=inv, **m) for m in cleaned)
        common.move(
            accident, actor, Action.OPEN_INVESTIGATION, target,
            data={"team_name": team_name, "level": inv.level, "taken_over": taken_over, "entrusted": entrusted,
                  "formed_on": formed, "deadline": inv.deadline, "members": len(cleaned)},
        )
        title = _("事故调查组已成立：{number}（{team}）").format(number=accident.number, team=team_name)
        body = _("调查报告提交期限：{date}").format(date=inv.deadline.isoformat())
        recipients = [*common.enterprise_managers(accident.enterprise_id),
                      *common.officers_over(accident, level=inv.level)]
        _notify(recipients, accident, "accident.investigation_opened", title, body, actor)
    return inv


def _editable(actor, accident: Accident, action: str, what: str) -> tuple[Accident, Investigation]:
    """Lock, check the state, load the investigation and the actor's level (inside a transaction)."""
    accident = common.lock(accident)
    _refuse_near_miss(accident)
    common.check_state(accident, action)
    inv = _investigation(accident)
    _require_level(actor, inv.level, what)
    return accident, inv


def add_member(*, actor, accident: Accident, role: str, name: str, organisation: str, position: str = "") -> TeamMember:
    common.visible(actor, accident)
    common.require_supervisor(actor)
    errors: dict = {}
    clean = _clean_member({"role": role, "name": name, "organisation": organisation, "position": position}, errors)
    _raise(errors)
    with transaction.atomic():
        accident, inv = _editable(actor, accident, Action.EDIT_INVESTIGATION, _("维护调查组"))
        if clean["role"] == MemberRole.LEADER and inv.members.filter(role=MemberRole.LEADER).exists():
            raise ValidationError({"role": ValidationError(_("调查组已有组长（条例第二十四条：组长由负责事故调查的"
                                                             "人民政府指定）。"), code="leader_exists")})
        member = TeamMember.objects.create(investigation=inv, **clean)
        common.event(accident, actor, Action.EDIT_INVESTIGATION, data={"member_added": clean})
    return member


def remove_member(*, actor, accident: Accident, member) -> None:
    common.visible(actor, accident)
    common.require_supervisor(actor)
    member_id = getattr(member, "pk", member)
    with transaction.atomic():
        accident, inv = _editable(actor, accident, Action.EDIT_INVESTIGATION, _("维护调查组"))
        row = inv.members.filter(pk=member_id).first()
        if row is None:
            raise NotFoundError(_("未找到该调查组成员。"))
        data = {"role": row.role, "name": row.name, "organisation": row.organisation}
        row.delete()
        common.event(accident, actor, Action.EDIT_INVESTIGATION, data={"member_removed": data})


# --- the deadline clock -----------------------------------------------------------------------------------------


def extend_investigation(*, actor, accident: Accident, days, reason: str, approved_by: str) -> Investigation:
    """第二十九条: an extension approved by the investigating government, at most 60 days (once on this platform)."""
    common.visible(actor, accident)
    common.require_supervisor(actor)
    errors: dict = {}
    days = _int(days, "days", errors, label=_("延长天数"), low=1, high=rules.INVESTIGATION_MAX_EXTENSION)
    reason = _text(reason, "reason", errors, label=_("延长理由"), max_length=MAX_NOTE)
    approved_by = _text(approved_by, "approved_by", errors, label=_("批准延长的人民政府"), max_length=100)
    _raise(errors)
    with transaction.atomic():
        accident, inv = _editable(actor, accident, Action.EXTEND, _("延长调查期限"))
        if inv.extension_days:
            raise ConflictError(
                _("调查期限已延长过{n}日，不能再次延长（延长期限最长不超过60日）。").format(n=inv.extension_days),
                code="already_extended",
                extra={"current_state": accident.state},
            )
        before = inv.deadline
        inv.extension_days, inv.extension_reason, inv.extension_approved_by = days, reason, approved_by
        _recompute_deadline(inv)
        inv.save(update_fields=["extension_days", "extension_reason", "extension_approved_by", "deadline",
                                "updated_at"])
        common.event(accident, actor, Action.EXTEND, note=reason,
                     data={"days": days, "approved_by": approved_by, "from": before, "to": inv.deadline})
    return inv


def start_appraisal(*, actor, accident: Accident, reason: str, started_on) -> AppraisalPause:
    """第二十七条: technical appraisal begins; its time is not counted in the investigation period."""
    common.visible(actor, accident)
    common.require_supervisor(actor)
    errors: dict = {}
    reason = _text(reason, "reason", errors, label=_("鉴定事项"), max_length=200)
    with transaction.atomic():
        accident, inv = _editable(actor, accident, Action.PAUSE, _("登记技术鉴定"))
        pauses = list(inv.pauses.all())
        if any(p.ended_on is None for p in pauses):
            raise ConflictError(_("已有进行中的技术鉴定，请先登记其结束。"), code="appraisal_open",
                                extra={"current_state": accident.state})
        last_end = max((p.ended_on for p in pauses), default=None)
        start = _date(started_on, "started_on", errors, label=_("鉴定开始日期"),
                      not_before=last_end or inv.formed_on,
                      not_before_label=_("上一次技术鉴定结束日期") if last_end else _("调查组成立日期"))
        if start is not None and start > inv.deadline:
            errors["started_on"] = ValidationError(
                _("技术鉴定须在调查期限（{date}）内开始。").format(date=inv.deadline.isoformat()),
                code="after_deadline",
            )
        _raise(errors)
        pause = AppraisalPause.objects.create(investigation=inv, reason=reason, started_on=start)
        common.event(accident, actor, Action.PAUSE, note=reason, data={"started_on": start})
    return pause


def end_appraisal(*, actor, accident: Accident, ended_on) -> AppraisalPause:
    common.visible(actor, accident)
    common.require_supervisor(actor)
    errors: dict = {}
    with transaction.atomic():
        accident, inv = _editable(actor, accident, Action.RESUME, _("登记技术鉴定"))
        pause = inv.pauses.filter(ended_on__isnull=True).first()
        if pause is None:
            raise ConflictError(_("没有进行中的技术鉴定。"), code="no_open_appraisal",
                                extra={"current_state": accident.state})
        end = _date(ended_on, "ended_on", errors, label=_("鉴定结束日期"), not_before=pause.started_on,
                    not_before_label=_("鉴定开始日期"))
        _raise(errors)
        pause.ended_on = end
        pause.save(update_fields=["ended_on"])
        before = inv.deadline
        _recompute_deadline(inv)
        inv.save(update_fields=["deadline", "updated_at"])
        common.event(accident, actor, Action.RESUME, note=pause.reason,
                     data={"started_on": pause.started_on, "ended_on": end, "days": pause.days, "from": before,
                           "to": inv.deadline})
    return pause


def investigation_clock(investigation: Investigation, today: datetime.date | None = None) -> dict[str, Any]:
    """The deadline as the page and the API show it. While an appraisal is open the clock is paused: ``days_left``
    is frozen at the pause's start and ``projected_deadline`` moves with today."""
    today = today or common.today()
    inv = investigation
    pauses = list(inv.pauses.all())
    open_pause = next((p for p in pauses if p.ended_on is None), None)
    closed_days = sum(p.days for p in pauses if p.ended_on is not None)
    occurred = occurred_on(inv.accident)
    deadline = rules.investigation_deadline(occurred, extended_days=inv.extension_days, paused_days=closed_days)
    out = {
        "occurred_on": occurred,
        "base_deadline": rules.investigation_deadline(occurred),
        "deadline": deadline,
        "extension_days": inv.extension_days,
        "paused_days": closed_days,
        "paused": open_pause is not None,
        "paused_since": open_pause.started_on if open_pause else None,
        "paused_reason": open_pause.reason if open_pause else "",
        "projected_deadline": deadline + datetime.timedelta(days=max(0, (today - open_pause.started_on).days))
        if open_pause else deadline,
        "submitted_on": inv.report_submitted_on,
        "days_left": None,
        "overdue": False,
        "days_overdue": 0,
        "submitted_late": False,
    }
    if inv.report_submitted_on:
        late = (inv.report_submitted_on - deadline).days
        out["submitted_late"] = late > 0
        out["days_overdue"] = max(0, late)
    elif open_pause:
        out["days_left"] = (deadline - open_pause.started_on).days
    else:
        out["days_left"] = (deadline - today).days
        out["overdue"] = today > deadline
        out["days_overdue"] = max(0, (today - deadline).days)
    return out


def reply_clock(investigation: Investigation, today: datetime.date | None = None) -> dict[str, Any]:
    """The 批复 deadline of 第三十二条 and whether the reply was (or is) late."""
    today = today or common.today()
    inv = investigation
    due = inv.reply_deadline
    out = {"deadline": due, "replied_on": inv.replied_on, "late": False, "days_late": 0, "overdue": False,
           "days_left": None}
    if due is None:
        return out
    if inv.replied_on:
        out["days_late"] = max(0, (inv.replied_on - due).days)
        out["late"] = out["days_late"] > 0
    else:
        out["days_left"] = (due - today).days
        out["overdue"] = today > due
        out["days_late"] = max(0, (today - due).days)
    return out


# --- the report and the reply -----------------------------------------------------------------------------------


def save_report(*, actor, accident: Accident, parts: dict) -> Investigation:
    """Save some or all of the six parts of 第三十条 (a partial save keeps the others)."""
    common.visible(actor, accident)
    common.require_supervisor(actor)
    if not isinstance(parts, dict) or not parts:
        raise ValidationError(_("请填写调查报告内容。"), code="required")
    errors: dict = {}
    clean = {}
    for key, value in parts.items():
        if key not in Investigation.REPORT_PARTS:
            errors[str(key)] = ValidationError(_("调查报告没有这一部分。"), code="unknown_part")
            continue
        clean[key] = _text(value, key, errors, label=part_label(key), required=False, max_length=MAX_TEXT)
    _raise(errors)
    with transaction.atomic():
        accident, inv = _editable(actor, accident, Action.EDIT_INVESTIGATION, _("编写调查报告"))
        for key, value in clean.items():
            setattr(inv, key, value)
        inv.save(update_fields=[*clean, "updated_at"])
        common.event(accident, actor, Action.EDIT_INVESTIGATION, data={"report_parts": sorted(clean)})
    return inv


def missing_parts(investigation: Investigation) -> list[str]:
    return [p for p in Investigation.REPORT_PARTS if not (getattr(investigation, p) or "").strip()]


def submit_report(*, actor, accident: Accident, submitted_on) -> Investigation:
    """The team submits the report (第二十九条, 第三十条); the reply clock of 第三十二条 starts."""
    common.visible(actor, accident)
    common.require_supervisor(actor)
    errors: dict = {}
    with transaction.atomic():
        accident, inv = _editable(actor, accident, Action.SUBMIT_REPORT, _("提交调查报告"))
        target = common.check_state(accident, Action.SUBMIT_REPORT)
        missing = missing_parts(inv)
        if missing:
            raise ReportIncompleteError(
                _("调查报告尚缺：{parts}（条例第三十条）。").format(parts="、".join(part_label(p) for p in missing)),
                extra={"missing": missing},
            )
        if inv.pauses.filter(ended_on__isnull=True).exists():
            raise ConflictError(_("技术鉴定尚未结束，请先登记鉴定结束日期。"), code="appraisal_open",
                                extra={"current_state": accident.state})
        if not inv.members.filter(role=MemberRole.LEADER).exists():
            raise ServiceError(_("调查组尚未指定组长（条例第二十四条）。"), code="team_leader_missing")
        day = _date(submitted_on, "submitted_on", errors, label=_("调查报告提交日期"), not_before=inv.formed_on,
                    not_before_label=_("调查组成立日期"))
        _raise(errors)
        inv.report_submitted_on = day
        inv.reply_extension_days = 0
        inv.reply_deadline = rules.reply_deadline(accident.grade, day, extended_days=0)
        inv.save(update_fields=["report_submitted_on", "reply_extension_days", "reply_deadline", "updated_at"])
        late = max(0, (day - inv.deadline).days)
        common.move(accident, actor, Action.SUBMIT_REPORT, target,
                    data={"submitted_on": day, "deadline": inv.deadline, "days_late": late,
                          "reply_deadline": inv.reply_deadline})
        title = _("事故调查报告已提交，待批复：{number}").format(number=accident.number)
        body = _("批复期限：{date}").format(date=inv.reply_deadline.isoformat())
        _notify(common.officers_over(accident, level=inv.level), accident, "accident.report_submitted", title, body,
                actor)
    return inv


def record_reply(
    *, actor, accident: Accident, document: str, authority: str, replied_on, summary: str = "", extension_days=0
) -> Investigation:
    """The investigating government's 批复 (第三十二条). A late reply is recorded and flagged, not refused; only a
    特别重大事故's reply period may be extended (by at most 30 days)."""
    common.visible(actor, accident)
    common.require_supervisor(actor)
    errors: dict = {}
    document = _text(document, "document", errors, label=_("批复文号"), max_length=100)
    authority = _text(authority, "authority", errors, label=_("批复机关"), max_length=100)
    summary = _text(summary, "summary", errors, label=_("批复要点"), required=False, max_length=MAX_NOTE)
    extension = _int(extension_days, "extension_days", errors, label=_("批复延长天数"), required=False, low=0)
    extension = extension or 0
    with transaction.atomic():
        accident, inv = _editable(actor, accident, Action.REPLY, _("登记批复"))
        target = common.check_state(accident, Action.REPLY)
        day = _date(replied_on, "replied_on", errors, label=_("批复日期"), not_before=inv.report_submitted_on,
                    not_before_label=_("调查报告提交日期"))
        if "extension_days" not in errors:
            grade = rules.AccidentGrade(accident.grade)
            limit = rules.REPLY_MAX_EXTENSION[grade]
            if extension > limit:
                errors["extension_days"] = ValidationError(
                    _("{grade}的批复期限不得延长（条例第三十二条第一款只允许特别重大事故延长）。").format(grade=grade.label)
                    if limit == 0
                    else _("批复期限延长最长不超过{n}日（条例第三十二条第一款）。").format(n=limit),
                    code="reply_extension_not_allowed" if limit == 0 else "out_of_range",
                )
        _raise(errors)
        inv.reply_extension_days = extension
        inv.reply_deadline = rules.reply_deadline(accident.grade, inv.report_submitted_on, extended_days=extension)
        inv.reply_document, inv.reply_authority, inv.replied_on, inv.reply_summary = document, authority, day, summary
        inv.save(update_fields=["reply_extension_days", "reply_deadline", "reply_document", "reply_authority",
                                "replied_on", "reply_summary", "updated_at"])
        late = max(0, (day - inv.reply_deadline).days)
        common.move(accident, actor, Action.REPLY, target, note=summary,
                    data={"document": document, "authority": authority, "replied_on": day,
                          "reply_deadline": inv.reply_deadline, "days_late": late, "extension_days": extension})
        title = _("事故调查报告已批复：{number}（{doc}）").format(number=accident.number, doc=document)
        recipients = [*common.enterprise_managers(accident.enterprise_id),
                      *common.officers_over(accident, level="county")]
        _notify(recipients, accident, "accident.replied", title, actor=actor)
    return inv


def publish(*, actor, accident: Accident, published_on, publication: str) -> Investigation:
    """第三十四条: the result made public (向社会公布) — when and where."""
    common.visible(actor, accident)
    common.require_supervisor(actor)
    errors: dict = {}
    publication = _text(publication, "publication", errors, label=_("公布途径"), max_length=300)
    with transaction.atomic():
        accident = common.lock(accident)
        _refuse_near_miss(accident)
        common.check_state(accident, Action.PUBLISH)
        inv = _investigation(accident)
        _require_level(actor, inv.level, _("公布事故调查处理结果"))
        if inv.published_on:
            raise ConflictError(_("事故调查处理结果已于{date}公布。").format(date=inv.published_on.isoformat()),
                                code="already_published", extra={"current_state": accident.state})
        day = _date(published_on, "published_on", errors, label=_("公布日期"), not_before=inv.replied_on,
                    not_before_label=_("批复日期"))
        _raise(errors)
        inv.published_on, inv.publication = day, publication
        inv.save(update_fields=["published_on", "publication", "updated_at"])
        common.event(accident, actor, Action.PUBLISH, data={"published_on": day, "publication": publication})
    return inv


# --- accountability ---------------------------------------------------------------------------------------------


def _violation_code(article: str, grade: str) -> str:
    wanted = rules.VIOLATION_GRADE[rules.AccidentGrade(grade)]
    return next(v.code for v in violations.by_article(article) if v.accident_grade == wanted)


def unit_fine_code(grade: str) -> str:
    """The 安全生产法 第一百一十四条 row of :mod:`anjian.rules.violations` for the grade."""
    return _violation_code("第一百一十四条", grade)


def principal_fine_code(grade: str) -> str:
    """The 安全生产法 第九十五条 row for the grade (a percentage of 上一年年收入)."""
    return _violation_code("第九十五条", grade)


def fine_ranges(grade: str) -> dict[str, str]:
    """What the page shows next to the penalty form, e.g. {"unit": "一般事故：30万元以上100万元以下", …}."""
    if not grade:
        return {}
    g = rules.AccidentGrade(grade)
    return {
        "unit": f"{g.label}：{violations.range_text(rules.unit_fine_range(g))}",
        "unit_aggravated": f"{g.label}（情节特别严重、影响特别恶劣）："
        f"{violations.range_text(rules.unit_fine_range(g, aggravated=True))}",
        "unit_source": violations.get(unit_fine_code(grade)).citation,
        "principal": f"{g.label}：上一年年收入的{rules.principal_fine_percent(g)}%",
        "principal_source": violations.get(principal_fine_code(grade)).citation,
    }


def record_penalty(
    *, actor, accident: Accident, target: str, person_name: str, measure: str, amount_yuan=None,
    last_year_income_yuan=None, aggravated: bool = False, document_number: str = "", decided_on=None, note: str = "",
) -> Penalty:
    """A decided accountability measure (第三十二条第二款). A fine on the unit is checked against 安全生产法
    第一百一十四条 (第二款 when ``aggravated``), on the principal against 第九十五条 × last year's income; a fine
    outside the range is refused (``fine_out_of_range``). Other persons' fines and non-fine measures are recorded
    without an amount check; a non-fine measure takes no amount."""
    common.visible(actor, accident)
    common.require_supervisor(actor, _("只有监管部门可以登记责任追究。"))
    errors: dict = {}
    if target not in PenaltyTarget.values:
        errors["target"] = ValidationError(_("请选择处理对象。"), code="invalid_choice")
    if measure not in PenaltyMeasure.values:
        errors["measure"] = ValidationError(_("请选择处理方式。"), code="invalid_choice")
    person_name = _text(person_name, "person_name", errors, label=_("责任人或单位名称"), max_length=200)
    document_number = _text(document_number, "document_number", errors, label=_("决定文号"), required=False,
                            max_length=100)
    note = _text(note, "note", errors, label=_("说明"), required=False, max_length=MAX_NOTE)
    is_fine = measure == PenaltyMeasure.FINE
    amount = _int(amount_yuan, "amount_yuan", errors, label=_("罚款金额（元）"), required=is_fine, low=1,
                  high=MAX_YUAN)
    income = _int(last_year_income_yuan, "last_year_income_yuan", errors, label=_("上一年年收入（元）"),
                  required=is_fine and target == PenaltyTarget.PRINCIPAL, low=0, high=MAX_YUAN)
    aggravated = bool(aggravated)
    if not is_fine and amount is not None:
        errors["amount_yuan"] = ValidationError(_("非罚款的处理方式不填写金额。"), code="amount_not_allowed")
    if income is not None and not (is_fine and target == PenaltyTarget.PRINCIPAL):
        errors["last_year_income_yuan"] = ValidationError(
            _("上一年年收入只用于核对对主要负责人的罚款。"), code="income_not_applicable"
        )
    if aggravated and not (is_fine and target == PenaltyTarget.UNIT):
        errors["aggravated"] = ValidationError(
            _("「情节特别严重、影响特别恶劣」加重处罚只适用于对事故发生单位的罚款（安全生产法第一百一十四条第二款）。"),
            code="aggravated_unit_only",
        )
    with transaction.atomic():
        accident = common.lock(accident)
        _refuse_near_miss(accident)
        common.check_state(accident, Action.PENALTY)
        inv = _investigation(accident)
        decided = _date(decided_on, "decided_on", errors, label=_("决定日期"), required=False,
                        not_before=inv.replied_on, not_before_label=_("批复日期"))
        _raise(errors)
        message = ""
        if is_fine and target == PenaltyTarget.UNIT:
            verdict = violations.check_fine(unit_fine_code(accident.grade), "unit", amount, aggravated=aggravated)
            if not verdict.ok:
                raise FineOutOfRangeError(verdict.message, extra={"range": list(verdict.range or ()),
                                                                   "field": "amount_yuan"})
            message = verdict.message
        elif is_fine and target == PenaltyTarget.PRINCIPAL:
            verdict = violations.check_income_fine(principal_fine_code(accident.grade), amount, income)
            if not verdict.ok:
                raise FineOutOfRangeError(verdict.message, extra={"range": list(verdict.range or ()),
                                                                   "field": "amount_yuan"})
            message = verdict.message
        elif is_fine:
            message = _("对其他责任人员的罚款未按幅度核对：其幅度取决于所违反的条款（如安全生产法第九十六条）。")
        row = Penalty.objects.create(
            accident=accident, target=target, person_name=person_name, measure=measure, amount_yuan=amount,
            last_year_income_yuan=income, aggravated=aggravated, check_message=message,
            document_number=document_number, decided_on=decided, note=note, by=_actor_user(actor),
        )
        common.event(accident, actor, Action.PENALTY, note=note,
                     data={"penalty": row.pk, "target": target, "person_name": person_name, "measure": measure,
                           "amount_yuan": amount, "check": message, "document_number": document_number})
    return row


# --- corrective measures ----------------------------------------------------------------------------------------


def measure_carried_out(measure: CorrectiveMeasure) -> bool:
    """Done by hand, or tracked as a hazard that has been closed (验收闭环)."""
    if measure.state == MeasureState.DONE:
        return True
    return measure.hazard_id is not None and measure.hazard.state == HazardState.CLOSED


def add_measure(
    *, actor, accident: Accident, description: str, responsible: str, deadline=None, as_hazard: bool = False,
    category: str = HazardCategory.MANAGEMENT,
) -> CorrectiveMeasure:
    """A 防范和整改措施 (第三十三条). With ``as_hazard`` a hazard is opened at the unit (route 「事故调查」, the
    accident's number as its source) and the measure counts as carried out when that hazard is closed."""
    from anjian.hazards import services as hazard_services

    common.visible(actor, accident)
    common.require_supervisor(actor, _("只有监管部门可以登记整改措施。"))
    errors: dict = {}
    description = _text(description, "description", errors, label=_("整改措施"), max_length=MAX_NOTE)
    responsible = _text(responsible, "responsible", errors, label=_("责任单位或责任人"), max_length=100)
    due = _date(deadline, "deadline", errors, label=_("完成期限"), required=False, future_ok=True,
                not_before=common.today(), not_before_label=_("今天"))
    category = category or HazardCategory.MANAGEMENT
    if as_hazard and category not in HazardCategory.values:
        errors["category"] = ValidationError(_("请选择隐患类别。"), code="invalid_choice")
    _raise(errors)
    with transaction.atomic():
        accident = common.lock(accident)
        _refuse_near_miss(accident)
        common.check_state(accident, Action.MEASURE)
        _investigation(accident)
        hazard = None
        if as_hazard:
            hazard = hazard_services.hazard_report(
                actor=actor,
                enterprise=accident.enterprise,
                data={
                    "location": accident.place[:200],
                    "description": description,
                    "category": category,
                    "route": HazardRoute.ACCIDENT_INVESTIGATION,
                    "source_reference": accident.number,
                },
            )
        row = CorrectiveMeasure.objects.create(
            accident=accident, description=description, responsible=responsible, deadline=due, hazard=hazard,
            by=_actor_user(actor),
        )
        common.event(accident, actor, Action.MEASURE,
                     data={"measure": row.pk, "description": description[:200], "responsible": responsible,
                           "deadline": due, "hazard": hazard.pk if hazard else None})
    return row


def _mark_done_from_hazard(measure: CorrectiveMeasure) -> None:
    hazard = measure.hazard
    measure.state = MeasureState.DONE
    measure.done_on = timezone.localtime(hazard.verified_at).date() if hazard.verified_at else common.today()
    measure.done_note = _("跟踪隐患 {number} 已验收闭环。").format(number=hazard.number)
    measure.save(update_fields=["state", "done_on", "done_note"])


def sync_measures(accident: Accident) -> int:
    """Mark the measures whose tracking hazard has been closed as carried out; returns how many."""
    rows = list(
        accident.measures.filter(state=MeasureState.OPEN, hazard__state=HazardState.CLOSED).select_related("hazard")
    )
    for row in rows:
        _mark_done_from_hazard(row)
    return len(rows)


def complete_measure(*, actor, accident: Accident, measure, done_on=None, note: str = "") -> CorrectiveMeasure:
    """Record a measure as carried out. A measure tracked as a hazard is carried out when the hazard is closed:
    completing it by hand is refused (``measure_tracked_as_hazard``) unless the hazard was found not to be one."""
    common.visible(actor, accident)
    common.require_supervisor(actor, _("只有监管部门可以确认整改措施落实情况。"))
    measure_id = getattr(measure, "pk", measure)
    errors: dict = {}
    note = _text(note, "note", errors, label=_("落实情况"), required=False, max_length=MAX_NOTE)
    with transaction.atomic():
        accident = common.lock(accident)
        _refuse_near_miss(accident)
        common.check_state(accident, Action.MEASURE_DONE)
        row = accident.measures.select_related("hazard").filter(pk=measure_id).first()
        if row is None:
            raise NotFoundError(_("未找到该整改措施。"))
        if row.state == MeasureState.DONE:
            raise ConflictError(_("该整改措施已落实。"), code="measure_done", extra={"current_state": accident.state})
        if row.hazard_id is not None and row.hazard.state == HazardState.CLOSED:
            _mark_done_from_hazard(row)
        elif row.hazard_id is not None and row.hazard.state != HazardState.REJECTED:
            raise ConflictError(
                _("该整改措施作为隐患 {number} 跟踪，隐患当前为「{state}」，验收闭环后自动视为落实。").format(
                    number=row.hazard.number, state=HazardState(row.hazard.state).label
                ),
                code="measure_tracked_as_hazard",
                extra={"current_state": accident.state, "hazard_id": row.hazard_id, "hazard_state": row.hazard.state},
            )
        else:
            if not note:
                errors["note"] = ValidationError(_("请填写落实情况。"), code="required")
            day = _date(done_on, "done_on", errors, label=_("落实日期"), not_before=occurred_on(accident),
                        not_before_label=_("事故发生日期"))
            _raise(errors)
            row.state, row.done_on, row.done_note = MeasureState.DONE, day, note
            row.save(update_fields=["state", "done_on", "done_note"])
        common.event(accident, actor, Action.MEASURE_DONE, note=row.done_note,
                     data={"measure": row.pk, "done_on": row.done_on, "hazard": row.hazard_id})
    return row


# --- listing for supervision (挂牌督办) ----------------------------------------------------------------------------


def list_investigation(
    *, actor, accident: Accident, document_number: str, deadline, requirements: str = ""
) -> InvestigationListing:
    """挂牌督办 of the investigation by a level above the investigating one (a city bureau lists a county
    investigation …). One open listing per accident."""
    common.visible(actor, accident)
    _refuse_near_miss(accident)
    level = listing_level_for(actor)
    if level is None:
        raise PermissionDeniedError(_("只有设区的市级以上负有安全生产监管职责的部门可以挂牌督办事故调查。"))
    errors: dict = {}
    document_number = _text(document_number, "document_number", errors, label=_("督办文号"), max_length=100)
    requirements = _text(requirements, "requirements", errors, label=_("督办要求"), required=False,
                         max_length=MAX_NOTE)
    due = _date(deadline, "deadline", errors, label=_("督办期限"), future_ok=True, not_before=common.today(),
                not_before_label=_("今天"))
    _raise(errors)
    with transaction.atomic():
        accident = common.lock(accident)
        _refuse_near_miss(accident)
        common.check_state(accident, Action.LIST)
        inv = Investigation.objects.filter(accident=accident).first()
        base = _investigated_level(accident, inv)
        if common.LEVEL_ORDER.index(LEVEL_OF_LISTING[level]) <= common.LEVEL_ORDER.index(base):
            raise PermissionDeniedError(
                _("本事故由{authority}负责调查，挂牌督办须由更高一级的部门决定。").format(authority=level_label(base))
            )
        try:
            with transaction.atomic():
                listing = InvestigationListing.objects.create(
                    accident=accident, region_code=accident.region_code, level=level, authority=actor.authority,
                    document_number=document_number, deadline=due, requirements=requirements, listed_by=actor,
                )
        except IntegrityError:
            raise ConflictError(_("该事故调查已在挂牌督办中。"), code="already_listed",
                                extra={"current_state": accident.state}) from None
        accident.listed = True
        accident.save(update_fields=["listed", "updated_at"])
        common.event(accident, actor, Action.LIST, note=requirements,
                     data={"listing": listing.pk, "level": level, "document_number": document_number,
                           "deadline": due})
        title = _("事故调查被挂牌督办：{number}（{doc}）").format(number=accident.number, doc=document_number)
        body = _("督办期限：{date}").format(date=due.isoformat())
        recipients = [*common.officers_over(accident, level=base), *common.enterprise_managers(accident.enterprise_id)]
        _notify(recipients, accident, "accident.listed", title, body, actor)
    return listing


def lift_listing(*, actor, accident: Accident, lift_document: str) -> InvestigationListing:
    """摘牌: by the listing level or a higher one."""
    common.visible(actor, accident)
    if not common.is_system(actor) and listing_level_for(actor) is None:  # the role first, then the listing
        raise PermissionDeniedError(_("只有设区的市级以上负有安全生产监管职责的部门可以摘牌。"))
    errors: dict = {}
    lift_document = _text(lift_document, "lift_document", errors, label=_("摘牌文号"), max_length=100)
    with transaction.atomic():
        accident = common.lock(accident)
        common.check_state(accident, Action.DELIST)
        listing = accident.listings.filter(lifted_at__isnull=True).first()
        if listing is None:
            raise ConflictError(_("该事故调查没有在督办中的挂牌。"), code="not_listed",
                                extra={"current_state": accident.state})
        if not can_lift(actor, listing):
            raise PermissionDeniedError(
                _("摘牌须由{level}或更高一级的部门决定。").format(level=ListingLevel(listing.level).label)
            )
        _raise(errors)
        listing.lifted_at = common.now()
        listing.lift_document = lift_document
        listing.lifted_by = _actor_user(actor)
        listing.save(update_fields=["lifted_at", "lift_document", "lifted_by"])
        accident.listed = False
        accident.save(update_fields=["listed", "updated_at"])
        common.event(accident, actor, Action.DELIST,
                     data={"listing": listing.pk, "document_number": listing.document_number,
                           "lift_document": lift_document})
        title = _("事故调查挂牌督办已摘牌：{number}").format(number=accident.number)
        inv = Investigation.objects.filter(accident=accident).first()
        recipients = [*common.officers_over(accident, level=_investigated_level(accident, inv)),
                      *common.enterprise_managers(accident.enterprise_id)]
        _notify(recipients, accident, "accident.delisted", title, actor=actor)
    return listing


# --- closure ----------------------------------------------------------------------------------------------------


def clean_evidence(evidence, *, field: str = "evidence") -> dict[str, str]:
    """The four 四不放过 items as stripped text; unknown codes or non-text values are a ValidationError."""
    if evidence in (None, ""):
        return {}
    if not isinstance(evidence, dict):
        raise ValidationError({field: ValidationError(_("四不放过落实情况格式不正确。"), code="invalid")})
    try:
        rules.closure_blockers(evidence)
    except ValueError:
        raise ValidationError({field: ValidationError(
            _("四不放过落实情况只能填写：{codes}。").format(codes="、".join(rules.FOUR_NOT_LET_GO.values())),
            code="invalid",
        )}) from None
    out = {}
    for code in rules.FOUR_NOT_LET_GO:
        value = (evidence.get(code) or "").strip()
        if len(value) > MAX_EVIDENCE:
            raise ValidationError({code: ValidationError(_("不超过{n}字。").format(n=MAX_EVIDENCE), code="max_length")})
        if value:
            out[code] = value
    return out


def closure_readiness(accident: Accident, investigation: Investigation | None) -> list[dict[str, str]]:
    """What still stands in the way of closing (besides the evidence the closing officer gives): each with a code
    and a message. Read-only (a measure whose hazard is closed counts as carried out)."""
    if accident.kind == AccidentKind.NEAR_MISS:
        if accident.state != AccidentState.REPORTED:
            return [{"code": "invalid_transition", "message": _("当前状态不能结案。")}]
        return []
    out = []
    if accident.state != AccidentState.REPLIED:
        out.append({"code": "invalid_transition", "message": _("事故调查报告批复后方可结案。")})
    if accident.state in (AccidentState.REPLIED, AccidentState.REPORT_SUBMITTED, AccidentState.INVESTIGATING):
        if not accident.penalties.exists():
            out.append({"code": "penalties_missing",
                        "message": _("尚未登记责任追究（无人应被追究的，以「其他处理」登记该认定）。")})
        open_rows = [m for m in accident.measures.select_related("hazard") if not measure_carried_out(m)]
        if open_rows:
            out.append({"code": "measures_open",
                        "message": _("尚有{n}项整改措施未落实。").format(n=len(open_rows))})
    if accident.listings.filter(lifted_at__isnull=True).exists():
        out.append({"code": "listing_open", "message": _("挂牌督办尚未摘牌。")})
    return out


def close_accident(*, actor, accident: Accident, evidence: dict, note: str = "") -> Accident:
    """结案. An accident: replied, each of the four not-let-go evidenced, accountability recorded, every measure
    carried out, no open listing. A near miss: straight from the report, with a note (no investigation)."""
    common.visible(actor, accident)
    common.require_supervisor(actor, _("只有监管部门可以结案。"))
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": ValidationError(_("不超过{n}字。").format(n=MAX_NOTE), code="max_length")})
    clean = clean_evidence(evidence)
    with transaction.atomic():
        accident = common.lock(accident)
        target = common.check_state(accident, Action.CLOSE)
        if accident.kind == AccidentKind.NEAR_MISS:
            if not note:
                raise ValidationError({"note": ValidationError(_("较大涉险事故结案须填写结案说明。"), code="required")})
        else:
            if accident.state != AccidentState.REPLIED:
                raise ConflictError(
                    _("事故须经调查并批复后方可结案（只有较大涉险事故可以直接结案）。"),
                    code="invalid_transition",
                    extra={"current_state": accident.state, "action": str(Action.CLOSE)},
                )
            inv = _investigation(accident)
            _require_level(actor, inv.level, _("结案"))
            blockers = rules.closure_blockers(clean)
            if blockers:
                raise ClosureBlockedError(
                    _("「四不放过」尚未落实：{items}。").format(
                        items="、".join(rules.FOUR_NOT_LET_GO[c] for c in blockers)
                    ),
                    extra={"blockers": list(blockers)},
                )
            if not accident.penalties.exists():
                raise ConflictError(
                    _("尚未登记责任追究，不能认定「责任人员已处理」（无人应被追究的，以「其他处理」登记该认定）。"),
                    code="penalties_missing",
                    extra={"current_state": accident.state},
                )
            sync_measures(accident)
            open_ids = list(accident.measures.filter(state=MeasureState.OPEN).values_list("pk", flat=True))
            if open_ids:
                raise ConflictError(
                    _("尚有{n}项整改措施未落实，不能结案。").format(n=len(open_ids)),
                    code="measures_open",
                    extra={"current_state": accident.state, "measures": open_ids},
                )
            if accident.listings.filter(lifted_at__isnull=True).exists():
                raise ConflictError(_("挂牌督办尚未摘牌，不能结案。"), code="listing_open",
                                    extra={"current_state": accident.state})
        accident.closure_evidence = clean
        accident.closing_note = note
        accident.closed_at = common.now()
        accident.closed_by = _actor_user(actor)
        common.move(accident, actor, Action.CLOSE, target, note=note,
                    data={"evidence": clean},
                    fields=("closure_evidence", "closing_note", "closed_at", "closed_by"))
        title = _("事故已结案：{number}").format(number=accident.number)
        _notify(common.enterprise_managers(accident.enterprise_id), accident, "accident.closed", title, actor=actor)
    return accident


# --- what the page shows ----------------------------------------------------------------------------------------


def penalty_totals(accident: Accident) -> int:
    return accident.penalties.filter(measure=PenaltyMeasure.FINE).aggregate(s=Sum("amount_yuan"))["s"] or 0
