"""The first report (快报), the reporting clock, upward transmissions, same-level notices, supplementary
reports (续报) with re-grading, and the follow-up finding on late, omitted, false or concealed reports.

Every function checks permission, validates, writes in one transaction, logs the event and tells whom it must.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents import common
from anjian.accidents.choices import (
    ACCIDENT_TYPE_CHOICES,
    NEAR_MISS_ITEM_CHOICES,
    AccidentKind,
    Action,
    ReportingFinding,
    ReportSource,
    SupplementKind,
)
from anjian.accidents.grading import COUNT_FIELDS, clean_count, clean_loss, grade_of, missing_as_deaths
from anjian.accidents.models import Accident, SameLevelNotice, Supplement, Transmission
from anjian.accounts.roles import ENTERPRISE_ROLES, ENTERPRISE_SELF_EDITORS, Role
from anjian.core.choices import Sector
from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.core.models import Region
from anjian.enterprises import services as enterprise_services
from anjian.enterprises.choices import EnterpriseStatus
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.rules import accidents as rules

FUTURE_SLACK = datetime.timedelta(minutes=10)
FIRE_TYPE = "08"  # GB 6441 火灾
_TYPE_CODES = {code for code, _label in ACCIDENT_TYPE_CHOICES}
_NEAR_MISS_ITEMS = {code for code, _label in NEAR_MISS_ITEM_CHOICES}


# --- who may ----------------------------------------------------------------------------------------------------


def can_report(actor) -> bool:
    """The unit's principal or safety manager (for their own unit), and officers who may enter one for a unit."""
    if common.is_system(actor):
        return True
    return actor.role in ENTERPRISE_SELF_EDITORS or actor.role in common.OFFICER_REPORTERS


def can_supplement(actor, accident: Accident) -> bool:
    if common.is_system(actor):
        return True
    if actor.role in ENTERPRISE_SELF_EDITORS:
        return actor.enterprise_id == accident.enterprise_id
    return actor.role in common.OFFICER_REPORTERS


def can_clock(actor) -> bool:
    """Record receipts, transmissions, notices and the reporting finding: the supervising departments."""
    return common.is_system(actor) or actor.role in common.SUPERVISORS


# --- cleaning ---------------------------------------------------------------------------------------------------


def _moment(value, field: str, errors: dict, *, required: bool, label: str):
    if value in (None, ""):
        if required:
            errors[field] = ValidationError(_("请填写{label}。").format(label=label), code="required")
        return None
    if isinstance(value, str):
        parsed = None
        try:
            parsed = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            pass
        value = parsed
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = None
    if not isinstance(value, datetime.datetime):
        errors[field] = ValidationError(_("{label}格式不正确。").format(label=label), code="invalid")
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > common.now() + FUTURE_SLACK:
        errors[field] = ValidationError(_("{label}不能晚于现在。").format(label=label), code="future")
        return None
    if value.year < 2000:
        errors[field] = ValidationError(_("{label}不正确。").format(label=label), code="too_old")
        return None
    return value


def _text(data, field: str, errors: dict, *, required: bool, max_length: int, message: str = "") -> str:
    value = data.get(field)
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors[field] = ValidationError(
            message or _("请填写{label}。").format(label=common.label(field)), code="required"
        )
    elif len(value) > max_length:
        errors[field] = ValidationError(_("不超过{n}字。").format(n=max_length), code="max_length")
    return value


def clean_figures(data: dict[str, Any], errors: dict) -> dict[str, Any]:
    """Counts and the loss in 元 (``direct_loss`` with ``direct_loss_unit`` "yuan" | "wan_yuan")."""
    out = {field: clean_count(data.get(field), field, errors) for field in COUNT_FIELDS}
    if "direct_loss_yuan" in data and "direct_loss" not in data:
        out["direct_loss_yuan"] = clean_loss(data.get("direct_loss_yuan"), "yuan", errors, field="direct_loss_yuan")
    else:
        out["direct_loss_yuan"] = clean_loss(data.get("direct_loss"), data.get("direct_loss_unit"), errors)
    return out


def _clean_report(actor, enterprise, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, ValidationError] = {}
    out: dict[str, Any] = {}
    kind = data.get("kind") or AccidentKind.ACCIDENT
    if kind not in AccidentKind.values:
        errors["kind"] = ValidationError(_("请选择类别。"), code="invalid_choice")
    out["kind"] = kind
    sector = data.get("sector") or ""
    if sector not in Sector.values:
        errors["sector"] = ValidationError(_("请选择行业领域。"), code="invalid_choice")
    elif (
        not common.is_system(actor)
        and actor.role == Role.DEPARTMENT_OFFICER
        and sector not in (actor.authority.sectors or [])
    ):
        errors["sector"] = ValidationError(_("行业部门只能登记本部门监管行业的事故。"), code="sector_out_of_scope")
    out["sector"] = sector
    accident_type = str(data.get("accident_type") or "")
    if accident_type not in _TYPE_CODES:
        errors["accident_type"] = ValidationError(_("请选择 GB 6441 事故类别。"), code="invalid_choice")
    out["accident_type"] = accident_type
    # Not given: a 火灾 (GB 6441 type 08) takes the fire window of 第十三条第二款 (7 days), the rest 30 days. A road
    # traffic accident cannot be told from its type (车辆伤害 covers in-plant vehicles): the reporter chooses it.
    supplement_kind = data.get("supplement_kind") or (
        SupplementKind.FIRE if accident_type == FIRE_TYPE else SupplementKind.GENERAL
    )
    if supplement_kind not in SupplementKind.values:
        errors["supplement_kind"] = ValidationError(_("请选择补报时限类别。"), code="invalid_choice")
    out["supplement_kind"] = supplement_kind
    item = str(data.get("near_miss_item") or "")
    if kind == AccidentKind.NEAR_MISS and item not in _NEAR_MISS_ITEMS:
        errors["near_miss_item"] = ValidationError(_("请选择较大涉险事故的情形。"), code="required")
    out["near_miss_item"] = item if kind == AccidentKind.NEAR_MISS else ""
    out["place"] = _text(data, "place", errors, required=True, max_length=200)
    out["account"] = _text(data, "account", errors, required=True, max_length=5000)
    out["measures_taken"] = _text(data, "measures_taken", errors, required=False, max_length=5000)
    out["reporter_name"] = _text(data, "reporter_name", errors, required=True, max_length=50)
    out["reporter_phone"] = _text(data, "reporter_phone", errors, required=False, max_length=30)
    out.update(clean_figures(data, errors))
    if kind == AccidentKind.NEAR_MISS and out["deaths"] > 0 and "deaths" not in errors:
        errors["deaths"] = ValidationError(
            _("造成人员死亡的是生产安全事故，请按事故报告（由伤亡和损失定级）；较大涉险事故不定级。"),
            code="near_miss_with_deaths",
        )

    enterprise_user = not common.is_system(actor) and actor.role in ENTERPRISE_ROLES
    source = ReportSource.UNIT if enterprise_user else (data.get("source") or ReportSource.UNIT)
    if source not in ReportSource.values:
        errors["source"] = ValidationError(_("请选择接报来源。"), code="invalid_choice")
    out["source"] = source

    occurred = _moment(data.get("occurred_at"), "occurred_at", errors, required=True, label=_("发生时间"))
    learned = _moment(data.get("unit_learned_at"), "unit_learned_at", errors, required=False,
                      label=_("单位负责人接到报告时间"))
    if enterprise_user:
        received = common.now()  # a report through the platform reaches the county department at once
    else:
        received = _moment(data.get("county_received_at"), "county_received_at", errors, required=True,
                           label=_("县级部门接到报告时间"))
    if occurred and learned and learned < occurred:
        errors["unit_learned_at"] = ValidationError(_("单位负责人接到报告时间不能早于事故发生时间。"), code="order")
    if occurred and received and received < occurred:
        errors["county_received_at"] = ValidationError(_("接到报告时间不能早于事故发生时间。"), code="order")
    if learned and received and received < learned and source == ReportSource.UNIT:
        errors["county_received_at"] = ValidationError(
            _("单位报告的，县级部门接到报告时间不能早于单位负责人接到报告时间。"), code="order"
        )
    out["occurred_at"], out["unit_learned_at"], out["county_received_at"] = occurred, learned, received
    if errors:
        raise ValidationError(errors)
    return out


def _unit_from(actor, unit: dict[str, Any] | None, sector: str) -> Enterprise:
    """Register a unit that was not in the file, as 无证无照 when it has no credit code (一企一档 covers it too)."""
    unit = unit or {}
    name = (unit.get("name") or "").strip()
    if not name:
        raise ValidationError({"enterprise": ValidationError(_("请选择事故发生单位，或填写未在册单位的名称。"),
                                                             code="required")})
    region = unit.get("region")
    if region is not None and not isinstance(region, Region):
        region = Region.objects.filter(code=str(region)).first()
    uscc = (unit.get("uscc") or "").strip()
    data = {
        "name": name,
        "uscc": uscc,
        "address": (unit.get("address") or "").strip(),
        "principal_name": (unit.get("principal_name") or "").strip(),
        "region": region,
        "status": EnterpriseStatus.OPERATING if uscc else EnterpriseStatus.ILLEGAL,
    }
    try:
        return enterprise_services.enterprise_create(
            actor=actor, data=data, sectors=[sector] if sector else [], audit_action="enterprise.create_from_accident"
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        # keep each error's code (message_dict would drop it)
        raise ValidationError({f"unit_{key}": value for key, value in exc.error_dict.items()}) from None


# --- the first report -------------------------------------------------------------------------------------------


def _grade_fields(accident: Accident) -> None:
    if accident.kind == AccidentKind.NEAR_MISS:
        accident.grade, accident.grade_basis, accident.investigating_level = "", {}, ""
        return
    grade, basis, level = grade_of(
        deaths=accident.deaths,
        missing=accident.missing,
        serious_injuries=accident.serious_injuries,
        direct_loss_yuan=accident.direct_loss_yuan,
        missing_counted=accident.missing_count_as_deaths,
    )
    basis["computed_at"] = common.now().isoformat()
    accident.grade, accident.grade_basis, accident.investigating_level = grade, basis, level


def _unit_lateness(accident: Accident) -> None:
    if accident.source == ReportSource.UNIT and accident.unit_learned_at and accident.county_received_at:
        due = rules.transmission_deadline(accident.unit_learned_at, step="unit_to_county")
        accident.unit_report_minutes_late = rules.minutes_late(due, accident.county_received_at)
    else:
        accident.unit_report_minutes_late = None
    accident.suspected_unreported = accident.source != ReportSource.UNIT


def report_levels_of(accident: Accident) -> tuple[str, ...]:
    """The department levels the report must reach (a near miss: rules.NEAR_MISS_REPORT_RULE, a setting)."""
    if accident.kind == AccidentKind.NEAR_MISS:
        return rules.near_miss_report_levels(getattr(settings, "ANJIAN_NEAR_MISS_REPORT_TO", "province"))
    return rules.report_levels(accident.grade)


def report_accident(
    *, actor, enterprise: Enterprise | None, data: dict[str, Any], unit: dict[str, Any] | None = None
) -> Accident:
    """Record a 快报. ``enterprise`` is the unit from the file, or None with ``unit`` (name, uscc, address,
    region, principal_name) to register one that was not in it. Returns the graded accident."""
    if not can_report(actor):
        raise PermissionDeniedError(_("您的角色不能报告事故。"))
    if not common.is_system(actor):
        if actor.role in ENTERPRISE_ROLES:
            if enterprise is None or enterprise.pk != actor.enterprise_id:
                raise PermissionDeniedError(_("企业只能报告本单位的事故。"))
        elif enterprise is not None and not enterprises_visible_to(actor).filter(pk=enterprise.pk).exists():
            raise PermissionDeniedError(_("该单位不在您的管辖范围内。"))
    clean = _clean_report(actor, enterprise, data)
    with transaction.atomic():
        unregistered = enterprise is None
        if unregistered:
            if not common.is_system(actor) and actor.role in ENTERPRISE_ROLES:
                raise PermissionDeniedError(_("企业只能报告本单位的事故。"))
            enterprise = _unit_from(actor, unit, clean["sector"])
        accident = Accident(
            enterprise=enterprise,
            region_code=enterprise.region_code,
            unit_was_unregistered=unregistered,
            missing_count_as_deaths=missing_as_deaths(),
            reported_by=None if common.is_system(actor) else actor,
            county_received_by=None if (common.is_system(actor) or actor.role in ENTERPRISE_ROLES) else actor,
            **clean,
        )
        _grade_fields(accident)
        _unit_lateness(accident)
        year = timezone.localtime(accident.occurred_at).year
        for attempt in range(3):
            # next_number serialises concurrent reports on PostgreSQL; the retry covers other backends.
            accident.number = common.next_number(accident.region_code, year)
            try:
                with transaction.atomic():
                    accident.save(force_insert=True)
                break
            except IntegrityError:  # a concurrent report took the number: take the next one
                if attempt == 2:
                    raise
        common.event(
            accident,
            actor,
            Action.REPORT,
            data={
                "grade": accident.grade,
                "basis": accident.grade_basis,
                "source": accident.source,
                "unit_was_unregistered": unregistered,
                "unit_report_minutes_late": accident.unit_report_minutes_late,
            },
        )
        title = _("事故快报：{unit}（{grade}）").format(
            unit=enterprise.name, grade=accident.get_grade_display() or accident.get_kind_display()
        )
        recipients = set()
        for level in report_levels_of(accident):
            recipients.update(common.officers_over(accident, level=level))
        recipients.discard(actor if not common.is_system(actor) else None)
        transaction.on_commit(
            lambda: common.notify.notify(
                sorted(recipients, key=lambda u: u.pk), common.message(accident, "accident.reported", title)
            )
        )
    return accident


# --- the clock --------------------------------------------------------------------------------------------------


def record_unit_learned(*, actor, accident: Accident, unit_learned_at) -> Accident:
    """Fill in or correct when the unit's principal learned of the accident (it sets the 1-hour clock)."""
    common.visible(actor, accident)
    if not can_clock(actor):
        raise PermissionDeniedError(_("只有监管部门可以维护报告时间。"))
    errors: dict = {}
    learned = _moment(unit_learned_at, "unit_learned_at", errors, required=True, label=_("单位负责人接到报告时间"))
    with transaction.atomic():
        accident = common.lock(accident)
        common.check_state(accident, Action.RECEIVE)
        if learned and learned < accident.occurred_at:
            errors["unit_learned_at"] = ValidationError(_("单位负责人接到报告时间不能早于事故发生时间。"), code="order")
        if (
            learned
            and accident.source == ReportSource.UNIT
            and accident.county_received_at
            and learned > accident.county_received_at
        ):
            errors["unit_learned_at"] = ValidationError(
                _("单位负责人接到报告时间不能晚于县级部门接到报告时间。"), code="order"
            )
        if errors:
            raise ValidationError(errors)
        before = accident.unit_learned_at
        accident.unit_learned_at = learned
        _unit_lateness(accident)
        accident.save(
            update_fields=["unit_learned_at", "unit_report_minutes_late", "suspected_unreported", "updated_at"]
        )
        common.event(
            accident, actor, Action.RECEIVE,
            data={"unit_learned_at": learned, "before": before, "minutes_late": accident.unit_report_minutes_late},
        )
    return accident


def _minute(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(second=0, microsecond=0)


def _previous_received(accident: Accident, step: rules.ChainStep) -> datetime.datetime | None:
    """When the sending level of ``step`` received the report: the county's receipt, or the previous transmission."""
    if step.from_level == "county":
        return accident.county_received_at
    earlier = accident.transmissions.filter(step__in=[s.code for s in rules.CHAIN if s.to_level == step.from_level])
    row = earlier.order_by("sent_at").first()
    return row.sent_at if row else None


def transmit(
    *, actor, accident: Accident, step: str, sent_at, received_at=None, recipient: str = "", sender_name: str = "",
    note: str = "",
) -> Transmission:
    """Record one upward report (county → city → province → State Council) with its deadline and lateness.

    ``received_at`` defaults to when the sending level itself received the report (the county's receipt or the
    previous step's transmission)."""
    common.visible(actor, accident)
    if not can_clock(actor):
        raise PermissionDeniedError(_("只有监管部门可以登记事故上报。"))
    codes = {s.code for s in rules.CHAIN if s.from_level in ("county", "city", "province") and s.to_level in (
        "city", "province", "state_council")}
    errors: dict = {}
    if not isinstance(step, str) or step not in codes:
        errors["step"] = ValidationError(_("请选择上报环节。"), code="invalid_choice")
        raise ValidationError(errors)
    chain_step = rules.chain_step(step)
    sent = _moment(sent_at, "sent_at", errors, required=True, label=_("上报时间"))
    given = _moment(received_at, "received_at", errors, required=False, label=_("本级接到报告时间"))
    note = (note or "").strip()[:2000]
    recipient = (recipient or "").strip()[:100]
    with transaction.atomic():
        accident = common.lock(accident)
        common.check_state(accident, Action.TRANSMIT)
        received = given or _previous_received(accident, chain_step)
        if received is None:
            errors["received_at"] = ValidationError(_("请填写本级接到报告的时间。"), code="required")
        elif sent and _minute(sent) < _minute(received):  # pages give minutes; a platform receipt has seconds
            errors["sent_at"] = ValidationError(_("上报时间不能早于本级接到报告的时间。"), code="order")
        if received and received < accident.occurred_at:
            errors["received_at"] = ValidationError(_("接到报告时间不能早于事故发生时间。"), code="order")
        if errors:
            raise ValidationError(errors)
        deadline = rules.transmission_deadline(received, step=chain_step)
        late = rules.minutes_late(deadline, sent)
        name = (sender_name or "").strip()[:100] or (actor.label if common.is_system(actor) else actor.display_name)
        try:
            with transaction.atomic():
                row = Transmission.objects.create(
                    accident=accident, step=step, received_at=received, sent_at=sent, deadline=deadline,
                    minutes_late=late, recipient=recipient, sender_name=name,
                    sent_by=None if common.is_system(actor) else actor, note=note,
                )
        except IntegrityError:
            raise ConflictError(_("该环节的上报已登记。"), code="already_transmitted",
                                extra={"current_state": accident.state}) from None
        common.event(
            accident, actor, Action.TRANSMIT,
            data={"step": step, "received_at": received, "sent_at": sent, "deadline": deadline, "minutes_late": late},
        )
        recipients = common.officers_over(accident, level=chain_step.to_level)
        if recipients:
            title = _("事故上报：{unit}（{number}）").format(unit=accident.enterprise.name, number=accident.number)
            transaction.on_commit(
                lambda: common.notify.notify(recipients, common.message(accident, "accident.transmitted", title))
            )
    return row


def record_notice(*, actor, accident: Accident, level: str, party: str, notified_at, note: str = "") -> SameLevelNotice:
    """Record that the department at ``level`` notified ``party`` (第十条: 公安机关 … 本级人民政府)."""
    common.visible(actor, accident)
    if not can_clock(actor):
        raise PermissionDeniedError(_("只有监管部门可以登记同级通知。"))
    errors: dict = {}
    if not isinstance(level, str) or level not in ("county", "city", "province", "state_council"):
        errors["level"] = ValidationError(_("请选择层级。"), code="invalid_choice")
    if not isinstance(party, str) or party not in rules.NOTIFIED_LABELS:
        errors["party"] = ValidationError(_("请选择通知对象。"), code="invalid_choice")
    at = _moment(notified_at, "notified_at", errors, required=True, label=_("通知时间"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        accident = common.lock(accident)
        common.check_state(accident, Action.NOTIFY)
        if at < accident.occurred_at:
            raise ValidationError({"notified_at": ValidationError(_("通知时间不能早于事故发生时间。"), code="order")})
        try:
            with transaction.atomic():
                row = SameLevelNotice.objects.create(
                    accident=accident, level=level, party=party, notified_at=at,
                    by=None if common.is_system(actor) else actor, note=(note or "").strip()[:200],
                )
        except IntegrityError:
            raise ConflictError(_("该通知已登记。"), code="already_notified",
                                extra={"current_state": accident.state}) from None
        common.event(accident, actor, Action.NOTIFY, data={"level": level, "party": party, "at": at})
    return row


def clock(accident: Accident) -> dict[str, Any]:
    """The reporting clock as the case page and the API show it: each required step, its deadline, whether done
    and how late; the notices still missing at each level reached."""
    steps = []
    done = {t.step: t for t in accident.transmissions.all()}
    levels = report_levels_of(accident)
    for level_from, level_to in zip(levels, levels[1:], strict=False):
        code = next(s.code for s in rules.CHAIN if s.from_level == level_from and s.to_level == level_to)
        row = done.get(code)
        received = row.received_at if row else _previous_received(accident, rules.chain_step(code))
        deadline = rules.transmission_deadline(received, step=code) if received else None
        overdue_now = row is None and deadline is not None and common.now() > deadline
        steps.append({
            "step": code,
            "from_level": level_from,
            "to_level": level_to,
            "to_label": rules.LEVELS[level_to],
            "received_at": received,
            "deadline": deadline,
            "done": row,
            "minutes_late": row.minutes_late if row else (
                rules.minutes_late(deadline, common.now()) if overdue_now else 0),
            "overdue": overdue_now,
        })
    if accident.kind == AccidentKind.ACCIDENT and accident.grade in (
        rules.AccidentGrade.SERIOUS.value, rules.AccidentGrade.ESPECIALLY_SERIOUS.value
    ):
        row = done.get("to_state_council_government")
        steps.append({"step": "to_state_council_government", "from_level": "state_council",
                      "to_level": "state_council_government", "to_label": rules.LEVELS["state_council_government"],
                      "received_at": None, "deadline": None, "done": row, "minutes_late": 0, "overdue": False})
    notices = {(n.level, n.party): n for n in accident.notices.all()}
    reached = ["county", *[s["to_level"] for s in steps if s["done"] and s["to_level"] in levels]]
    missing = [
        {"level": level, "party": party, "label": rules.NOTIFIED_LABELS[party]}
        for level in reached
        for party in rules.NOTIFIED_LABELS
        if (level, party) not in notices
    ]
    unit_due = (
        rules.transmission_deadline(accident.unit_learned_at, step="unit_to_county")
        if accident.unit_learned_at else None
    )
    return {
        "unit_due": unit_due,
        "unit_minutes_late": accident.unit_report_minutes_late,
        "steps": steps,
        "late_steps": [s for s in steps if s["minutes_late"]],
        "notices": list(notices.values()),
        "missing_notices": missing,
    }


# --- supplementary reports ---------------------------------------------------------------------------------------


def _supplied_figures(data: dict[str, Any], errors: dict) -> dict[str, Any]:
    """The figures a 续报 gives: a count or the loss left out of ``data`` keeps its current value."""
    out = {field: clean_count(data.get(field), field, errors) for field in COUNT_FIELDS if field in data}
    if "direct_loss_yuan" in data and "direct_loss" not in data:
        out["direct_loss_yuan"] = clean_loss(data.get("direct_loss_yuan"), "yuan", errors, field="direct_loss_yuan")
    elif "direct_loss" in data or "direct_loss_unit" in data:
        out["direct_loss_yuan"] = clean_loss(data.get("direct_loss"), data.get("direct_loss_unit"), errors)
    return out


def supplement(*, actor, accident: Accident, data: dict[str, Any]) -> Supplement:
    """A 续报 with the current figures (a figure left out of ``data`` keeps its value, read under the lock). Inside
    the 第十三条 window a casualty change re-grades the accident; after it, the figures are refused (the statistics
    keep the figures at the window's end) but a note is still taken. A near miss that a 续报 gives deaths becomes
    an accident (graded, to be investigated): a death is never left ungraded and out of the accident figures."""
    common.visible(actor, accident)
    if not can_supplement(actor, accident):
        raise PermissionDeniedError(_("您不能续报该事故。"))
    errors: dict = {}
    reported_at = _moment(data.get("reported_at") or common.now(), "reported_at", errors, required=True,
                          label=_("续报时间"))
    supplied = _supplied_figures(data, errors)
    note = _text(data, "note", errors, required=True, max_length=5000, message=_("请填写续报内容。"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        accident = common.lock(accident)
        common.check_state(accident, Action.SUPPLEMENT)
        if reported_at < accident.occurred_at:
            raise ValidationError({"reported_at": ValidationError(_("续报时间不能早于事故发生时间。"), code="order")})
        last = accident.supplements.order_by("-reported_at").values_list("reported_at", flat=True).first()
        if last is not None and reported_at < last:
            # The figures are the latest report's: an earlier 续报 entered afterwards would overwrite newer ones.
            raise ValidationError({"reported_at": ValidationError(
                _("续报时间不能早于上一次续报的时间（{at}）。").format(
                    at=timezone.localtime(last).strftime("%Y-%m-%d %H:%M")),
                code="order",
            )})
        current = {f: getattr(accident, f) for f in (*COUNT_FIELDS, "direct_loss_yuan")}
        figures = {**current, **supplied}
        changed = {f: (current[f], v) for f, v in figures.items() if v != current[f]}
        local = timezone.localtime(accident.occurred_at)
        in_window = rules.in_supplement_window(local, timezone.localtime(reported_at), kind=accident.supplement_kind)
        if changed and not in_window:
            deadline = rules.supplement_deadline(local, kind=accident.supplement_kind)
            raise ValidationError({"deaths": ValidationError(
                _("已超过补报期限（{date}），伤亡人数和损失不再变更；如需说明情况，请只填写续报内容。").format(
                    date=deadline.date().isoformat()),
                code="supplement_window_closed",
            )})
        grade_before, level_before = accident.grade, accident.investigating_level
        for field, value in figures.items():
            setattr(accident, field, value)
        fields = [*COUNT_FIELDS, "direct_loss_yuan", "grade", "grade_basis", "investigating_level", "updated_at"]
        converted = accident.kind == AccidentKind.NEAR_MISS and accident.deaths > 0
        if converted:
            accident.kind, accident.near_miss_item = AccidentKind.ACCIDENT, ""
            fields += ["kind", "near_miss_item"]
        _grade_fields(accident)
        level_changed = (
            not converted and accident.investigating_level != level_before and accident.kind == AccidentKind.ACCIDENT
        )
        if level_changed:
            accident.level_changed_from = level_before
            accident.level_changed_at = common.now()
            fields += ["level_changed_from", "level_changed_at"]
        accident.save(update_fields=fields)
        row = Supplement.objects.create(
            accident=accident, reported_at=reported_at, note=note, grade_before=grade_before,
            grade_after=accident.grade, level_before=level_before, level_after=accident.investigating_level,
            by=None if common.is_system(actor) else actor, **figures,
        )
        common.event(
            accident, actor, Action.SUPPLEMENT, note=note,
            data={"changed": {k: [str(a), str(b)] for k, (a, b) in changed.items()}},
        )
        if accident.grade != grade_before:
            common.event(
                accident, actor, Action.REGRADE,
                note=_("较大涉险事故造成人员死亡，转为生产安全事故。") if converted else "",
                data={"from": grade_before, "to": accident.grade, "basis": accident.grade_basis,
                      "level_from": level_before, "level_to": accident.investigating_level,
                      "from_kind": AccidentKind.NEAR_MISS.value if converted else accident.kind},
            )
        recipients = set(common.officers_over(accident, level="county"))
        title = _("事故续报：{unit}（{number}）").format(unit=accident.enterprise.name, number=accident.number)
        if level_changed:
            for level in report_levels_of(accident):
                recipients.update(common.officers_over(accident, level=level))
            title = _("事故调查级别变更：{number} 由{old}改为{new}负责调查").format(
                number=accident.number,
                old=rules.INVESTIGATION_LEVEL_LABELS.get(level_before, level_before),
                new=rules.INVESTIGATION_LEVEL_LABELS.get(accident.investigating_level, accident.investigating_level),
            )
        if converted:
            for level in report_levels_of(accident):
                recipients.update(common.officers_over(accident, level=level))
            title = _("较大涉险事故转为生产安全事故：{number}（{grade}，{level}负责调查）").format(
                number=accident.number, grade=accident.get_grade_display(),
                level=rules.INVESTIGATION_LEVEL_LABELS.get(accident.investigating_level, accident.investigating_level),
            )
        recipients.discard(actor if not common.is_system(actor) else None)
        kind = "accident.level_changed" if (level_changed or converted) else "accident.supplemented"
        transaction.on_commit(
            lambda: common.notify.notify(sorted(recipients, key=lambda u: u.pk), common.message(accident, kind, title))
        )
    return row


# --- the follow-up finding ----------------------------------------------------------------------------------------


def record_finding(*, actor, accident: Accident, finding: str, note: str) -> Accident:
    """The department's finding on how the unit reported: none, 迟报, 漏报, 谎报 or 瞒报 (条例 第三十六条 and
    安全生产法 第一百一十条 for the consequences)."""
    common.visible(actor, accident)
    if not can_clock(actor):
        raise PermissionDeniedError(_("只有监管部门可以认定事故报告情况。"))
    errors: dict = {}
    if finding not in ReportingFinding.values:
        errors["finding"] = ValidationError(_("请选择认定结论。"), code="invalid_choice")
    note = (note or "").strip()
    if not note:
        errors["note"] = ValidationError(_("请填写认定说明。"), code="required")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        accident = common.lock(accident)
        common.check_state(accident, Action.FINDING)
        accident.reporting_finding = finding
        accident.reporting_finding_note = note[:5000]
        accident.reporting_finding_by = None if common.is_system(actor) else actor
        accident.reporting_finding_at = common.now()
        accident.save(update_fields=["reporting_finding", "reporting_finding_note", "reporting_finding_by",
                                     "reporting_finding_at", "updated_at"])
        common.event(accident, actor, Action.FINDING, note=note, data={"finding": finding})
    return accident


def needs_follow_up(accident: Accident) -> bool:
    """Suspected omitted or concealed, or reported late, and no finding recorded yet."""
    flagged = accident.suspected_unreported or bool(accident.unit_report_minutes_late)
    return flagged and not accident.reporting_finding
