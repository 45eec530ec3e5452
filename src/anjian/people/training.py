"""Every write to the training file (安全生产教育和培训档案): sessions with their time, content, trainer, participants
and results (安全生产法 第二十八条第四款).

Each service checks that the actor keeps the enterprise's ledger, validates, writes in one transaction, records an
audit event and refreshes the "may work" verdict of the people concerned.

Hours (学时): positive, one decimal, and no more than the session's duration allows: a 学时 is 45 to 60 minutes in
practice, so a session may count at most one 学时 per 45 minutes between its start and its end (our decision;
``MINUTES_PER_HOUR_MIN``). A participant is credited at most the session's hours; an absent participant is
credited none (stored 0), a failed one keeps the hours attended but the verdict counts passed records only.
"""

import datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit, ximport
from anjian.people import verdict
from anjian.people.choices import EmployeeState, TrainingKind, TrainingResult
from anjian.people.models import Employee, TrainingRecord, TrainingSession
from anjian.people.permissions import require_keeper
from anjian.people.services import _char, _Errors, _text
from anjian.rules.training import format_hours

MINUTES_PER_HOUR_MIN = 45  # the shortest 学时 in practice
MAX_HOURS = Decimal("999.9")
SESSION_FIELDS = ("kind", "title", "content", "trainer", "organiser", "place", "starts_at", "ends_at", "hours",
                  "has_exam")
ONE_PLACE = Decimal("0.1")
MAX_SCORE = Decimal(100)
EARLIEST_DAY, LATEST_DAY = ximport.DATE_MIN, ximport.DATE_MAX  # a session's start and end lie in these years


# --- parsing ---------------------------------------------------------------------------------------------------------


def parse_decimal(value) -> Decimal | None:
    """A Decimal from a number or a text; None for blank; ValueError for anything else (bool, NaN, infinity)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


def _hours(errors: _Errors, field: str, value, label: str, *, required: bool = True,
           maximum: Decimal = MAX_HOURS, below: tuple[str, str] | None = None,
           above: tuple[str, str] | None = None) -> Decimal | None:
    """A number of at most one decimal between 0 and ``maximum`` (hours, a score), or None with an error.

    The range is checked before the number is rounded: ``quantize`` raises InvalidOperation on "1e30".
    ``below`` / ``above``: the (message, code) of a number under 0 / over ``maximum`` (by default the range
    message with the code ``out_of_range``); 0 itself is the caller's to refuse."""
    try:
        number = parse_decimal(value)
    except ValueError:
        errors.add(field, _("{label}须为数字。").format(label=label), "invalid")
        return None
    if number is None:
        if required:
            errors.add(field, _("请填写{label}。").format(label=label), "required")
        return None
    if number < 0:
        message, code = below or (_("{label}不能小于0。").format(label=label), "out_of_range")
        errors.add(field, message, code)
        return None
    if number > maximum:
        message, code = above or (_("{label}不能超过{n}。").format(label=label, n=maximum), "out_of_range")
        errors.add(field, message, code)
        return None
    if number != number.quantize(ONE_PLACE, rounding=ROUND_DOWN):
        errors.add(field, _("{label}最多保留1位小数。").format(label=label), "precision")
        return None
    return number.quantize(ONE_PLACE)


def _moment(errors: _Errors, data: dict, field: str, label: str) -> datetime.datetime | None:
    value = data.get(field)
    if isinstance(value, str) and value.strip():
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            errors.add(field, _("{label}不是有效的日期和时间。").format(label=label), "invalid")
            return None
    if value is None or value == "":
        errors.add(field, _("请填写{label}。").format(label=label), "required")
        return None
    if not isinstance(value, datetime.datetime):
        errors.add(field, _("{label}不是有效的日期和时间。").format(label=label), "invalid")
        return None
    # Before any conversion: year 1 east of UTC overflows when made UTC (a 500 on saving or comparing).
    if not EARLIEST_DAY <= value.date() <= LATEST_DAY:
        errors.add(field, _("{label}超出允许范围：日期须在{a}至{b}之间。").format(
            label=label, a=EARLIEST_DAY, b=LATEST_DAY), "out_of_range")
        return None
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value)
        except (OverflowError, ValueError):
            errors.add(field, _("{label}不是有效的日期和时间。").format(label=label), "invalid")
            return None
    return value


def max_hours_for(starts_at: datetime.datetime, ends_at: datetime.datetime) -> Decimal:
    """The most 学时 a session from ``starts_at`` to ``ends_at`` may count (one per 45 minutes, one decimal, down)."""
    minutes = Decimal(int((ends_at - starts_at).total_seconds() // 60))
    return (minutes / MINUTES_PER_HOUR_MIN).quantize(ONE_PLACE, rounding=ROUND_DOWN)


def _clean_session(data: dict[str, Any], *, instance: TrainingSession | None = None) -> dict[str, Any]:
    errors = _Errors()
    keys = set(SESSION_FIELDS) if instance is None else set(data) & set(SESSION_FIELDS)
    out: dict[str, Any] = {}
    if "kind" in keys:
        kind = _text(data.get("kind"))
        if not kind:
            errors.add("kind", _("请选择培训类别。"), "required")
        elif kind not in TrainingKind.values:
            errors.add("kind", _("培训类别的取值无效。"), "invalid_choice")
        out["kind"] = kind
    if "title" in keys:
        out["title"] = _char(errors, data, "title", _("培训主题"), 200, required=True)
    if "content" in keys:
        out["content"] = _char(errors, data, "content", _("培训内容"), 20000, required=True)
    if "trainer" in keys:
        out["trainer"] = _char(errors, data, "trainer", _("授课人"), 100, required=True)
    if "organiser" in keys:
        out["organiser"] = _char(errors, data, "organiser", _("组织单位"), 200)
    if "place" in keys:
        out["place"] = _char(errors, data, "place", _("培训地点"), 200)
    if "starts_at" in keys:
        out["starts_at"] = _moment(errors, data, "starts_at", _("开始时间"))
    if "ends_at" in keys:
        out["ends_at"] = _moment(errors, data, "ends_at", _("结束时间"))
    if "hours" in keys:
        out["hours"] = _hours(errors, "hours", data.get("hours"), _("学时"),
                              below=(_("学时须大于0。"), "hours_not_positive"))
    if "has_exam" in keys:
        value = data.get("has_exam")
        if not isinstance(value, bool):
            errors.add("has_exam", _("「有考核」须为是或否。"), "invalid")
        out["has_exam"] = bool(value)

    def merged(field):
        return out[field] if field in out else (getattr(instance, field) if instance is not None else None)

    starts_at, ends_at, hours = merged("starts_at"), merged("ends_at"), merged("hours")
    if starts_at and "starts_at" in out and starts_at > timezone.now():
        errors.add("starts_at", _("开始时间不能晚于现在：培训档案记录已经进行的培训。"), "future")
    if starts_at and ends_at and ends_at <= starts_at:
        errors.add("ends_at", _("结束时间须晚于开始时间。"), "ends_before_start")
    if hours is not None and hours <= 0:
        errors.add("hours", _("学时须大于0。"), "hours_not_positive")
    elif hours is not None and starts_at and ends_at and ends_at > starts_at:
        limit = max_hours_for(starts_at, ends_at)
        minutes = int((ends_at - starts_at).total_seconds() // 60)
        if hours > limit:
            errors.add("hours", _(
                "学时 {h} 超过培训时长所能计入的学时：从开始到结束共 {m} 分钟，"
                "按每学时不少于45分钟计最多 {limit} 学时。").format(h=format_hours(hours), m=minutes,
                     limit=format_hours(limit)), "hours_exceed_duration")
    errors.raise_if_any()
    return out


def _clean_participants(enterprise, participants, *, session_hours: Decimal, has_exam: bool,
                        session_day: datetime.date) -> list[dict]:
    """[{employee, result, score, hours}] checked: employees of ``enterprise``, once each, score 0–100, hours within
    the session's; an absent participant gets 0 hours."""
    if not isinstance(participants, (list, tuple)):
        raise ValidationError({"participants": ValidationError(_("参加人员须为列表。"), code="invalid")})
    if not participants:
        raise ValidationError({"participants": ValidationError(
            _("请至少选择一名参加人员（培训档案须记录参加人员）。"), code="participants_required")})
    wanted = []
    for item in participants:
        if not isinstance(item, dict):
            raise ValidationError({"participants": ValidationError(_("参加人员的格式有误。"), code="invalid")})
        who = item.get("employee")
        wanted.append(who.pk if isinstance(who, Employee) else who)
    ids = [w for w in wanted if isinstance(w, int) and not isinstance(w, bool)]
    found = {e.pk: e for e in Employee.objects.filter(pk__in=ids).only(
        "id", "name", "enterprise_id", "state", "left_on")}
    problems: list[ValidationError] = []
    out, seen = [], set()

    def problem(n, name, message, code):
        who = _("第{n}位参加人员").format(n=n) + (f"（{name}）" if name else "")
        problems.append(ValidationError(f"{who}：{message}", code=code))

    for n, (item, pk) in enumerate(zip(participants, wanted, strict=True), start=1):
        employee = found.get(pk) if isinstance(pk, int) and not isinstance(pk, bool) else None
        if employee is None or employee.enterprise_id != enterprise.pk:
            problem(n, "", _("不是本单位登记的人员。"), "participant_other_enterprise")
            continue
        if pk in seen:
            problem(n, employee.name, _("重复选择。"), "participant_duplicate")
            continue
        seen.add(pk)
        if employee.state == EmployeeState.LEFT and employee.left_on and employee.left_on < session_day:
            problem(n, employee.name, _("已于 {day} 离职，不能参加此后的培训。").format(day=employee.left_on),
                    "participant_left")
            continue
        result = _text(item.get("result")) or ("" if has_exam else TrainingResult.PASSED)
        if not result:
            problem(n, employee.name, _("请填写考核结果。"), "result_required")
            continue
        if result not in TrainingResult.values:
            problem(n, employee.name, _("考核结果的取值无效。"), "invalid_choice")
            continue
        errs = _Errors()
        score_range = (_("成绩应在0至100之间。"), "score_out_of_range")
        score = _hours(errs, "score", item.get("score"), _("成绩"), required=False, maximum=MAX_SCORE,
                       below=score_range, above=score_range)
        if errs.errors:
            problem(n, employee.name, errs.errors["score"][0].messages[0], errs.errors["score"][0].code)
            continue
        hours = _hours(errs, "hours", item.get("hours"), _("计入学时"), required=False,
                       below=(_("计入学时不能为负数。"), "hours_negative"))
        if errs.errors:
            problem(n, employee.name, errs.errors["hours"][0].messages[0], errs.errors["hours"][0].code)
            continue
        hours = session_hours if hours is None else hours
        if hours > session_hours:
            problem(n, employee.name, _("计入学时 {h} 超过本次培训的 {s} 学时。").format(
                h=format_hours(hours), s=format_hours(session_hours)), "participant_hours_exceed")
            continue
        if result == TrainingResult.ABSENT:
            hours = Decimal(0)
        out.append({"employee": employee, "result": result, "score": score, "hours": hours.quantize(ONE_PLACE)})
    if problems:
        raise ValidationError({"participants": problems})
    return out


def _write_records(session: TrainingSession, rows: list[dict]) -> None:
    TrainingRecord.objects.bulk_create([
        TrainingRecord(session=session, employee=r["employee"], result=r["result"], score=r["score"],
                       hours=r["hours"])
        for r in rows
    ])


def _participants_audit(rows: list[dict]) -> list[dict]:
    return [{"employee": r["employee"].pk, "result": r["result"], "score": r["score"], "hours": r["hours"]}
            for r in rows]


def _session_changes(session: TrainingSession) -> dict:
    return {f: getattr(session, f) for f in SESSION_FIELDS if f != "content"}


def _audit(actor, action: str, session: TrainingSession, changes: dict) -> None:
    audit.record(actor=actor, action=f"people.training.{action}", obj=session, changes=changes,
                 region_code=session.region_code)


def _day(session_or_moment) -> datetime.date:
    moment = getattr(session_or_moment, "starts_at", session_or_moment)
    return timezone.localtime(moment).date()


# --- services --------------------------------------------------------------------------------------------------------


def session_record(*, actor, enterprise, data: dict, participants: list[dict]) -> TrainingSession:
    """Record a training session of ``enterprise`` with its participants and their results."""
    require_keeper(actor, enterprise)
    values = _clean_session(data)
    rows = _clean_participants(enterprise, participants, session_hours=values["hours"], has_exam=values["has_exam"],
                               session_day=_day(values["starts_at"]))
    with transaction.atomic():
        session = TrainingSession.objects.create(
            enterprise=enterprise, region_code=enterprise.region_code,
            created_by=None if getattr(actor, "is_system", False) else actor, **values,
        )
        _write_records(session, rows)
        _audit(actor, "record", session, {**_session_changes(session), "participants": _participants_audit(rows)})
        verdict.refresh([r["employee"].pk for r in rows])
    return session


def session_update(*, actor, session: TrainingSession, data: dict, participants: list[dict] | None = None
                   ) -> TrainingSession:
    """Correct the keys given in ``data``; ``participants`` (when given) replace the list. Records that were
    credited the session's full hours follow a change of the hours; none may exceed the new hours."""
    require_keeper(actor, session.enterprise)
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().select_related("enterprise").get(pk=session.pk)
        values = _clean_session(data, instance=session)
        before = _session_changes(session)
        old_hours = session.hours
        for k, v in values.items():
            setattr(session, k, v)
        old_ids = set(session.records.values_list("employee_id", flat=True))
        if participants is not None:
            rows = _clean_participants(session.enterprise, participants, session_hours=session.hours,
                                       has_exam=session.has_exam, session_day=_day(session))
        else:
            rows = None
            if session.hours != old_hours:
                session.records.filter(hours=old_hours).exclude(result=TrainingResult.ABSENT).update(
                    hours=session.hours)
                session.records.filter(hours__gt=session.hours).update(hours=session.hours)
        session.save()
        changes = audit.diff(before, _session_changes(session))
        if rows is not None:
            session.records.all().delete()
            _write_records(session, rows)
            changes["participants"] = _participants_audit(rows)
        if changes:
            _audit(actor, "update", session, changes)
        new_ids = {r["employee"].pk for r in rows} if rows is not None else old_ids
        verdict.refresh(old_ids | new_ids)
    return session


def records_set(*, actor, session: TrainingSession, participants: list[dict]) -> TrainingSession:
    """Replace the participant list of ``session`` (all or nothing)."""
    return session_update(actor=actor, session=session, data={}, participants=participants)


def session_delete(*, actor, session: TrainingSession) -> None:
    """Delete a session recorded in error, with its records (audited; the verdicts of its participants follow)."""
    require_keeper(actor, session.enterprise)
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().select_related("enterprise").get(pk=session.pk)
        ids = set(session.records.values_list("employee_id", flat=True))
        changes = {**_session_changes(session), "participants": sorted(ids)}
        _audit(actor, "delete", session, changes)
        session.delete()
        verdict.refresh(ids)
