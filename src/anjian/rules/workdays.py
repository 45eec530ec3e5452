"""工作日 arithmetic for China — weekends, statutory public holidays and 调休 make-up working days.

Why: 《行政处罚法》第八十五条 「本法中“二日”“三日”“五日”“七日”的规定是指工作日，不含法定节假日。」 and
《行政强制法》第六十九条 「本法中十日以内期限的规定是指工作日，不含法定节假日。」 A working day is a Monday–Friday
that is not an off day of the State Council's yearly holiday arrangement, or a Saturday/Sunday that the
arrangement makes a working day (调休上班日).

Data: :data:`HOLIDAY_TABLE` has one :class:`HolidayYear` row per year 2020–2026, transcribed from the yearly
《国务院办公厅关于YYYY年部分节假日安排的通知》. Every row is **VERIFIED-SECONDARY**: the dates were checked against
third-party reproductions of the notice (人民日报, 光明网, 维基文库, 北京市政府网站 …, URLs in ``note``); no
official gov.cn page was reachable. The 2026 notice's 国办发明电 number was not found (``document_number`` is
empty and the source says so). The years outside the table are *not covered*.

Rules (documented decisions):

* ``holidays`` are the off-day ranges exactly as the notice words them (both ends inclusive; weekend days inside a
  range are off anyway). ``make_up_days`` are the Saturdays/Sundays the notice makes working days.
* 2020: the 春节 holiday was extended to 2月2日 by 国办发明电〔2020〕1号; the original make-up day 2月1日 (Saturday)
  therefore no longer exists. The row holds the final arrangement.
* 2024 春节: 「鼓励各单位……安排职工在除夕（2月9日）休息」 is encouragement, not an off day — 2月9日 stays a working
  day.
* Self-check (:func:`_check_table`, run at import): for every year, weekday off days − make-up days must equal the
  number of statutory holiday days (11 until 2024; 13 from 2025, when 除夕 and 5月2日 were added by the 2024 amendment
  of 《全国年节及纪念日放假办法》, as the 2025 notice states; VERIFIED-SECONDARY) plus any extension (2020: +2).
* Outside covered years: weekends-only fallback (Monday–Friday are working days). Callers check :func:`covered`
  and show a caveat. A year's table can also touch the neighbouring December: the 2023 notice starts 元旦 on
  2022-12-31, and a following-year notice can make a late-December weekend day a working day (it did on
  2018-12-29). The 2027 notice is not in the table, so the last days of December 2026 are only as good as the
  fallback.
* Local arrangements (e.g. a province extending a holiday) are configuration: build a :class:`HolidayCalendar`
  with :meth:`HolidayCalendar.with_changes` and pass it as ``calendar=``.

Counting: :func:`add_working_days` returns the n-th working day after ``start`` (``start`` itself is not counted,
as 期间开始的当日不计入); :func:`subtract_working_days` is its mirror image (the n-th working day before ``end``);
:func:`working_days_between` counts the working days in ``(a, b]``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from anjian.rules._dates import as_date as _as_date

__all__ = [
    "STATUSES",
    "HOLIDAY_NAMES",
    "Holiday",
    "HolidayYear",
    "HOLIDAY_TABLE",
    "YEARS",
    "HolidayCalendar",
    "DEFAULT",
    "covered",
    "is_working_day",
    "add_working_days",
    "subtract_working_days",
    "working_days_between",
]

VERIFIED_PRIMARY = "VERIFIED-PRIMARY"
VERIFIED_SECONDARY = "VERIFIED-SECONDARY"
UNVERIFIED = "UNVERIFIED"
STATUSES = (VERIFIED_PRIMARY, VERIFIED_SECONDARY, UNVERIFIED)

HOLIDAY_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "国庆节、中秋节")

D = datetime.date
_ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Holiday:
    """One off-day range of a notice, both ends inclusive (「1月24日至30日放假调休」)."""

    name: str
    first: datetime.date
    last: datetime.date

    def days(self) -> tuple[datetime.date, ...]:
        out = []
        day = self.first
        while day <= self.last:
            out.append(day)
            day += _ONE_DAY
        return tuple(out)


@dataclass(frozen=True)
class HolidayYear:
    """The State Council's holiday arrangement for one calendar year."""

    year: int
    holidays: tuple[Holiday, ...]
    make_up_days: tuple[datetime.date, ...]  # 调休上班日 (Saturdays/Sundays that are working days)
    source: str
    document_number: str  # 国办发明电〔YYYY〕N号; "" when not found
    status: str
    note: str = ""
    extension_days: int = 0  # weekday off days added by a later notice (2020: 国办发明电〔2020〕1号)

    @property
    def statutory_days(self) -> int:
        """Statutory holiday days of the year: 11 until 2024, 13 from 2025 (除夕 and 5月2日 added)."""
        return 13 if self.year >= 2025 else 11

    def off_days(self) -> frozenset[datetime.date]:
        return frozenset(day for h in self.holidays for day in h.days())


def _notice(year: int) -> str:
    return f"《国务院办公厅关于{year}年部分节假日安排的通知》"


def _h(name: str, first: datetime.date, last: datetime.date | None = None) -> Holiday:
    return Holiday(name, first, last or first)


HOLIDAY_TABLE: tuple[HolidayYear, ...] = (
    HolidayYear(
        year=2020,
        holidays=(
            _h("元旦", D(2020, 1, 1)),
            _h("春节", D(2020, 1, 24), D(2020, 2, 2)),
            _h("清明节", D(2020, 4, 4), D(2020, 4, 6)),
            _h("劳动节", D(2020, 5, 1), D(2020, 5, 5)),
            _h("端午节", D(2020, 6, 25), D(2020, 6, 27)),
            _h("国庆节、中秋节", D(2020, 10, 1), D(2020, 10, 8)),
        ),
        make_up_days=(D(2020, 1, 19), D(2020, 4, 26), D(2020, 5, 9), D(2020, 6, 28), D(2020, 9, 27), D(2020, 10, 10)),
        source=f"{_notice(2020)}（国办发明电〔2019〕16号，2019-11-21）；"
        "《国务院办公厅关于延长2020年春节假期的通知》（国办发明电〔2020〕1号，2020-01-26）",
        document_number="国办发明电〔2019〕16号",
        status=VERIFIED_SECONDARY,
        extension_days=2,
        note="原安排春节1月24日至30日放假、1月19日（星期日）、2月1日（星期六）上班；国办发明电〔2020〕1号"
        "「延长2020年春节假期至2月2日」，2月3日起正常上班，故2月1日不再是调休上班日。各地另行延长的假期未收录，"
        "需要时以 HolidayCalendar.with_changes 配置。核对：gansulong.com、kaixinit.com、news.iqilu.com、"
        "farmer.com.cn 转载的通知全文。",
    ),
    HolidayYear(
        year=2021,
        holidays=(
            _h("元旦", D(2021, 1, 1), D(2021, 1, 3)),
            _h("春节", D(2021, 2, 11), D(2021, 2, 17)),
            _h("清明节", D(2021, 4, 3), D(2021, 4, 5)),
            _h("劳动节", D(2021, 5, 1), D(2021, 5, 5)),
            _h("端午节", D(2021, 6, 12), D(2021, 6, 14)),
            _h("中秋节", D(2021, 9, 19), D(2021, 9, 21)),
            _h("国庆节", D(2021, 10, 1), D(2021, 10, 7)),
        ),
        make_up_days=(
            D(2021, 2, 7),
            D(2021, 2, 20),
            D(2021, 4, 25),
            D(2021, 5, 8),
            D(2021, 9, 18),
            D(2021, 9, 26),
            D(2021, 10, 9),
        ),
        source=f"{_notice(2021)}（国办发明电〔2020〕27号，2020-11-25）",
        document_number="国办发明电〔2020〕27号",
        status=VERIFIED_SECONDARY,
        note="核对：0798ci.com、cncaprc.cn（注明来源中国政府网）、crainternational.com.cn（来源人民日报）转载的通知全文。",
    ),
    HolidayYear(
        year=2022,
        holidays=(
            _h("元旦", D(2022, 1, 1), D(2022, 1, 3)),
            _h("春节", D(2022, 1, 31), D(2022, 2, 6)),
            _h("清明节", D(2022, 4, 3), D(2022, 4, 5)),
            _h("劳动节", D(2022, 4, 30), D(2022, 5, 4)),
            _h("端午节", D(2022, 6, 3), D(2022, 6, 5)),
            _h("中秋节", D(2022, 9, 10), D(2022, 9, 12)),
            _h("国庆节", D(2022, 10, 1), D(2022, 10, 7)),
        ),
        make_up_days=(
            D(2022, 1, 29),
            D(2022, 1, 30),
            D(2022, 4, 2),
            D(2022, 4, 24),
            D(2022, 5, 7),
            D(2022, 10, 8),
            D(2022, 10, 9),
        ),
        source=f"{_notice(2022)}（国办发明电〔2021〕11号，2021-10-25）",
        document_number="国办发明电〔2021〕11号",
        status=VERIFIED_SECONDARY,
        note="核对：www.beijing.gov.cn 政策文件库转载（发文字号国办发明电〔2021〕11号）、"
        "人民网（人民日报2021-10-26第4版）。",
    ),
    HolidayYear(
        year=2023,
        holidays=(
            _h("元旦", D(2022, 12, 31), D(2023, 1, 2)),
            _h("春节", D(2023, 1, 21), D(2023, 1, 27)),
            _h("清明节", D(2023, 4, 5)),
            _h("劳动节", D(2023, 4, 29), D(2023, 5, 3)),
            _h("端午节", D(2023, 6, 22), D(2023, 6, 24)),
            _h("国庆节、中秋节", D(2023, 9, 29), D(2023, 10, 6)),
        ),
        make_up_days=(
            D(2023, 1, 28),
            D(2023, 1, 29),
            D(2023, 4, 23),
            D(2023, 5, 6),
            D(2023, 6, 25),
            D(2023, 10, 7),
            D(2023, 10, 8),
        ),
        source=f"{_notice(2023)}（国办发明电〔2022〕16号，2022-12-08）",
        document_number="国办发明电〔2022〕16号",
        status=VERIFIED_SECONDARY,
        note="元旦从2022年12月31日（星期六）起放假。核对：维基文库（国务院公报2023年第1号）、china.com.cn（新华社）转载。",
    ),
    HolidayYear(
        year=2024,
        holidays=(
            _h("元旦", D(2024, 1, 1)),
            _h("春节", D(2024, 2, 10), D(2024, 2, 17)),
            _h("清明节", D(2024, 4, 4), D(2024, 4, 6)),
            _h("劳动节", D(2024, 5, 1), D(2024, 5, 5)),
            _h("端午节", D(2024, 6, 10)),
            _h("中秋节", D(2024, 9, 15), D(2024, 9, 17)),
            _h("国庆节", D(2024, 10, 1), D(2024, 10, 7)),
        ),
        make_up_days=(
            D(2024, 2, 4),
            D(2024, 2, 18),
            D(2024, 4, 7),
            D(2024, 4, 28),
            D(2024, 5, 11),
            D(2024, 9, 14),
            D(2024, 9, 29),
            D(2024, 10, 12),
        ),
        source=f"{_notice(2024)}（国办发明电〔2023〕7号，2023-10-25）",
        document_number="国办发明电〔2023〕7号",
        status=VERIFIED_SECONDARY,
        note="除夕（2月9日）仅为「鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息」，不是放假日，按工作日计。"
        "核对：人民日报2023-10-26第6版、维基文库（国务院公报2023年第31号）。",
    ),
    HolidayYear(
        year=2025,
        holidays=(
            _h("元旦", D(2025, 1, 1)),
            _h("春节", D(2025, 1, 28), D(2025, 2, 4)),
            _h("清明节", D(2025, 4, 4), D(2025, 4, 6)),
            _h("劳动节", D(2025, 5, 1), D(2025, 5, 5)),
            _h("端午节", D(2025, 5, 31), D(2025, 6, 2)),
            _h("国庆节、中秋节", D(2025, 10, 1), D(2025, 10, 8)),
        ),
        make_up_days=(D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)),
        source=f"{_notice(2025)}（国办发明电〔2024〕12号，2024-11-12）",
        document_number="国办发明电〔2024〕12号",
        status=VERIFIED_SECONDARY,
        note="自2025年1月1日起全体公民放假的假日增加2天（农历除夕、5月2日），见通知首段所引2024年11月修订的"
        "《全国年节及纪念日放假办法》。核对：光明网（新华网2024-11-12）全文；文号见 mip.gyhiac.cn 转载。",
    ),
    HolidayYear(
        year=2026,
        holidays=(
            _h("元旦", D(2026, 1, 1), D(2026, 1, 3)),
            _h("春节", D(2026, 2, 15), D(2026, 2, 23)),
            _h("清明节", D(2026, 4, 4), D(2026, 4, 6)),
            _h("劳动节", D(2026, 5, 1), D(2026, 5, 5)),
            _h("端午节", D(2026, 6, 19), D(2026, 6, 21)),
            _h("中秋节", D(2026, 9, 25), D(2026, 9, 27)),
            _h("国庆节", D(2026, 10, 1), D(2026, 10, 7)),
        ),
        make_up_days=(D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)),
        source=f"{_notice(2026)}（2025-11-04；国办发明电文号未核实）",
        document_number="",
        status=VERIFIED_SECONDARY,
        note="日期核对：光明网（新华社2025-11-04）、中山日报2025-11-05、哈尔滨广播电视台网站转载的通知全文；"
        "转载均未载明国办发明电文号，文号未核实。",
    ),
)

YEARS: tuple[int, ...] = tuple(row.year for row in HOLIDAY_TABLE)


def _check_table(rows: Iterable[HolidayYear]) -> None:
    """Self-check of the holiday table (run at import); ValueError on the first problem."""
    years: list[int] = []
    for row in rows:
        where = f"{row.year}年节假日安排"
        if years and row.year <= years[-1]:
            raise ValueError(f"{where}：年份重复或未按升序排列")
        years.append(row.year)
        if row.status not in STATUSES or not row.source:
            raise ValueError(f"{where}：核实状态无效或缺少来源")
        if row.document_number and row.document_number not in row.source:
            raise ValueError(f"{where}：文号 {row.document_number} 未出现在来源中")
        window = (D(row.year - 1, 12, 1), D(row.year, 12, 31))
        off: set[datetime.date] = set()
        for h in row.holidays:
            if h.name not in HOLIDAY_NAMES:
                raise ValueError(f"{where}：未知节日名称 {h.name!r}")
            if h.first > h.last:
                raise ValueError(f"{where}：{h.name}起止日期颠倒")
            if h.first < window[0] or h.last > window[1]:
                raise ValueError(f"{where}：{h.name}超出年度范围")
            days = set(h.days())
            if days & off:
                raise ValueError(f"{where}：{h.name}与其他假期重叠")
            off |= days
        for day in row.make_up_days:
            if day.weekday() < 5:
                raise ValueError(f"{where}：调休上班日 {day} 不是周六或周日")
            if day in off:
                raise ValueError(f"{where}：调休上班日 {day} 落在放假期间")
            if day.year != row.year:
                raise ValueError(f"{where}：调休上班日 {day} 不在本年度")
        if len(set(row.make_up_days)) != len(row.make_up_days):
            raise ValueError(f"{where}：调休上班日重复")
        weekday_off = sum(1 for day in off if day.weekday() < 5)
        expected = row.statutory_days + row.extension_days
        if weekday_off - len(row.make_up_days) != expected:
            raise ValueError(
                f"{where}：工作日放假{weekday_off}天减调休上班{len(row.make_up_days)}天应等于法定假日{expected}天"
            )


_check_table(HOLIDAY_TABLE)


def _dates(values: Iterable[datetime.date], name: str) -> frozenset[datetime.date]:
    if isinstance(values, (str, bytes, datetime.date)):
        raise ValueError(f"{name}应为日期的集合，而不是单个值：{values!r}")
    try:
        return frozenset(_day(v, name) for v in values)
    except TypeError as exc:
        raise ValueError(f"{name}应为日期的集合：{values!r}") from exc


def _day(value: datetime.date, name: str = "日期") -> datetime.date:
    try:
        return _as_date(value)
    except ValueError:
        raise ValueError(f"{name}应为 date 或 datetime，实际为 {value!r}") from None


@dataclass(frozen=True)
class HolidayCalendar:
    """Off days and make-up working days; configurable by a bureau (:meth:`with_changes`).

    ``off_days``: days that are not working days (holiday ranges; weekend days in them are harmless).
    ``work_days``: Saturdays/Sundays that are working days. ``years``: the years whose arrangement is complete.
    """

    off_days: frozenset[datetime.date] = frozenset()
    work_days: frozenset[datetime.date] = frozenset()
    years: frozenset[int] = frozenset()
    name: str = "全国（国务院办公厅通知）"
    sources: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        off = _dates(self.off_days, "off_days（放假日）")
        work = _dates(self.work_days, "work_days（调休上班日）")
        object.__setattr__(self, "off_days", off)
        object.__setattr__(self, "work_days", work)
        both = off & work
        if both:
            raise ValueError(f"日期不能既是放假日又是调休上班日：{sorted(both)}")
        weekdays = sorted(d for d in work if d.weekday() < 5)
        if weekdays:
            raise ValueError(f"调休上班日应为周六或周日（周一至周五本来就是工作日）：{weekdays}")
        years = frozenset(self.years)
        if any(isinstance(y, bool) or not isinstance(y, int) for y in years):
            raise ValueError(f"years 应为整数年份：{sorted(years, key=str)}")
        object.__setattr__(self, "years", years)
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("日历名称不能为空")
        object.__setattr__(self, "sources", tuple(self.sources))

    @classmethod
    def from_table(cls, rows: Iterable[HolidayYear] = HOLIDAY_TABLE, *, name: str | None = None) -> HolidayCalendar:
        rows = tuple(rows)
        _check_table(rows)
        off: set[datetime.date] = set()
        work: set[datetime.date] = set()
        for row in rows:
            off |= row.off_days()
            work |= set(row.make_up_days)
        return cls(
            off_days=frozenset(off),
            work_days=frozenset(work),
            years=frozenset(row.year for row in rows),
            name=name or cls.name,
            sources=tuple(row.source for row in rows),
        )

    def with_changes(
        self,
        *,
        off_days: Iterable[datetime.date] = (),
        work_days: Iterable[datetime.date] = (),
        years: Iterable[int] = (),
        name: str | None = None,
        source: str = "",
    ) -> HolidayCalendar:
        """A copy with extra off days and/or make-up working days (e.g. a local extension of a holiday).

        An added off day cancels a make-up working day on the same date; an added work day cancels an off day.
        ``years`` marks further years as covered (only when their whole arrangement has been added).
        """
        extra_off = _dates(off_days, "off_days（放假日）")
        extra_work = _dates(work_days, "work_days（调休上班日）")
        both = extra_off & extra_work
        if both:
            raise ValueError(f"日期不能既是放假日又是调休上班日：{sorted(both)}")
        return HolidayCalendar(
            off_days=(self.off_days | extra_off) - extra_work,
            work_days=(self.work_days | extra_work) - extra_off,
            years=self.years | frozenset(years),
            name=name or self.name,
            sources=self.sources + ((source,) if source else ()),
        )

    def is_working_day(self, day: datetime.date) -> bool:
        day = _day(day)
        if day in self.work_days:
            return True
        if day in self.off_days:
            return False
        return day.weekday() < 5


DEFAULT = HolidayCalendar.from_table(HOLIDAY_TABLE)


def _calendar(calendar: HolidayCalendar) -> HolidayCalendar:
    if not isinstance(calendar, HolidayCalendar):
        raise ValueError(f"calendar 应为 HolidayCalendar，实际为 {calendar!r}")
    return calendar


def _count(n: int, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"{name}应为整数工作日数，实际为 {n!r}")
    if n < 0:
        raise ValueError(f"{name}不能为负数，实际为 {n}")
    return n


def covered(year: int, *, calendar: HolidayCalendar = DEFAULT) -> bool:
    """True if the calendar holds the holiday arrangement of ``year`` (else weekends-only fallback)."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"year 应为整数年份，实际为 {year!r}")
    return year in _calendar(calendar).years


def is_working_day(day: datetime.date, *, calendar: HolidayCalendar = DEFAULT) -> bool:
    """True for a working day (a date or datetime). Outside covered years: Monday–Friday."""
    return _calendar(calendar).is_working_day(day)


def _step(start: datetime.date, n: int, calendar: HolidayCalendar, sign: int) -> datetime.date:
    day = _day(start, "start" if sign > 0 else "end")
    n = _count(n)
    cal = _calendar(calendar)
    delta = _ONE_DAY * sign
    try:
        while n:
            day += delta
            if cal.is_working_day(day):
                n -= 1
    except OverflowError:
        raise ValueError("日期超出可计算范围") from None
    return day


def add_working_days(start: datetime.date, n: int, *, calendar: HolidayCalendar = DEFAULT) -> datetime.date:
    """The n-th working day after ``start`` (``start`` itself not counted); ``n == 0`` returns ``start``."""
    return _step(start, n, calendar, +1)


def subtract_working_days(end: datetime.date, n: int, *, calendar: HolidayCalendar = DEFAULT) -> datetime.date:
    """The n-th working day before ``end`` (``end`` itself not counted); ``n == 0`` returns ``end``.

    For a working day ``end``: ``add_working_days(subtract_working_days(end, n), n) == end``.
    """
    return _step(end, n, calendar, -1)


def working_days_between(a: datetime.date, b: datetime.date, *, calendar: HolidayCalendar = DEFAULT) -> int:
    """The number of working days in ``(a, b]``; ValueError if ``b`` is before ``a``."""
    a, b = _day(a, "a"), _day(b, "b")
    if b < a:
        raise ValueError(f"b（{b}）不能早于 a（{a}）")
    cal = _calendar(calendar)
    count = 0
    day = a
    while day < b:
        day += _ONE_DAY
        if cal.is_working_day(day):
            count += 1
    return count
