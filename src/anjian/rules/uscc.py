"""统一社会信用代码 (Unified Social Credit Identifier) — GB 32100-2015.

Source and status (regulations.md §13.1): **VERIFIED-SECONDARY**. The algorithm below is the
one used by at least six independent public implementations and was checked on the two sample
codes ``9144030071526726XG`` and ``91350100M000100Y43``; the standard's own text was not read.

Structure (18 characters):

==========  ==========================================================================
Positions   Meaning
==========  ==========================================================================
1           登记管理部门码 (registering authority)
2           机构类别码 (entity category)
3–8         登记管理机关行政区划码 (GB/T 2260)
9–17        主体标识码 = GB 11714 organisation code, with its own check char at pos. 17
18          校验码 (GB 32100 check character)
==========  ==========================================================================

The GB 11714 check of the embedded organisation code is only a *warning*
(:func:`org_code_warning`): some legitimately issued codes carry non-standard subject codes.
"""

from __future__ import annotations

import string

# --- GB 32100-2015 table (VERIFIED-SECONDARY, regulations.md §13.1) -----------------------
# 0-9 and A-Z without I, O, S, V, Z: 31 symbols, each worth its index 0..30.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Weights for positions 1..17: 3^(i-1) mod 31.
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_LENGTH = 18

# --- GB 11714 organisation-code check (warning only; weights from public code, standard not read)
ORG_CODE_CHARS = string.digits + string.ascii_uppercase  # values 0..35
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

ORG_CODE_MISMATCH = "组织机构代码校验位不符（仅提示）"
ORG_CODE_UNCHECKABLE = "统一社会信用代码格式不正确，无法校验组织机构代码（仅提示）"

_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_CHARS)}
_ORG_VALUE = {ch: i for i, ch in enumerate(ORG_CODE_CHARS)}

assert len(USCC_CHARS) == 31
assert USCC_WEIGHTS == tuple(pow(3, i, 31) for i in range(17))


def normalize(code: str) -> str:
    """Full-width ASCII → half-width, strip surrounding whitespace, upper-case."""
    out = []
    for ch in code:
        cp = ord(ch)
        if 0xFF01 <= cp <= 0xFF5E:  # full-width ！..～ → ASCII ! .. ~
            ch = chr(cp - 0xFEE0)
        elif cp == 0x3000:  # ideographic space
            ch = " "
        out.append(ch)
    return "".join(out).strip().upper()


def _well_formed(code: str, length: int) -> bool:
    return len(code) == length and all(ch in _USCC_VALUE for ch in code)


def check_char(code17: str) -> str:
    """The 18th (check) character for the first 17 characters of a code.

    Raises ValueError unless ``code17`` is 17 characters from :data:`USCC_CHARS`
    (after :func:`normalize`).
    """
    code17 = normalize(code17)
    if not _well_formed(code17, USCC_LENGTH - 1):
        raise ValueError(f"expected 17 characters from {USCC_CHARS!r}, got {code17!r}")
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(code17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` (after :func:`normalize`) is a well-formed code with a correct check char.

    Never raises: anything that is not a ``str``, or has the wrong length or alphabet, is False.
    """
    if not isinstance(code, str):
        return False
    code = normalize(code)
    if not _well_formed(code, USCC_LENGTH):
        return False
    return check_char(code[:17]) == code[17]


def complete(code17: str) -> str:
    """Append the check character to a 17-character prefix (used to generate demo data)."""
    code17 = normalize(code17)
    return code17 + check_char(code17)


def org_check_char(org8: str) -> str:
    """GB 11714 check character for the 8-character body of an organisation code."""
    if len(org8) != 8 or any(ch not in _ORG_VALUE for ch in org8):
        raise ValueError(f"expected 8 characters from 0-9A-Z, got {org8!r}")
    total = sum(_ORG_VALUE[ch] * w for ch, w in zip(org8, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def org_code_warning(code: str) -> str | None:
    """Optional GB 11714 check of the organisation code at positions 9–17.

    Returns None when it checks, otherwise a short Chinese message. This is a *warning* only:
    it must never block saving a code that passes :func:`is_valid_uscc`.
    """
    if not isinstance(code, str):
        return ORG_CODE_UNCHECKABLE
    code = normalize(code)
    if not _well_formed(code, USCC_LENGTH):
        return ORG_CODE_UNCHECKABLE
    org = code[8:17]
    return None if org_check_char(org[:8]) == org[8] else ORG_CODE_MISMATCH
