"""公民身份号码 — GB 11643-1999, and masking of ID and phone numbers for display.

Rules (the standard's own text was not read; the structure and the check algorithm are the ones every public
implementation uses — **VERIFIED-SECONDARY** in the sense of regulations.md, see :data:`RULES`):

* 18 characters: 6-digit address code (GB/T 2260 行政区划代码), 8-digit birth date ``YYYYMMDD``, 3-digit sequence
  code (the 17th digit is odd for men, even for women), 1 check character.
* Check character: ISO 7064 MOD 11-2. Σ(digit × weight) over the first 17 digits with the weights
  7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, and the remainder mod 11 (0..10) maps to ``"10X98765432"``.

Our decisions (UNVERIFIED, :data:`RULES`):

* :func:`normalise` removes **all** whitespace (people type ``110105 19491231 002X``), turns full-width digits and
  X into half-width and lower-case x into X. Nothing else is changed (a hyphen stays and fails ``characters``).
* 15-digit first-generation numbers are refused (code ``length``, the message asks for the 18-digit number).
* ``region``: only the first two digits are checked, against the province-level codes of GB/T 2260 plus 81 / 82 / 83
  (港澳台居民居住证). The county code changes every year and old codes stay valid in issued numbers, so it is not
  checked (regulations.md §13.2: division codes are reference data, never an enum in code). Numbers beginning
  with 9 (the 2023 外国人永久居留身份证) are accepted when the next two digits are a province code.
* ``birth_date``: the 8 digits must be a real date not before 1900-01-01; ``future_birth``: not after ``today``.
* :class:`IdCardCheck` carries ``birth_date`` and ``gender`` only when the number is valid (``ok``), so nothing is
  read out of a number that failed a check.
* :func:`mask` keeps the first 3 and last 4 characters (``110***********002X``); :func:`mask_phone` keeps
  ``138****5678`` for 11-digit mobile numbers and only the last 4 characters otherwise.

Checks run in this order and the first failure is reported: length, characters, region, birth_date, future_birth,
check_digit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from anjian.rules._dates import as_date as _as_date

__all__ = [
    "STATUSES",
    "Rule",
    "RULES",
    "LENGTH",
    "WEIGHTS",
    "CHECK_CHARS",
    "PROVINCE_CODES",
    "CODES",
    "MESSAGES",
    "MALE",
    "FEMALE",
    "GENDER_LABELS",
    "IdCardCheck",
    "normalise",
    "check_digit",
    "validate",
    "is_valid",
    "mask",
    "mask_phone",
]

VERIFIED_PRIMARY = "VERIFIED-PRIMARY"
VERIFIED_SECONDARY = "VERIFIED-SECONDARY"
UNVERIFIED = "UNVERIFIED"
STATUSES = (VERIFIED_PRIMARY, VERIFIED_SECONDARY, UNVERIFIED)

STANDARD = "GB 11643-1999《公民身份号码》"


@dataclass(frozen=True)
class Rule:
    """One rule or decision with its source and status."""

    code: str
    title: str
    source: str
    status: str
    effective_from: datetime.date | None = None
    effective_to: datetime.date | None = None
    note: str = ""


LENGTH = 18
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # index = Σ(digit × weight) mod 11

# GB/T 2260 province-level codes, plus 81 香港, 82 澳门 (港澳居民居住证) and 83 台湾 (台湾居民居住证).
PROVINCE_CODES = frozenset(
    """11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54
    61 62 63 64 65 71 81 82 83""".split()
)

RULES: tuple[Rule, ...] = (
    Rule(
        code="structure",
        title="18位：6位地址码、8位出生日期码、3位顺序码（第17位奇数为男、偶数为女）、1位校验码",
        source=f"{STANDARD}；公开实现通行的结构说明（标准原文未读）",
        status=VERIFIED_SECONDARY,
        effective_from=datetime.date(1999, 7, 1),
        note="施行日期 1999-07-01 未核实（UNVERIFIED）。",
    ),
    Rule(
        code="check_digit",
        title="校验码：ISO 7064 MOD 11-2，权重 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2，余数0–10对应 1 0 X 9 8 7 6 5 4 3 2",
        source=f"{STANDARD}；多个公开实现一致，并以通行示例号码 11010519491231002X 验证（标准原文未读）",
        status=VERIFIED_SECONDARY,
        note="算法在测试中以示例号码和逐位替换校验。",
    ),
    Rule(
        code="fifteen_digits_refused",
        title="不受理15位旧号码，须填写18位公民身份号码（平台约定）",
        source="本平台约定",
        status=UNVERIFIED,
        note="第一代身份证已停止使用（停止日期未核实），平台只保存18位号码。",
    ),
    Rule(
        code="region_prefix",
        title="地址码只校验前两位省级代码（含81、82、83居住证和以9开头的外国人永久居留身份证）（平台约定）",
        source="本平台约定；GB/T 2260（regulations.md §13.2：行政区划代码每年变化，应作为参考数据而非代码中的枚举）",
        status=UNVERIFIED,
        note="县级代码每年调整且已签发号码中的旧代码仍然有效，故不逐级校验。外国人永久居留身份证（2023版）号码结构未核实。",
    ),
    Rule(
        code="birth_date_range",
        title="出生日期须为1900-01-01以后的真实日期，且不晚于当天（平台约定）",
        source="本平台约定",
        status=UNVERIFIED,
        note="标准只规定出生日期码的格式；下限1900年是平台为发现录入错误而设的约定。",
    ),
)

CODES = ("length", "characters", "region", "birth_date", "future_birth", "check_digit")
MESSAGES = {
    "empty": "请填写18位公民身份号码。",
    "length": "身份证号码应为18位，当前为{n}位，请核对。",
    "fifteen": "不再受理15位旧身份证号码，请填写18位公民身份号码。",
    "characters": "身份证号码只能由数字组成，最后一位可以是X，请核对。",
    "region": "身份证号码前两位不是有效的省级行政区划代码，请核对。",
    "birth_date": "身份证号码中的出生日期（第7至14位）不是有效日期，请核对。",
    "future_birth": "身份证号码中的出生日期晚于今天，请核对。",
    "check_digit": "身份证号码校验位不正确，请核对。",
}

MALE = "male"
FEMALE = "female"
GENDER_LABELS = {MALE: "男", FEMALE: "女"}

_EARLIEST_BIRTH = datetime.date(1900, 1, 1)
_FULLWIDTH = {ord("０") + i: str(i) for i in range(10)} | {ord("Ｘ"): "X", ord("ｘ"): "X", ord("x"): "X"}


@dataclass(frozen=True)
class IdCardCheck:
    """The result of :func:`validate`. ``code`` is "" when ``ok``; ``birth_date`` and ``gender`` only when ``ok``."""

    number: str  # normalised
    ok: bool
    code: str
    message: str
    birth_date: datetime.date | None = None
    gender: str | None = None  # MALE / FEMALE

    @property
    def gender_label(self) -> str:
        return GENDER_LABELS.get(self.gender or "", "")


def normalise(text: str) -> str:
    """Whitespace removed anywhere, full-width digits / Ｘ / ｘ to half-width, x to X. Non-str gives ""."""
    if not isinstance(text, str):
        return ""
    return "".join(text.split()).translate(_FULLWIDTH)


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits (ISO 7064 MOD 11-2). ValueError unless 17 digits."""
    if not isinstance(first17, str):
        raise ValueError(f"expected 17 digits, got {first17!r}")
    first17 = normalise(first17)
    if len(first17) != LENGTH - 1 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(int(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _region_ok(number: str) -> bool:
    if number[0] == "9":
        return number[1:3] in PROVINCE_CODES
    return number[:2] in PROVINCE_CODES


def _fail(number: str, code: str, message: str) -> IdCardCheck:
    return IdCardCheck(number=number, ok=False, code=code, message=message)


def validate(text: str, *, today: datetime.date | None = None) -> IdCardCheck:
    """Check a 公民身份号码; the first failing check is reported (see the module docstring for the order)."""
    number = normalise(text)
    today = datetime.date.today() if today is None else _as_date(today)
    if not number:
        return _fail(number, "length", MESSAGES["empty"])
    if len(number) == 15 and number.isascii() and number.isdigit():
        return _fail(number, "length", MESSAGES["fifteen"])
    if len(number) != LENGTH:
        return _fail(number, "length", MESSAGES["length"].format(n=len(number)))
    body, last = number[:17], number[17]
    if not (body.isascii() and body.isdigit()) or not (last == "X" or (last.isascii() and last.isdigit())):
        return _fail(number, "characters", MESSAGES["characters"])
    if not _region_ok(number):
        return _fail(number, "region", MESSAGES["region"])
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _fail(number, "birth_date", MESSAGES["birth_date"])
    if birth < _EARLIEST_BIRTH:
        return _fail(number, "birth_date", MESSAGES["birth_date"])
    if birth > today:
        return _fail(number, "future_birth", MESSAGES["future_birth"])
    if check_digit(body) != last:
        return _fail(number, "check_digit", MESSAGES["check_digit"])
    gender = MALE if int(number[16]) % 2 else FEMALE
    return IdCardCheck(number=number, ok=True, code="", message="", birth_date=birth, gender=gender)


def is_valid(text: str, *, today: datetime.date | None = None) -> bool:
    """``validate(text, today=today).ok``."""
    return validate(text, today=today).ok


def mask(number: str) -> str:
    """First 3 and last 4 characters kept, the rest as ``*`` (length kept): ``110***********002X``.

    The number is normalised first. Shorter than 8 characters: everything is masked.
    """
    number = normalise(number)
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str) -> str:
    """``138****5678`` for an 11-digit mobile number (starting with 1); otherwise only the last 4 characters are kept
    and every other character becomes ``*`` (``010-12345678`` → ``********5678``). Whitespace and full-width digits
    are normalised first; 4 characters or fewer are masked entirely."""
    if not isinstance(phone, str):
        return ""
    phone = "".join(phone.split()).translate({ord("０") + i: str(i) for i in range(10)} | {ord("－"): "-"})
    if len(phone) == 11 and phone.isascii() and phone.isdigit() and phone[0] == "1":
        return phone[:3] + "****" + phone[-4:]
    if len(phone) <= 4:
        return "*" * len(phone)
    return "*" * (len(phone) - 4) + phone[-4:]
