"""People of an enterprise: employees (personal fields encrypted at rest), the posts they held and their periods
away, training sessions and their records, and certificates with their reviews and reminders.

The ID-card number and the phone are stored only sealed (SM4-GCM, :mod:`anjian.core.crypto`) beside an HMAC-SM3
blind index of their normalised form, so a database dump holds neither, while an exact search and the
one-person-per-number checks still work. Writes go through the services (``services.py``, ``training.py``,
``certificates.py``) only.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from anjian.core import crypto
from anjian.people.choices import (
    CertificateKind,
    CertificateState,
    EmployeeState,
    EmploymentType,
    Gender,
    PersonKind,
    TrainingKind,
    TrainingResult,
)

_USER = settings.AUTH_USER_MODEL


def _open(sealed: str) -> str:
    try:
        return crypto.open_sealed(sealed)
    except crypto.DecryptionError:
        return ""


class Employee(models.Model):
    """One person on an enterprise's staff (or working there: dispatched, contractor's worker, intern)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="staff"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=6, choices=Gender.choices, blank=True)
    id_number_sealed = models.CharField(_("身份证号码（密文）"), max_length=200, editable=False)
    id_number_index = models.CharField(_("身份证号码索引"), max_length=64, editable=False)
    phone_sealed = models.CharField(_("联系电话（密文）"), max_length=200, blank=True, editable=False)
    phone_index = models.CharField(_("联系电话索引"), max_length=64, blank=True, editable=False)

    person_kind = models.CharField(
        _("人员类别"), max_length=20, choices=PersonKind.choices, default=PersonKind.EMPLOYEE
    )
    employment_type = models.CharField(
        _("用工形式"), max_length=20, choices=EmploymentType.choices, default=EmploymentType.REGULAR
    )
    employer_name = models.CharField(_("派遣单位、承包单位或学校"), max_length=200, blank=True)
    department = models.CharField(_("车间（部门）"), max_length=100, blank=True)
    team = models.CharField(_("班组"), max_length=100, blank=True)
    post = models.CharField(_("岗位"), max_length=100)
    hired_on = models.DateField(_("入职（进场）日期"))
    state = models.CharField(_("状态"), max_length=10, choices=EmployeeState.choices, default=EmployeeState.ACTIVE)
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    # The "may work" verdict (anjian.people.verdict), kept current by the services that change its inputs and by
    # the daily people scan (dates pass), so the lists of people who may not work are an indexed filter.
    work_ok = models.BooleanField(_("可以上岗"), default=False)
    work_reasons = models.JSONField(_("不能上岗的原因"), default=list, blank=True)
    work_checked_on = models.DateField(_("上岗条件核验日期"), null=True, blank=True)

    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        _USER, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("从业人员")
        verbose_name_plural = _("从业人员")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region_code", "id"], name="emp_region_id"),
            models.Index(fields=["enterprise", "state", "id"], name="emp_enterprise_state"),
            models.Index(fields=["id_number_index"], name="emp_id_index"),
            models.Index(fields=["phone_index"], name="emp_phone_index"),
            models.Index(fields=["work_ok", "region_code", "id"], name="emp_work_region"),
            models.Index(fields=["state", "work_checked_on"], name="emp_state_checked"),
        ]
        constraints = [
            # One active record per person per unit; a person who left may be registered again when rehired.
            models.UniqueConstraint(
                fields=["enterprise", "id_number_index"], condition=Q(state=EmployeeState.ACTIVE),
                name="employee_once_per_enterprise",
            ),
            models.CheckConstraint(
                name="employee_left_on_when_left",
                condition=Q(state=EmployeeState.ACTIVE, left_on__isnull=True)
                | Q(state=EmployeeState.LEFT, left_on__isnull=False),
                violation_error_message=_("离职人员须填写离职日期，在职人员不能有离职日期。"),
            ),
            models.CheckConstraint(
                name="employee_left_after_hired",
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("hired_on")),
                violation_error_message=_("离职日期不能早于入职日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        """The plaintext ID-card number; "" when it cannot be opened (keys changed: see ``unreadable``)."""
        return _open(self.id_number_sealed)

    @property
    def phone(self) -> str:
        return _open(self.phone_sealed)

    @property
    def unreadable(self) -> bool:
        """True when a stored personal field cannot be opened with the configured keys."""
        return any(sealed and not _open(sealed) for sealed in (self.id_number_sealed, self.phone_sealed))


class PostAssignment(models.Model):
    """A post held from one day to another; a change of post calls for new workshop and team training
    (《生产经营单位安全培训规定》第十七条)."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="posts")
    post = models.CharField(_("岗位"), max_length=100)
    department = models.CharField(_("车间（部门）"), max_length=100, blank=True)
    team = models.CharField(_("班组"), max_length=100, blank=True)
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    is_change = models.BooleanField(_("属于调岗"), default=False)
    recorded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("岗位经历")
        verbose_name_plural = _("岗位经历")
        ordering = ["employee", "started_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="post_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                violation_error_message=_("离任日期不能早于任职日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.post


class Absence(models.Model):
    """A period away from work (离岗); back after a year or more calls for new workshop and team training
    (第十七条)."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="absences")
    left_on = models.DateField(_("离岗日期"))
    returned_on = models.DateField(_("返岗日期"), null=True, blank=True)
    reason = models.CharField(_("离岗原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("离岗记录")
        verbose_name_plural = _("离岗记录")
        ordering = ["employee", "left_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="absence_returns_after_leaving",
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=F("left_on")),
                violation_error_message=_("返岗日期不能早于离岗日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.left_on} – {self.returned_on or ''}"


class TrainingSession(models.Model):
    """One training (安全生产法 第二十八条第四款: 时间、内容、参加人员以及考核结果 are its minimum record)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="training_sessions"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    kind = models.CharField(_("培训类别"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(_("培训主题"), max_length=200)
    content = models.TextField(_("培训内容"))
    trainer = models.CharField(_("授课人"), max_length=100)
    organiser = models.CharField(_("组织单位"), max_length=200, blank=True)
    place = models.CharField(_("培训地点"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    has_exam = models.BooleanField(_("有考核"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        _USER, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["region_code", "id"], name="training_region_id"),
            models.Index(fields=["enterprise", "starts_at"], name="training_enterprise_start"),
        ]
        constraints = [
            models.CheckConstraint(
                name="training_ends_after_start",
                condition=Q(ends_at__gt=F("starts_at")),
                violation_error_message=_("结束时间须晚于开始时间。"),
            ),
            models.CheckConstraint(
                name="training_hours_positive",
                condition=Q(hours__gt=0),
                violation_error_message=_("学时须大于0。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingRecord(models.Model):
    """One participant of a session, with the result (考核结果) and the hours credited."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="records")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="training_records")
    result = models.CharField(_("考核结果"), max_length=10, choices=TrainingResult.choices)
    score = models.DecimalField(_("成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    hours = models.DecimalField(_("计入学时"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "employee"], name="training_record_once"),
            models.CheckConstraint(
                name="training_record_hours_not_negative",
                condition=Q(hours__gte=0),
                violation_error_message=_("计入学时不能为负数。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.employee_id}"


class CertificateQuerySet(models.QuerySet):
    def with_number(self, kind: str, number: str):
        """Rows of ``kind`` whose (normalised) number is ``number``: an index match, nothing decrypted."""
        return self.filter(kind=kind, number_index=crypto.blind_index("certificate_number", number))


class Certificate(models.Model):
    """A certificate held by a person. ``holder_index`` is the holder's ID-card index, so the same person's
    certificate counts wherever they work; ``(kind, number)`` is unique: a number is registered by one person.

    The number is stored sealed with its blind index, like the ID-card number, because the special operations
    and special-equipment certificates commonly use the holder's ID-card number as their number. Read and set
    it through the ``number`` property (``Certificate(number=...)`` works too); look rows up with
    ``Certificate.objects.with_number(kind, number)`` (the number normalised by
    :func:`anjian.rules.certificates.normalise_number` first).

    ``valid_until``, ``review_due`` and ``due_on`` are kept by the services from
    :func:`anjian.rules.certificates.certificate_dates`; the deadline scan reads ``due_on``.
    """

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="certificates")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("登记单位"), on_delete=models.PROTECT, related_name="certificates"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    holder_index = models.CharField(_("持证人索引"), max_length=64, editable=False)
    kind = models.CharField(_("证书类别"), max_length=30, choices=CertificateKind.choices)
    item_code = models.CharField(_("作业类别（项目）代码"), max_length=20)
    number_sealed = models.CharField(_("证书编号（密文）"), max_length=200, editable=False)
    number_index = models.CharField(_("证书编号索引"), max_length=64, editable=False)
    issuer = models.CharField(_("发证机关"), max_length=100)
    # The start of the current validity period: the first issue, or the last renewal (换证 / 延期) for a certificate
    # registered after it was renewed; reviews are counted from it.
    issued_on = models.DateField(_("本有效期起始日期（初领或换证）"))
    valid_until = models.DateField(_("有效期至"))
    extended_review = models.BooleanField(_("复审周期延长为6年"), default=False)
    review_due = models.DateField(_("应复审日期"), null=True, blank=True)
    due_on = models.DateField(_("下一到期日"))
    due_kind = models.CharField(_("到期事项"), max_length=10)
    state = models.CharField(
        _("登记状态"), max_length=10, choices=CertificateState.choices, default=CertificateState.ACTIVE
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        _USER, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["region_code", "id"], name="cert_region_id"),
            models.Index(fields=["state", "due_on"], name="cert_state_due"),
            models.Index(fields=["holder_index", "kind"], name="cert_holder_kind"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number_index"], name="certificate_number_once"),
            models.CheckConstraint(
                name="certificate_valid_after_issue",
                condition=Q(valid_until__gt=F("issued_on")),
                violation_error_message=_("有效期须晚于发证日期。"),
            ),
        ]

    def __str__(self) -> str:
        from anjian.rules.id_card import is_valid, mask

        number = self.number
        return f"{self.get_kind_display()} {mask(number) if is_valid(number) else number}"

    @property
    def number(self) -> str:
        return _open(self.number_sealed)

    @number.setter
    def number(self, value: str) -> None:
        self.number_sealed = crypto.seal(value)
        self.number_index = crypto.blind_index("certificate_number", value)


class CertificateReview(models.Model):
    """A review (复审) or, when ``valid_until`` is given, a renewal (延期复审 / 延续) of a certificate."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("复审日期"))
    passed = models.BooleanField(_("复审合格"), default=True)
    valid_until = models.DateField(_("延续后有效期至"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证书复审")
        verbose_name_plural = _("证书复审")
        ordering = ["certificate", "reviewed_on", "id"]

    def __str__(self) -> str:
        return str(self.reviewed_on)


class CertificateReminder(models.Model):
    """A reminder sent for a due date: one row per (certificate, due date, days before), so it goes out once."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    days_before = models.SmallIntegerField()
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证书到期提醒")
        verbose_name_plural = _("证书到期提醒")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "due_on", "days_before"], name="cert_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id}:{self.due_on}:{self.days_before}"
