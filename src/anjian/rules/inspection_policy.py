"""检查工作规则 — the numbers the inspection workflow applies, each with its source.

* ``MIN_ENFORCEMENT_INSPECTORS``: 《行政处罚法》第四十二条 「行政处罚应当由具有行政执法资格的执法人员
  实施。执法人员不得少于两人，法律另有规定的除外。」 and 《安全生产法》第六十七条第二款 (安全生产监督检查
  人员执行监督检查任务时，必须出示有效的行政执法证件).
  Applied to every enforcement inspection (not to grid patrols, expert checks or self-inspections), since
  any of them may lead to a penalty.
* ``MISSED_LOOKBACK_DAYS``: how far back a new hazard (or, later, an accident) looks for an earlier inspection of
  the same enterprise to show who inspected and signed (谁遗漏谁负责). **Our configuration, not law**: no text
  fixes the window; 90 days is a default a bureau may change (``ANJIAN_MISSED_LOOKBACK_DAYS``).
"""

from __future__ import annotations

from dataclasses import dataclass

VERIFIED_PRIMARY = "VERIFIED-PRIMARY"
UNVERIFIED = "UNVERIFIED"


@dataclass(frozen=True)
class Setting:
    value: int
    source: str
    status: str
    note: str = ""


MIN_ENFORCEMENT_INSPECTORS = Setting(
    2,
    "《中华人民共和国行政处罚法》第四十二条；《中华人民共和国安全生产法》第六十七条第二款",
    VERIFIED_PRIMARY,
    "「执法人员不得少于两人，法律另有规定的除外」 — read in /work/shared/domain/statutes/行政处罚法(2021-01-22).md",
)

MISSED_LOOKBACK_DAYS = Setting(
    90,
    "本平台默认配置（非法律规定），可由 ANJIAN_MISSED_LOOKBACK_DAYS 修改",
    UNVERIFIED,
    "「谁检查谁签字，谁遗漏谁负责」 sets no window; 90 days is our default.",
)

# Largest random-draw pool recorded with the draw (the pool's ids are stored so the draw can be redone).
MAX_DRAW_POOL = Setting(
    200_000, "本平台限制（非法律规定）", UNVERIFIED, "A province's pool fits; beyond it, narrow the filters."
)
