"""GB 32100-2015 统一社会信用代码 — cases from regulations.md §13.1 (no database needed)."""

import random

import pytest

from anjian.rules import uscc

SAMPLES = ("9144030071526726XG", "91350100M000100Y43")  # regulations.md §13.1, both validate


@pytest.mark.parametrize("code", SAMPLES)
def test_samples_validate(code):
    assert uscc.is_valid_uscc(code)
    assert uscc.check_char(code[:17]) == code[17]


def test_alphabet_and_weights():
    assert uscc.USCC_CHARS == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert len(uscc.USCC_CHARS) == 31
    assert not set("IOSVZ") & set(uscc.USCC_CHARS)
    assert uscc.USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code", SAMPLES)
def test_every_single_character_substitution_fails(code):
    for i, original in enumerate(code):
        for ch in uscc.USCC_CHARS:
            if ch != original:
                mutated = code[:i] + ch + code[i + 1 :]
                assert not uscc.is_valid_uscc(mutated), mutated


@pytest.mark.parametrize("code", SAMPLES)
def test_adjacent_transpositions_fail(code):
    for i in range(17):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert not uscc.is_valid_uscc(swapped), swapped


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("9144030071526726xg", "9144030071526726XG"),
        ("  91350100M000100Y43\n", "91350100M000100Y43"),
        ("９１４４０３００７１５２６７２６ＸＧ", "9144030071526726XG"),  # full-width digits / letters
        (
            "\u3000９１３５０１００ｍ０００１００ｙ４３\u3000",
            "91350100M000100Y43",
        ),  # ideographic spaces, fw lower
    ],
)
def test_normalize_and_validate(raw, normalized):
    assert uscc.normalize(raw) == normalized
    assert uscc.is_valid_uscc(raw)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        " ",
        "9144030071526726X",  # 17 characters
        "9144030071526726XGG",  # 19 characters
        "9144030071526726X G",
        "91440300-71526726XG",
        "9144030071526726XＧＧ",
        "中华人民共和国统一社会信用代码一二三",
    ],
)
def test_garbage_is_invalid(garbage):
    assert uscc.is_valid_uscc(garbage) is False


@pytest.mark.parametrize("letter", list("IOSVZ"))
@pytest.mark.parametrize("position", [0, 8, 12, 17])
def test_excluded_letters_fail(letter, position):
    code = SAMPLES[0]
    assert not uscc.is_valid_uscc(code[:position] + letter + code[position + 1 :])


@pytest.mark.parametrize("value", [None, 9144030071526726, b"9144030071526726XG"])
def test_non_str_is_invalid_not_an_error(value):
    assert uscc.is_valid_uscc(value) is False


@pytest.mark.parametrize("bad", ["", "914403007152672", "9144030071526726XG", "91440300715267I6X"])
def test_check_char_rejects_bad_prefix(bad):
    with pytest.raises(ValueError):
        uscc.check_char(bad)


@pytest.mark.parametrize("code", SAMPLES)
def test_complete_round_trips_samples(code):
    assert uscc.complete(code[:17]) == code
    assert uscc.complete(code[:17].lower()) == code


def test_complete_round_trips_random_prefixes():
    rng = random.Random(32100)
    for _ in range(500):
        prefix = "".join(rng.choice(uscc.USCC_CHARS) for _ in range(17))
        code = uscc.complete(prefix)
        assert len(code) == 18 and code.startswith(prefix)
        assert uscc.is_valid_uscc(code)


@pytest.mark.parametrize("code", SAMPLES)
def test_org_code_checks_on_samples(code):
    assert uscc.org_code_warning(code) is None
    assert uscc.org_code_warning(code.lower()) is None


def test_org_code_check_values():
    assert uscc.org_check_char("71526726") == "X"  # Σ mod 11 = 1 → 10 → 'X'
    assert uscc.org_check_char("M000100Y") == "4"


def test_org_code_mismatch_is_only_a_warning():
    # Change the organisation code's own check character (position 17) and re-complete the USCC:
    # the USCC is valid, the embedded GB 11714 code is not.
    code = uscc.complete("9144030071526726" + "0")
    assert uscc.is_valid_uscc(code)
    assert uscc.org_code_warning(code) == uscc.ORG_CODE_MISMATCH
    assert "仅提示" in uscc.ORG_CODE_MISMATCH


@pytest.mark.parametrize("bad", ["", "9144030071526726X", None])
def test_org_code_warning_on_malformed_code(bad):
    assert uscc.org_code_warning(bad) == uscc.ORG_CODE_UNCHECKABLE
