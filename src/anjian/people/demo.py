"""Demo people, training, certificates and special equipment for `make run`, made through the services (so the
verdicts, due dates, audit and reminders are real): enterprise A has a full ledger with people who may not work
for each kind of reason, certificates due and expired, a boiler due for its inspection request and a forklift
overdue (the scan opens its hazard); some thirty other units get a few people and machines each."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from anjian.accounts.roles import Role
from anjian.enterprises.choices import EnterpriseStatus
from anjian.enterprises.models import Enterprise
from anjian.equipment import services as equipment_services
from anjian.equipment.scan import scan_equipment
from anjian.people import certificates, services, training
from anjian.people.scan import scan_people
from anjian.rules.id_card import check_digit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何沈"
GIVEN = ["伟", "芳", "军", "敏", "强", "磊", "洁", "斌", "峰", "静", "涛", "华", "明", "丽", "勇"]


class _People:
    def __init__(self, actor, rng: random.Random):
        self.actor, self.rng, self.serial = actor, rng, 0

    def id_number(self, birth_year: int) -> str:
        self.serial += 1
        month, day = self.rng.randint(1, 12), self.rng.randint(1, 28)
        first17 = f"330481{birth_year}{month:02d}{day:02d}{self.serial % 1000:03d}"
        return first17 + check_digit(first17)

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN) + self.rng.choice(["", *GIVEN])

    def add(self, enterprise, *, post, hired_on, kind="employee", employment="regular", employer="", team="一班"):
        data = {
            "name": self.name(), "id_number": self.id_number(self.rng.randint(1965, 2002)),
            "phone": "13" + "".join(self.rng.choice("0123456789") for _ in range(9)), "person_kind": kind,
            "employment_type": employment, "employer_name": employer, "department": "生产车间", "team": team,
            "post": post, "hired_on": hired_on,
        }
        return services.employee_register(actor=self.actor, enterprise=enterprise, data=data)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _session(actor, enterprise, kind, title, day, hours, people, *, result="passed"):
    data = {
        "kind": kind, "title": title, "content": title + "：安全生产法律法规、岗位操作规程、事故案例与应急处置。",
        "trainer": "安全科", "organiser": enterprise.name, "place": "培训室", "starts_at": _at(day, 8),
        "ends_at": _at(day, 8) + datetime.timedelta(hours=float(hours) + 1), "hours": Decimal(hours), "has_exam": True,
    }
    rows = [{"employee": p, "result": result, "score": Decimal("86") if result == "passed" else Decimal("52")}
            for p in people]
    return training.session_record(actor=actor, enterprise=enterprise, data=data, participants=rows)


def _three_levels(actor, enterprise, people, start: datetime.date, levels=("company", "workshop", "team")):
    titles = {"company": "厂级安全教育", "workshop": "车间级安全教育", "team": "班组级安全教育"}
    for offset, level in enumerate(levels):
        _session(actor, enterprise, level, titles[level], start + datetime.timedelta(days=offset), "8", people)


def _cert(actor, employee, kind, item, issued_on, number=None):
    return certificates.certificate_register(
        actor=actor, employee=employee,
        data={"kind": kind, "item_code": item, "number": number or employee.id_number,
              "issuer": "嘉兴市应急管理局" if kind != "equipment_operator" else "嘉兴市市场监督管理局",
              "issued_on": issued_on},
    )


def _enterprise_a(actor, people: _People, ent, today) -> None:
    year_ago = today - datetime.timedelta(days=400)
    principal = people.add(ent, post="总经理", hired_on=year_ago - datetime.timedelta(days=900), kind="principal")
    manager = people.add(ent, post="安全科科长", hired_on=year_ago - datetime.timedelta(days=700),
                         kind="safety_manager")
    _session(actor, ent, "initial", "主要负责人和安全管理人员初次安全培训", year_ago, "32", [principal, manager])
    _session(actor, ent, "annual", f"{today.year - 1}年度主要负责人再培训", datetime.date(today.year - 1, 6, 12), "12",
             [principal, manager])
    workers = [people.add(ent, post=post, hired_on=year_ago) for post in (
        "低压电工", "电焊工", "叉车司机", "行车司机", "司炉工", "装配工", "装配工", "包装工")]
    _three_levels(actor, ent, workers, year_ago + datetime.timedelta(days=1))
    _session(actor, ent, "annual", f"{today.year - 1}年度全员安全再培训", datetime.date(today.year - 1, 11, 20), "8",
             workers)
    electrician, welder, forklift, crane, stoker = workers[:5]
    _cert(actor, electrician, "special_operation", "1.2", today - datetime.timedelta(days=3 * 365 - 25))
    _cert(actor, welder, "special_operation", "2.1", today - datetime.timedelta(days=6 * 365 + 20))  # expired
    _cert(actor, forklift, "equipment_operator", "N1", today - datetime.timedelta(days=500))
    _cert(actor, crane, "equipment_operator", "Q2", today - datetime.timedelta(days=4 * 365 - 80))
    _cert(actor, stoker, "equipment_operator", "G1", today - datetime.timedelta(days=300))
    _cert(actor, manager, "safety_qualification", "safety_manager", today - datetime.timedelta(days=3 * 365 - 50),
          number=f"33048120{today.year - 3}{people.serial:04d}")
    # People who may not work: a new hire with only the company level, a transfer, one back after a long absence,
    # a dispatched worker whose team training failed.
    new_hire = people.add(ent, post="装配工", hired_on=today - datetime.timedelta(days=5))
    _three_levels(actor, ent, [new_hire], today - datetime.timedelta(days=4), levels=("company",))
    services.employee_post_change(actor=actor, employee=workers[5], post="喷漆工", department="涂装车间",
                                  team="二班", started_on=today - datetime.timedelta(days=10))
    absence = services.absence_record(actor=actor, employee=workers[6], left_on=today - datetime.timedelta(days=372),
                                      reason="病假")
    services.absence_return(actor=actor, absence=absence, returned_on=today - datetime.timedelta(days=3))
    dispatched = people.add(ent, post="搬运工", hired_on=today - datetime.timedelta(days=20),
                            employment="dispatched", employer="海宁人力资源服务有限公司")
    _three_levels(actor, ent, [dispatched], today - datetime.timedelta(days=19), levels=("company", "workshop"))
    _session(actor, ent, "team", "班组级安全教育（补考）", today - datetime.timedelta(days=15), "8", [dispatched],
             result="failed")

    def machine(kind, name, location, commissioned, inspection, **extra):
        data = {"kind": kind, "name": name, "location": location, "commissioned_on": commissioned,
                "manufacturer": "浙江特种设备制造有限公司", **extra}
        if inspection:
            data["last_inspection"] = inspection
        return equipment_services.equipment_register(actor=actor, enterprise=ent, data=data)

    def report(kind, inspected_on, next_due, **extra):
        return {"inspection_kind": kind, "inspected_on": inspected_on, "body": "嘉兴市特种设备检测院",
                "conclusion": "pass", "report_number": f"JX{inspected_on:%Y%m%d}{people.rng.randint(100, 999)}",
                "next_due": next_due, "confirm_exceeds": False, **extra}

    boiler_checked = today - datetime.timedelta(days=345)
    boiler = machine("boiler", "燃气蒸汽锅炉", "锅炉房", today - datetime.timedelta(days=2000),
            report("external", boiler_checked, boiler_checked + datetime.timedelta(days=365)),
            subtype="industrial", registration_code=f"1100330481{today.year - 6}0001",
            use_registration_number="锅浙F0001")
    internal = today - datetime.timedelta(days=300)
    equipment_services.inspection_record(actor=actor, equipment=boiler,
                                         data=report("internal", internal, internal + datetime.timedelta(days=730)))
    vessel_checked = today - datetime.timedelta(days=700)
    machine("pressure_vessel", "储气罐", "空压机房", today - datetime.timedelta(days=2500),
            report("periodic", vessel_checked, vessel_checked + datetime.timedelta(days=6 * 365 - 30), safety_grade=2),
            subtype="fixed", safety_grade=2, registration_code=f"2110330481{today.year - 7}0002")
    truck_checked = today - datetime.timedelta(days=380)
    truck = machine("in_plant_vehicle", "内燃叉车", "成品仓库", today - datetime.timedelta(days=1500),
                    report("periodic", truck_checked, truck_checked + datetime.timedelta(days=365)),
                    registration_code=f"5110330481{today.year - 4}0003")
    crane_checked = today - datetime.timedelta(days=200)
    crane_row = machine("lifting", "电动单梁桥式起重机", "装配车间", today - datetime.timedelta(days=3000),
                        report("periodic", crane_checked, crane_checked + datetime.timedelta(days=2 * 365)),
                        subtype="bridge", registration_code=f"4110330481{today.year - 8}0004")
    installed = today - datetime.timedelta(days=3 * 365 + 40)
    machine("elevator", "办公楼乘客电梯", "办公楼", installed,
            report("self_test", today - datetime.timedelta(days=40), installed.replace(year=installed.year + 4)),
            installed_on=installed, schedule="tsg_t7001_2023", registration_code=f"3110330481{today.year - 3}0005")
    equipment_services.operator_assign(actor=actor, equipment=truck, employee=forklift, assigned_on=truck_checked)
    equipment_services.operator_assign(actor=actor, equipment=crane_row, employee=crane, assigned_on=crane_checked)


def _others(actor, people: _People, enterprises, today) -> None:
    kinds = [("lifting", "bridge", "电动葫芦门式起重机"), ("pressure_vessel", "fixed", "储气罐"),
             ("in_plant_vehicle", "", "电动叉车"), ("boiler", "industrial", "生物质热水锅炉")]
    for i, ent in enumerate(enterprises):
        hired = today - datetime.timedelta(days=people.rng.randint(60, 2000))
        staff = [people.add(ent, post=post, hired_on=hired) for post in ("操作工", "操作工", "电工")]
        _three_levels(actor, ent, staff[:2] if i % 4 == 0 else staff, hired + datetime.timedelta(days=1))
        if hired.year < today.year - 1 and i % 5:
            _session(actor, ent, "annual", f"{today.year - 1}年度安全再培训", datetime.date(today.year - 1, 10, 9), "8",
                     staff)
        if i % 2 == 0:
            issued = today - datetime.timedelta(days=people.rng.randint(30, 2100))
            _cert(actor, staff[2], "special_operation", "1.2", issued)
        kind, subtype, name = kinds[i % len(kinds)]
        checked = today - datetime.timedelta(days=people.rng.randint(20, 330))
        equipment_services.equipment_register(
            actor=actor, enterprise=ent,
            data={"kind": kind, "subtype": subtype, "name": name, "location": "生产车间",
                  "commissioned_on": checked - datetime.timedelta(days=900),
                  "safety_grade": 2 if kind == "pressure_vessel" else None,
                  "last_inspection": {"inspection_kind": "external" if kind == "boiler" else "periodic",
                                      "inspected_on": checked, "body": "嘉兴市特种设备检测院", "conclusion": "pass",
                                      "report_number": f"JX{checked:%Y%m%d}{i:03d}",
                                      "safety_grade": 2 if kind == "pressure_vessel" else None,
                                      "next_due": checked + datetime.timedelta(days=365), "confirm_exceeds": False}},
        )


def seed(actor, rng: random.Random) -> dict:
    """Returns the counts made, for the seed command's output."""
    today = timezone.localdate()
    people = _People(actor, rng)
    own = list(Enterprise.objects.filter(users__role=Role.ENTERPRISE_PRINCIPAL).distinct().order_by("id"))
    _enterprise_a(actor, people, own[0], today)
    others = list(
        Enterprise.objects.filter(status=EnterpriseStatus.OPERATING).exclude(pk=own[0].pk).order_by("id")[:30]
    )
    _others(actor, people, others, today)
    certificate_scan = scan_people(today=today)
    equipment_scan = scan_equipment(today=today)
    return {"people": people.serial, "certificate_reminders": certificate_scan, "equipment_scan": equipment_scan}
