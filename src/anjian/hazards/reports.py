"""The enterprise's quarterly and annual hazard statistics (令16号 第十四条): generated from the
ledger, signed by the principal (the signature binds the signer to the figures' hash), submitted
to the authority. Authorities see which enterprises are late or missing."""

import datetime
import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.enterprises.choices import EnterpriseStatus
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.hazards.choices import OPEN_STATES, HazardGrade, HazardState, ReportState
from anjian.hazards.models import Hazard, HazardReport
from anjian.rules.hazard_schedule import Period, due_date

# Units that owe the report: those that trade legally (an illegal unit is dealt with by enforcement).
REPORTING_STATUSES = (EnterpriseStatus.OPERATING, EnterpriseStatus.SUSPENDED)


def _aware(day: datetime.date, end: bool = False) -> datetime.datetime:
    moment = datetime.datetime.combine(day + datetime.timedelta(days=1) if end else day, datetime.time())
    return timezone.make_aware(moment)


def figures(enterprise: Enterprise, period: Period) -> dict:
    """The report's figures from the ledger, for hazards found in the period and their state at its end."""
    start, end = _aware(period.start), _aware(period.end, end=True)
    confirmed = Hazard.objects.filter(enterprise=enterprise).exclude(
        state__in=[HazardState.REPORTED, HazardState.REJECTED]
    )
    found = confirmed.filter(found_at__gte=start, found_at__lt=end)
    closed = confirmed.filter(state=HazardState.CLOSED, verified_at__gte=start, verified_at__lt=end)
    open_at_end = confirmed.filter(found_at__lt=end).filter(Q(verified_at__isnull=True) | Q(verified_at__gte=end))
    funds = closed.aggregate(total=Sum("funds"))["total"]
    return {
        "period": period.key,
        "found": found.count(),
        "found_general": found.filter(grade=HazardGrade.GENERAL).count(),
        "found_major": found.filter(grade=HazardGrade.MAJOR).count(),
        "rectified": closed.count(),
        "rectified_major": closed.filter(grade=HazardGrade.MAJOR).count(),
        "open_at_end": open_at_end.count(),
        "major_open_at_end": open_at_end.filter(grade=HazardGrade.MAJOR).count(),
        "overdue_now": confirmed.filter(state__in=list(OPEN_STATES), is_overdue=True).count(),
        "funds": str(funds or 0),
    }


def content_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def report_generate(*, actor, enterprise: Enterprise, period_key: str) -> HazardReport:
    """Create (or regenerate, while still a draft) the report for a period that has ended."""
    if (
        actor.role not in (Role.ENTERPRISE_PRINCIPAL, Role.ENTERPRISE_SAFETY_MANAGER)
        or actor.enterprise_id != enterprise.pk
    ):
        raise PermissionDeniedError(_("统计报表由本企业主要负责人或安全管理人员生成。"))
    try:
        period = Period.parse(period_key)
    except ValueError:
        raise ValidationError(
            {"period": ValidationError(_("统计期格式不正确（如 2026Q3 或 2026）。"), code="invalid")}
        ) from None
    if period.end >= timezone.localdate():
        raise ValidationError({"period": ValidationError(_("统计期尚未结束。"), code="not_ended")})
    data = figures(enterprise, period)
    with transaction.atomic():
        report = HazardReport.objects.select_for_update().filter(enterprise=enterprise, period=period.key).first()
        if report and report.state != ReportState.DRAFT:
            raise ConflictError(
                _("该期报表已报送，不能重新生成。"), code="report_submitted", extra={"current_state": report.state}
            )
        if report is None:
            try:
                with transaction.atomic():
                    report = HazardReport.objects.create(
                        enterprise=enterprise,
                        region_code=enterprise.region_code,
                        period=period.key,
                        due_date=due_date(period),
                        figures=data,
                        content_hash=content_hash(data),
                    )
            except IntegrityError:
                raise ConflictError(_("该期报表正在生成，请刷新。"), code="report_exists") from None
        else:
            report.figures, report.content_hash = data, content_hash(data)
            report.save(update_fields=["figures", "content_hash"])
        audit.record(
            actor=actor, action="hazard_report.generate", obj=report, changes=data, region_code=report.region_code
        )
    return report


def report_sign_and_submit(*, actor, report: HazardReport) -> HazardReport:
    """The principal signs the figures as generated and submits them (one act, bound to the hash)."""
    if actor.role != Role.ENTERPRISE_PRINCIPAL or actor.enterprise_id != report.enterprise_id:
        raise PermissionDeniedError(_("统计报表须由企业主要负责人签字报送。"))
    with transaction.atomic():
        report = HazardReport.objects.select_for_update().get(pk=report.pk)
        if report.state != ReportState.DRAFT:
            raise ConflictError(_("该期报表已报送。"), code="report_submitted", extra={"current_state": report.state})
        if content_hash(report.figures) != report.content_hash:
            raise ConflictError(_("报表内容与生成时不一致，请重新生成。"), code="report_tampered")
        now = timezone.now()
        report.state, report.signed_by, report.signed_at, report.submitted_at = ReportState.SUBMITTED, actor, now, now
        report.save(update_fields=["state", "signed_by", "signed_at", "submitted_at"])
        audit.record(
            actor=actor,
            action="hazard_report.sign_submit",
            obj=report,
            changes={"period": report.period, "content_hash": report.content_hash, "late": report.late},
            region_code=report.region_code,
        )
    return report


def missing_reports(user, period: Period):
    """Enterprises in the user's scope that owe the period's report and have not submitted it."""
    submitted = HazardReport.objects.filter(enterprise=OuterRef("pk"), period=period.key, state=ReportState.SUBMITTED)
    return enterprises_visible_to(user).filter(status__in=list(REPORTING_STATUSES)).exclude(Exists(submitted))
