"""特种设备定期检验 — clocks, intervals, elevator schedule, request lead, date arithmetic (no database).

Cases from regulations.md §5 and 特种设备安全法 (mirror); also the shared month / year arithmetic of ``_dates``.
"""

import datetime
import re
from pathlib import Path

import pytest

from anjian.rules import equipment as e
from anjian.rules._dates import add_months, add_years
from anjian.rules.equipment import (
    ELEVATOR_2023,
    ELEVATOR_LEGACY,
    EXTERNAL,
    INTERNAL,
    PERIODIC,
    SELF_TEST,
    check_due,
    clocks_for,
    elevator_year_event,
    propose,
    request_by,
)
from tests.rules.statute_mirror import (
    NUM,
    assert_cited_articles_exist,
    assert_quotes_in_mirror,
    citations,
    load_mirror,
    normalise,
)

D = datetime.date


# --- _dates: end-of-month arithmetic ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2024, 5, 31), 1, D(2024, 6, 30)),
        (D(2024, 1, 15), 12, D(2025, 1, 15)),
        (D(2024, 1, 15), 0, D(2024, 1, 15)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2024, 1, 31), -2, D(2023, 11, 30)),
        (D(2024, 8, 31), 72, D(2030, 8, 31)),
        (D(2024, 12, 31), 2, D(2025, 2, 28)),
        (datetime.datetime(2024, 1, 31, 23, 59), 1, D(2024, 2, 29)),
    ],
)
def test_add_months(d, n, expected):
    assert add_months(d, n) == expected


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (D(2020, 2, 29), 1, D(2021, 2, 28)),
        (D(2020, 2, 29), 4, D(2024, 2, 29)),
        (D(2020, 2, 29), -1, D(2019, 2, 28)),
        (D(2023, 3, 1), 1, D(2024, 3, 1)),
        (D(2024, 12, 31), 6, D(2030, 12, 31)),
    ],
)
def test_add_years(d, n, expected):
    assert add_years(d, n) == expected


def test_date_helpers_refuse_bad_input():
    with pytest.raises(ValueError):
        add_months("2024-01-31", 1)
    with pytest.raises(ValueError):
        add_months(D(2024, 1, 31), 1.0)
    with pytest.raises(ValueError):
        add_years(D(2024, 1, 31), True)
    with pytest.raises(ValueError):
        add_years(D(9999, 1, 1), 1)


# --- kinds, subtypes, clocks --------------------------------------------------------------------------------------


def test_kinds_and_labels():
    assert e.KINDS == (
        "boiler",
        "pressure_vessel",
        "gas_cylinder",
        "pressure_pipeline",
        "elevator",
        "lifting",
        "in_plant_vehicle",
        "ropeway",
        "amusement",
    )
    assert set(e.KIND_LABELS) == set(e.KINDS) and e.KIND_LABELS["lifting"] == "起重机械"
    assert e.INSPECTION_KIND_LABELS == {
        "periodic": "定期检验",
        "external": "外部检验",
        "internal": "内部检验",
        "self_test": "自行检测",
    }
    assert set(e.SUBTYPES["lifting"]) == {
        "tower",
        "hoist",
        "mobile",
        "bridge",
        "gantry",
        "portal",
        "light_small",
        "jib",
        "railway",
        "parking",
        "rtg",
    }
    assert set(e.SUBTYPES["boiler"]) == {"industrial", "power_station", "process_unit"}
    assert set(e.SUBTYPES["pressure_pipeline"]) == {"industrial", "public", "long_distance"}
    assert set(e.SUBTYPES["pressure_vessel"]) == {"fixed", "mobile"}
    assert e.SUBTYPES["lifting"]["hoist"] == "升降机（含施工升降机）"


@pytest.mark.parametrize(
    ("kind", "clocks"),
    [
        ("boiler", (EXTERNAL, INTERNAL)),
        ("pressure_vessel", (PERIODIC,)),
        ("elevator", (PERIODIC,)),
        ("lifting", (PERIODIC,)),
        ("amusement", (PERIODIC,)),
    ],
)
def test_clocks_for(kind, clocks):
    assert clocks_for(kind) == clocks


def test_unknown_kind_refused():
    with pytest.raises(ValueError):
        clocks_for("crane")


# --- lifting machinery (TSG Q7015-2016) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subtype", "months"),
    [
        ("tower", 12),
        ("hoist", 12),
        ("mobile", 12),
        ("bridge", 24),
        ("gantry", 24),
        ("portal", 24),
        ("light_small", 24),
        ("jib", 24),
        ("railway", 24),
        ("parking", 24),
        ("rtg", 24),
    ],
)
def test_lifting_subtypes(subtype, months):
    p = propose(kind="lifting", subtype=subtype, inspection_kind=PERIODIC, inspected_on=D(2024, 1, 31))
    assert p.default_due == p.max_due == add_months(D(2024, 1, 31), months)
    assert p.min_due == D(2024, 7, 31)
    assert p.rule.status == "VERIFIED-SECONDARY" and "TSG Q7015-2016" in p.rule.source


@pytest.mark.parametrize("subtype", ["bridge", "gantry", "tower"])
def test_molten_metal_is_yearly(subtype):
    p = propose(
        kind="lifting", subtype=subtype, inspection_kind=PERIODIC, inspected_on=D(2024, 3, 1), molten_metal=True
    )
    assert p.default_due == D(2025, 3, 1) and p.rule.code == "lifting_molten_metal"


def test_lifting_shortened_not_below_six_months():
    p = propose(kind="lifting", subtype="bridge", inspection_kind=PERIODIC, inspected_on=D(2024, 3, 1))
    assert check_due(p, D(2024, 9, 1)) is None  # exactly 6 months
    f = check_due(p, D(2024, 8, 31))
    assert f.code == "below_min" and "6个月" in f.message
    assert check_due(p, D(2026, 3, 1)) is None
    f = check_due(p, D(2026, 3, 2))
    assert f.code == "exceeds_max" and "2026-03-01" in f.message and "TSG Q7015-2016" in f.message


def test_lifting_needs_a_subtype():
    with pytest.raises(ValueError, match="起重机械类别"):
        propose(kind="lifting", inspection_kind=PERIODIC, inspected_on=D(2024, 3, 1))
    with pytest.raises(ValueError):
        propose(kind="lifting", subtype="crawler", inspection_kind=PERIODIC, inspected_on=D(2024, 3, 1))
    with pytest.raises(ValueError):
        propose(kind="boiler", inspection_kind=EXTERNAL, inspected_on=D(2024, 3, 1), molten_metal=True)


# --- boilers -------------------------------------------------------------------------------------------------------


def test_boiler_two_clocks():
    ext = propose(kind="boiler", inspection_kind=EXTERNAL, inspected_on=D(2024, 5, 31))
    assert ext.default_due == ext.max_due == D(2025, 5, 31) and ext.next_kind == EXTERNAL
    internal = propose(kind="boiler", inspection_kind=INTERNAL, inspected_on=D(2024, 5, 31))
    assert internal.default_due == internal.max_due == D(2026, 5, 31) and internal.next_kind == INTERNAL
    with pytest.raises(ValueError):
        propose(kind="boiler", inspection_kind=PERIODIC, inspected_on=D(2024, 5, 31))


def test_boiler_first_internal_one_year_after_commissioning():
    p = propose(
        kind="boiler", inspection_kind=INTERNAL, inspected_on=D(2024, 2, 1), commissioned_on=D(2024, 2, 29), first=True
    )
    assert p.default_due == p.max_due == D(2025, 2, 28)


@pytest.mark.parametrize("subtype", ["power_station", "process_unit"])
def test_power_station_internal_default_36_max_72(subtype):
    p = propose(kind="boiler", subtype=subtype, inspection_kind=INTERNAL, inspected_on=D(2024, 6, 1))
    assert p.default_due == D(2027, 6, 1) and p.max_due == D(2030, 6, 1)
    assert check_due(p, D(2030, 6, 1)) is None and check_due(p, D(2030, 6, 2)).code == "exceeds_max"


def test_boiler_hydrostatic_has_no_clock():
    assert "6年" in e.BOILER_HYDROSTATIC_RULE.note and e.BOILER_HYDROSTATIC_RULE.status == "VERIFIED-SECONDARY"
    assert not any("hydro" in r.code for r in e.INTERVALS)


# --- pressure vessels and pipelines --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "default", "maximum"),
    [(1, D(2030, 3, 31), D(2030, 3, 31)), (2, D(2030, 3, 31), D(2030, 3, 31)), (3, D(2027, 3, 31), D(2030, 3, 31))],
)
def test_fixed_vessel_by_grade(grade, default, maximum):
    p = propose(
        kind="pressure_vessel",
        subtype="fixed",
        inspection_kind=PERIODIC,
        inspected_on=D(2024, 3, 31),
        safety_grade=grade,
    )
    assert (p.default_due, p.max_due) == (default, maximum)


def test_fixed_vessel_grade_4_monitored():
    p = propose(kind="pressure_vessel", inspection_kind=PERIODIC, inspected_on=D(2024, 3, 31), safety_grade=4)
    assert p.default_due is None and p.max_due == D(2027, 3, 31) and "累计监控使用" in p.note
    assert check_due(p, D(2025, 3, 31)) is None and check_due(p, D(2027, 4, 1)).code == "exceeds_max"


def test_fixed_vessel_grade_5_not_usable():
    p = propose(kind="pressure_vessel", inspection_kind=PERIODIC, inspected_on=D(2024, 3, 31), safety_grade=5)
    assert not p.usable and p.default_due is None and p.max_due is None
    f = check_due(p, D(2025, 3, 31))
    assert f.code == "not_usable" and "不得继续使用" in f.message


def test_fixed_vessel_first_within_three_years():
    p = propose(
        kind="pressure_vessel",
        subtype="fixed",
        inspection_kind=PERIODIC,
        inspected_on=D(2024, 1, 10),
        commissioned_on=D(2024, 1, 31),
        first=True,
    )
    assert p.default_due == p.max_due == D(2027, 1, 31) and p.rule.code == "vessel_fixed_first"


def test_graded_kinds_need_a_valid_grade():
    with pytest.raises(ValueError, match="安全状况等级"):
        propose(kind="pressure_vessel", inspection_kind=PERIODIC, inspected_on=D(2024, 3, 31))
    with pytest.raises(ValueError, match="1–5"):
        propose(kind="pressure_vessel", inspection_kind=PERIODIC, inspected_on=D(2024, 3, 31), safety_grade=6)
    with pytest.raises(ValueError, match="1–4"):
        propose(kind="pressure_pipeline", inspection_kind=PERIODIC, inspected_on=D(2024, 3, 31), safety_grade=5)


@pytest.mark.parametrize(
    ("subtype", "grade", "default", "maximum", "status"),
    [
        ("industrial", 1, 72, 72, "UNVERIFIED"),
        ("industrial", 2, 72, 72, "UNVERIFIED"),
        ("industrial", 3, 36, 36, "UNVERIFIED"),
        ("industrial", 4, None, 36, "UNVERIFIED"),
        ("public", None, 12, None, "UNVERIFIED"),
        ("long_distance", None, 12, None, "UNVERIFIED"),
    ],
)
def test_pipelines(subtype, grade, default, maximum, status):
    on = D(2024, 3, 31)
    p = propose(
        kind="pressure_pipeline", subtype=subtype, inspection_kind=PERIODIC, inspected_on=on, safety_grade=grade
    )
    assert p.default_due == (add_months(on, default) if default else None)
    assert p.max_due == (add_months(on, maximum) if maximum else None)
    assert p.rule.status == status


def test_pipeline_first_and_no_max():
    p = propose(kind="pressure_pipeline", inspection_kind=PERIODIC, inspected_on=D(2024, 3, 1), first=True)
    assert p.default_due == D(2027, 3, 1)
    p = propose(kind="pressure_pipeline", subtype="public", inspection_kind=PERIODIC, inspected_on=D(2024, 3, 1))
    assert check_due(p, D(2034, 3, 1)) is None  # no maximum checked (UNVERIFIED)


@pytest.mark.parametrize(
    ("kind", "subtype", "months", "status"),
    [
        ("gas_cylinder", "", 36, "UNVERIFIED"),
        ("pressure_vessel", "mobile", 12, "UNVERIFIED"),
        ("in_plant_vehicle", "", 12, "UNVERIFIED"),
        ("ropeway", "", 12, "UNVERIFIED"),
        ("amusement", "", 12, "UNVERIFIED"),
    ],
)
def test_other_kinds(kind, subtype, months, status):
    p = propose(kind=kind, subtype=subtype, inspection_kind=PERIODIC, inspected_on=D(2024, 8, 31))
    assert p.default_due == add_months(D(2024, 8, 31), months) and p.rule.status == status


# --- elevators -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "event"),
    [
        (1, PERIODIC),
        (2, SELF_TEST),
        (3, SELF_TEST),
        (4, PERIODIC),
        (5, SELF_TEST),
        (6, SELF_TEST),
        (7, PERIODIC),
        (8, SELF_TEST),
        (9, PERIODIC),
        (10, SELF_TEST),
        (11, PERIODIC),
        (12, SELF_TEST),
        (13, PERIODIC),
        (14, SELF_TEST),
        (15, PERIODIC),
        (16, PERIODIC),
        (17, PERIODIC),
        (18, PERIODIC),
        (19, PERIODIC),
        (20, PERIODIC),
    ],
)
def test_elevator_year_event(year, event):
    assert elevator_year_event(year) == event


@pytest.mark.parametrize("bad", [0, -1, True, 1.0, "1"])
def test_elevator_year_event_refuses(bad):
    with pytest.raises(ValueError):
        elevator_year_event(bad)


INSTALLED = D(2024, 5, 10)


def elevator(inspected_on, kind=PERIODIC, **kw):
    return propose(kind="elevator", inspection_kind=kind, inspected_on=inspected_on, installed_on=INSTALLED, **kw)


def test_elevator_after_installation():
    p = elevator(INSTALLED)
    assert p.schedule == ELEVATOR_2023 and p.year_number == 1
    assert p.default_due == p.max_due == D(2025, 5, 10) and p.next_kind == PERIODIC
    assert p.rule.code == "elevator_2023_periodic" and p.rule.status == "VERIFIED-SECONDARY"


def test_elevator_walk_through_twenty_years():
    inspected, kind = INSTALLED, PERIODIC
    seen = []
    for n in range(1, 21):
        p = elevator(inspected, kind)
        assert p.year_number == n and p.default_due == add_years(INSTALLED, n)
        assert p.next_kind == elevator_year_event(n)
        seen.append(p.next_kind)
        inspected, kind = p.default_due, p.next_kind
    assert [i + 1 for i, k in enumerate(seen[:15]) if k == PERIODIC] == [1, 4, 7, 9, 11, 13, 15]
    assert set(seen[15:]) == {PERIODIC}
    assert elevator(add_years(INSTALLED, 16)).rule.status == "UNVERIFIED"  # > 15 years: yearly, UNVERIFIED


def test_elevator_early_work_does_not_move_the_schedule():
    # Year 1 ends 2025-05-10. A periodic inspection up to 2 months early counts for year 1.
    assert elevator(D(2025, 3, 10)).year_number == 2
    assert elevator(D(2025, 3, 10)).default_due == D(2026, 5, 10)
    assert elevator(D(2025, 3, 9)).year_number == 1  # earlier than 2 months: a mid-year inspection
    # Year 2 (self-test) ends 2026-05-10: a self-test up to 1 month early counts for year 2.
    assert elevator(D(2026, 4, 10), SELF_TEST).year_number == 3
    assert elevator(D(2026, 4, 9), SELF_TEST).year_number == 2
    p = elevator(D(2026, 4, 10), SELF_TEST)
    assert p.next_kind == SELF_TEST and p.rule.code == "elevator_2023_self_test"


def test_elevator_check_due_against_the_anniversary():
    p = elevator(D(2025, 5, 10))
    assert check_due(p, D(2026, 5, 10)) is None
    f = check_due(p, D(2026, 5, 11))
    assert f.code == "exceeds_max" and "2026-05-10" in f.message and "TSG T7008-2023" in f.message


def test_elevator_legacy_schedule():
    p = propose(kind="elevator", inspection_kind=PERIODIC, inspected_on=D(2023, 6, 30), installed_on=INSTALLED)
    assert p.schedule == ELEVATOR_LEGACY and p.default_due == p.max_due == D(2024, 6, 30)
    assert p.rule.code == "elevator_legacy" and p.rule.status == "UNVERIFIED"
    p = propose(kind="elevator", inspection_kind=PERIODIC, inspected_on=D(2025, 6, 30), schedule=ELEVATOR_LEGACY)
    assert p.default_due == D(2026, 6, 30)
    with pytest.raises(ValueError):
        propose(kind="elevator", inspection_kind=SELF_TEST, inspected_on=D(2025, 6, 30), schedule=ELEVATOR_LEGACY)


def test_elevator_without_installation_date_falls_back_with_a_note():
    p = propose(kind="elevator", inspection_kind=PERIODIC, inspected_on=D(2025, 6, 30))
    assert p.schedule == ELEVATOR_LEGACY and "安装监督检验日期" in p.note
    with pytest.raises(ValueError, match="安装监督检验日期"):
        propose(kind="elevator", inspection_kind=PERIODIC, inspected_on=D(2025, 6, 30), schedule=ELEVATOR_2023)
    with pytest.raises(ValueError):
        propose(
            kind="elevator",
            inspection_kind=PERIODIC,
            inspected_on=D(2024, 1, 1),
            installed_on=D(2024, 2, 1),
            schedule=ELEVATOR_2023,
        )


def test_elevator_schedule_dates():
    assert e.ELEVATOR_2023_FROM == D(2024, 4, 2)
    rows = {r.code: r for r in e.INTERVALS}
    assert rows["elevator_legacy"].effective_to == D(2024, 4, 1)
    assert rows["elevator_2023_periodic"].effective_from == D(2024, 4, 2)
    assert "UNVERIFIED" in rows["elevator_2023_periodic"].note  # the derived date
    assert e.elevator_schedule(D(2024, 4, 1), installed_on=INSTALLED) == ELEVATOR_LEGACY
    assert e.elevator_schedule(D(2024, 4, 2), installed_on=INSTALLED) == ELEVATOR_2023
    assert (e.ELEVATOR_2023, e.ELEVATOR_LEGACY) == ("tsg_t7001_2023", "legacy_yearly")


# --- check_due ---------------------------------------------------------------------------------------------------


def test_before_inspection():
    p = propose(kind="amusement", inspection_kind=PERIODIC, inspected_on=D(2024, 8, 31))
    f = check_due(p, D(2024, 8, 31))
    assert f.code == "before_inspection" and "2024-08-31" in f.message
    assert check_due(p, D(2024, 7, 1)).code == "before_inspection"
    assert check_due(p, D(2025, 8, 31)) is None
    assert check_due(p, D(2025, 9, 1)).code == "exceeds_max"


# --- request lead (特种设备安全法第四十条) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (D(2025, 5, 15), D(2025, 4, 15)),
        (D(2025, 3, 31), D(2025, 2, 28)),
        (D(2024, 3, 31), D(2024, 2, 29)),
        (D(2025, 1, 10), D(2024, 12, 10)),
    ],
)
def test_request_by(due, expected):
    assert request_by(due) == expected


def test_request_lead_quotes_article_40():
    r = e.REQUEST_LEAD_RULE
    assert r.status == "VERIFIED-PRIMARY" and "第四十条第一款" in r.source
    assert (
        "「特种设备使用单位应当按照安全技术规范的要求，在检验合格有效期届满前一个月向特种设备检验机构提出定期检验要求。」"
        in r.note
    )
    assert (
        e.EQUIPMENT_OPERATOR_REQUIRED.status == "VERIFIED-PRIMARY"
        and "第十四条" in e.EQUIPMENT_OPERATOR_REQUIRED.source
    )


# --- table hygiene and citations ----------------------------------------------------------------------------------


def test_interval_rows_cite_source_and_status():
    for r in e.INTERVALS:
        assert r.status in e.STATUSES and r.status != "VERIFIED-PRIMARY"  # TSG texts are not in the mirror
        assert r.source and r.note and r.citation
    by_code = {r.code: r for r in e.INTERVALS}
    assert by_code["boiler_external"].months == 12 and by_code["boiler_internal"].months == 24
    assert by_code["boiler_internal"].first_months == 12
    assert by_code["vessel_fixed_first"].first_months == 36
    assert not by_code["vessel_fixed_grade5"].usable


def test_public_names():
    for name in e.__all__:
        assert hasattr(e, name), name


@pytest.fixture(scope="module")
def mirror():
    return load_mirror(e.MIRRORED_LAWS)


PRIMARY = [(r.code, r.source, r.note) for r in e.RULES if r.status == "VERIFIED-PRIMARY"]


def test_primary_rows():
    assert {p[0] for p in PRIMARY} == {
        "request_lead",
        "not_inspected_not_usable",
        "equipment_operator_required",
        "self_inspection",
    }
    for code, source, _ in PRIMARY:
        assert citations(source, e.MIRRORED_LAWS), code


def test_mirror_sanity(mirror):
    articles = mirror[e.LAW_TZSB][0]
    assert len(articles) == 101
    assert articles["第四十条"] == [0, 0, 0]
    assert "本法自2014年1月1日起施行" in mirror[e.LAW_TZSB][1] and e.TZSB_FROM == D(2014, 1, 1)


@pytest.mark.parametrize("row", PRIMARY, ids=lambda r: r[0])
def test_primary_citations_exist(row, mirror):
    assert_cited_articles_exist(row[0], row[1], mirror, e.MIRRORED_LAWS)


@pytest.mark.parametrize("row", PRIMARY, ids=lambda r: r[0])
def test_primary_quotes_in_mirror(row, mirror):
    assert_quotes_in_mirror(row[0], row[1], row[2], mirror, e.MIRRORED_LAWS)


def _article_text(path: str, article: str) -> str:
    text, current = "", None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        m = re.match(rf"(第{NUM}条)\s", line)
        if line.startswith("#"):
            current = None
        elif m:
            current = m.group(1)
        if current == article:
            text += normalise(line)
    return text


@pytest.mark.parametrize("row", PRIMARY, ids=lambda r: r[0])
def test_primary_quotes_come_from_the_cited_article(row, mirror):
    code, source, note = row
    for law, article, _, _ in citations(source, e.MIRRORED_LAWS):
        text = _article_text(e.MIRRORED_LAWS[law], article)
        for quote in re.findall("「(.+?)」", note):
            assert normalise(quote) in text, f"{code}: 「{quote}」 not in {law}{article}"
