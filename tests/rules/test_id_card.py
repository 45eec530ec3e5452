"""GB 11643-1999 公民身份号码 — structure, MOD 11-2 check, normalising and masking (no database)."""

import datetime

import pytest

from anjian.rules import id_card
from anjian.rules.id_card import check_digit, mask, mask_phone, normalise, validate

D = datetime.date
TODAY = D(2025, 6, 1)
SAMPLE = "11010519491231002X"  # the GB 11643 example number: 北京市朝阳区, 1949-12-31, female, check X


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


def test_sample_is_valid():
    r = validate(SAMPLE, today=TODAY)
    assert r.ok and r.code == "" and r.message == ""
    assert r.number == SAMPLE
    assert r.birth_date == D(1949, 12, 31)
    assert r.gender == "female" and r.gender_label == "女"  # 17th digit 2 is even
    assert check_digit(SAMPLE[:17]) == "X"


def test_algorithm_constants():
    assert id_card.WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert id_card.CHECK_CHARS == "10X98765432"
    # The weights are 2^(17-i) mod 11 (ISO 7064 MOD 11-2).
    assert id_card.WEIGHTS == tuple(pow(2, 17 - i, 11) for i in range(17))


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),
        ("00000000000000000", "1"),  # Σ = 0 → index 0 → "1"
        ("11010120000101001", None),  # computed below: check_digit must agree with the formula
    ],
)
def test_check_digit_formula(first17, expected):
    total = sum(int(c) * w for c, w in zip(first17, id_card.WEIGHTS, strict=True))
    assert check_digit(first17) == "10X98765432"[total % 11]
    if expected:
        assert check_digit(first17) == expected


def test_check_digit_covers_all_eleven_remainders():
    seen = set()
    for seq in range(1000):
        seen.add(check_digit(f"11010519900101{seq:03d}"))
    assert seen == set("10X98765432")


@pytest.mark.parametrize("bad", ["1101051949123100", "110105194912310021", "1101051949123100A", 12345, None])
def test_check_digit_refuses_non_17_digits(bad):
    with pytest.raises(ValueError):
        check_digit(bad)


def test_changing_one_digit_breaks_the_check():
    r = validate("11010519491231003X", today=TODAY)
    assert not r.ok and r.code == "check_digit"
    assert r.message == "身份证号码校验位不正确，请核对。"
    assert r.birth_date is None and r.gender is None  # nothing read out of a failing number


def test_every_single_substitution_fails():
    for i in range(18):
        for ch in "0123456789X":
            if ch == SAMPLE[i] or (ch == "X" and i < 17):
                continue
            mutated = SAMPLE[:i] + ch + SAMPLE[i + 1 :]
            r = validate(mutated, today=TODAY)
            assert not r.ok, mutated
            assert r.code in {"region", "birth_date", "future_birth", "check_digit"}, (mutated, r.code)


def test_adjacent_transpositions_fail():
    for i in range(17):
        if SAMPLE[i] != SAMPLE[i + 1]:
            swapped = SAMPLE[:i] + SAMPLE[i + 1] + SAMPLE[i] + SAMPLE[i + 2 :]
            assert not validate(swapped, today=TODAY).ok, swapped


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002x", SAMPLE),
        ("  110105 19491231 002X\n", SAMPLE),
        ("１１０１０５１９４９１２３１００２Ｘ", SAMPLE),
        ("\u3000１１０１０５１９４９１２３１００２ｘ\u3000", SAMPLE),
        ("1101-0519", "1101-0519"),  # a hyphen is kept (and fails "characters" / "length")
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_normalised_input_validates():
    r = validate("１１０１０５ １９４９１２３１ ００２ｘ", today=TODAY)
    assert r.ok and r.number == SAMPLE


@pytest.mark.parametrize(
    ("text", "code", "in_message"),
    [
        ("", "length", "18位"),
        (None, "length", "18位"),
        ("110105491231002", "length", "15位"),  # first-generation 15-digit number
        ("11010519491231002", "length", "当前为17位"),
        ("11010519491231002X1", "length", "当前为19位"),
        ("11010519491231002Y", "characters", "最后一位可以是X"),
        ("1101051949123100X2", "characters", "数字"),
        ("1101051949-231002X", "characters", "数字"),
        ("001051194912310020", "region", "省级行政区划代码"),
        ("991051194912310020", "region", "省级行政区划代码"),
        ("110105194913310020", "birth_date", "出生日期"),  # month 13
        ("110105194902300020", "birth_date", "出生日期"),  # 30 February
        ("110105189912310020", "birth_date", "出生日期"),  # before 1900: platform rule
        ("110105203001010020", "future_birth", "晚于今天"),
    ],
)
def test_failures(text, code, in_message):
    r = validate(text, today=TODAY)
    assert not r.ok and r.code == code and in_message in r.message
    assert r.code in id_card.CODES


def test_fifteen_digits_refused_with_message_asking_for_18():
    r = validate("110105491231002", today=TODAY)
    assert r.code == "length" and "18位" in r.message and "15位" in r.message


def test_birth_date_boundaries():
    born_today = with_check(f"110105{TODAY:%Y%m%d}001")
    assert validate(born_today, today=TODAY).ok
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert validate(with_check(f"110105{tomorrow:%Y%m%d}001"), today=TODAY).code == "future_birth"
    assert validate(with_check("11010519000101001"), today=TODAY).ok
    assert validate(with_check("11010520000229001"), today=TODAY).ok  # leap day
    assert validate(with_check("11010519000229001"), today=TODAY).code == "birth_date"  # 1900 is not a leap year


def test_gender_from_the_17th_digit():
    for digit in range(10):
        r = validate(with_check(f"1101051990010100{digit}"), today=TODAY)
        assert r.ok and r.gender == ("male" if digit % 2 else "female")


@pytest.mark.parametrize("prefix", ["11", "44", "65", "71", "81", "82", "83"])
def test_province_prefixes_accepted(prefix):
    assert validate(with_check(f"{prefix}010519900101001"), today=TODAY).ok


def test_permanent_residence_prefix_nine():
    # 外国人永久居留身份证 (2023): 9 + province code (platform decision, UNVERIFIED).
    assert validate(with_check("91115619900101001"), today=TODAY).ok
    assert validate(with_check("90015619900101001"), today=TODAY).code == "region"


def test_today_defaults_to_the_current_date():
    assert validate(SAMPLE).ok
    assert id_card.is_valid(SAMPLE) and not id_card.is_valid("11010519491231003X")


def test_result_is_frozen():
    r = validate(SAMPLE, today=TODAY)
    with pytest.raises(AttributeError):
        r.ok = False


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        (SAMPLE, "110***********002X"),
        ("11010519491231002x", "110***********002X"),
        ("110105491231002", "110********1002"),
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_mask(number, masked):
    assert mask(number) == masked
    assert len(mask(number)) == len(normalise(number))


def test_mask_keeps_length_18():
    assert len(mask(SAMPLE)) == 18 and mask(SAMPLE).count("*") == 11


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        (" 138 1234 5678 ", "138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("010-12345678", "********5678"),
        ("+8613812345678", "**********5678"),  # not a bare 11-digit mobile: last 4 only
        ("23812345678", "*******5678"),  # 11 digits but not a mobile number
        ("5678", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_rules_have_source_and_status():
    assert id_card.RULES
    for r in id_card.RULES:
        assert r.status in id_card.STATUSES and r.source and r.title
    by_code = {r.code: r.status for r in id_card.RULES}
    assert by_code["check_digit"] == "VERIFIED-SECONDARY"
    assert by_code["fifteen_digits_refused"] == "UNVERIFIED"
    assert by_code["region_prefix"] == "UNVERIFIED"


def test_public_names():
    for name in id_card.__all__:
        assert hasattr(id_card, name), name
