"""Demo data: one county (海宁市) with its 12 townships, a bureau, three departments, township
authorities, grids, ~300 enterprises, ~60 hazards in every state and a user for every role.
Deterministic; runs once."""

import datetime
import random

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from anjian.accidents import demo as accident_demo
from anjian.accounts import services as account_services
from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import services as core_services
from anjian.core.audit import SystemActor
from anjian.core.choices import AuthorityKind, RegionLevel, Sector
from anjian.core.models import Authority, Region
from anjian.enterprises import services as enterprise_services
from anjian.enterprises.choices import EnterpriseStatus, Scale, SupervisionClass
from anjian.hazards import demo as hazard_demo
from anjian.inspections import demo as inspection_demo
from anjian.people import demo as people_demo
from anjian.rules.uscc import USCC_CHARS, complete

DEMO_PASSWORD = "Anjian@2026"
COUNTY = "330481"
BUREAU = "海宁市应急管理局"

DEPARTMENTS = [
    ("海宁市住房和城乡建设局", [Sector.CONSTRUCTION]),
    ("海宁市交通运输局", [Sector.TRANSPORT]),
    ("海宁市经济和信息化局", [Sector.MACHINERY, Sector.LIGHT_INDUSTRY, Sector.TEXTILE, Sector.BUILDING_MATERIALS]),
]

NAME_PARTS = list("华海宁盛鑫恒远达瑞丰通嘉润泰兴新源诚")
SECTOR_WORDS = {
    Sector.HAZCHEM: "化工", Sector.NON_COAL_MINE: "矿业", Sector.METALLURGY: "钢铁", Sector.NONFERROUS: "铝业",
    Sector.BUILDING_MATERIALS: "建材", Sector.MACHINERY: "机械", Sector.LIGHT_INDUSTRY: "皮革制品",
    Sector.TEXTILE: "纺织", Sector.TOBACCO: "烟草", Sector.COMMERCE: "商贸", Sector.FIREWORKS: "烟花爆竹",
    Sector.CONSTRUCTION: "建设工程", Sector.TRANSPORT: "运输", Sector.OTHER: "服务",
}
SECTOR_WEIGHTS = {
    Sector.TEXTILE: 18, Sector.LIGHT_INDUSTRY: 16, Sector.MACHINERY: 16, Sector.HAZCHEM: 8, Sector.COMMERCE: 8,
    Sector.BUILDING_MATERIALS: 6, Sector.CONSTRUCTION: 8, Sector.TRANSPORT: 6, Sector.METALLURGY: 3,
    Sector.NONFERROUS: 2, Sector.NON_COAL_MINE: 1, Sector.FIREWORKS: 1, Sector.TOBACCO: 1, Sector.OTHER: 6,
}
INDUSTRY = {
    Sector.HAZCHEM: "2614", Sector.TEXTILE: "1751", Sector.LIGHT_INDUSTRY: "1910", Sector.MACHINERY: "3311",
    Sector.BUILDING_MATERIALS: "3021", Sector.METALLURGY: "3120", Sector.NONFERROUS: "3252",
    Sector.CONSTRUCTION: "4790", Sector.TRANSPORT: "5430", Sector.COMMERCE: "5191", Sector.NON_COAL_MINE: "1019",
    Sector.FIREWORKS: "2672", Sector.TOBACCO: "1620", Sector.OTHER: "8190",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何沈"
GIVEN = ["伟", "芳", "军", "敏", "强", "磊", "洁", "斌", "峰", "静", "涛", "华"]


def make_uscc(rng: random.Random, county: str = COUNTY) -> str:
    body = "".join(rng.choice(USCC_CHARS) for _ in range(9))
    return complete("91" + county + body)


class Command(BaseCommand):
    help = "Load the demo county, authorities, users and ~300 enterprises (once)."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=300)

    def handle(self, *args, enterprises: int, **options):
        if Authority.objects.filter(name=BUREAU).exists():
            self.stdout.write("demo data already loaded")
            return
        call_command("load_regions", stdout=self.stdout)
        actor = SystemActor("seed_demo")
        rng = random.Random(2026)
        with transaction.atomic():
            users = self._authorities_and_users(actor)
            self._enterprises(actor, rng, enterprises, users)
            hazards = hazard_demo.seed(actor, rng)
            inspections = inspection_demo.seed(DEMO_PASSWORD, rng)
            accidents = accident_demo.seed(actor, DEMO_PASSWORD, rng)
            people = people_demo.seed(actor, rng)
        self.stdout.write(f"{hazards} demo hazards")
        self.stdout.write(f"{inspections} demo inspections")
        self.stdout.write(f"{accidents} demo accidents")
        self.stdout.write(
            f"{people['people']} demo employees, {people['equipment_scan'].hazards} equipment hazards opened, "
            f"{people['certificate_reminders'].reminders} certificate reminders"
        )
        self.stdout.write(self.style.SUCCESS(f"demo data loaded; every demo password is {DEMO_PASSWORD}"))

    def _user(self, actor, username, full_name, role, *, authority=None, enterprise=None) -> User:
        return account_services.user_create(
            actor=actor, username=username, password=DEMO_PASSWORD, full_name=full_name,
            authority=authority, enterprise=enterprise, role=role,
        )

    def _authorities_and_users(self, actor) -> dict:
        county = Region.objects.get(code=COUNTY)
        bureau = core_services.authority_create(
            actor=actor, name=BUREAU, kind=AuthorityKind.EMERGENCY_BUREAU, region=county
        )
        departments = [
            core_services.authority_create(actor=actor, name=name, kind=AuthorityKind.DEPARTMENT, region=county,
                                           sectors=list(sectors))
            for name, sectors in DEPARTMENTS
        ]
        townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP, parent=county).order_by("code"))
        township_auth = {}
        for t in townships:
            suffix = "办事处" if t.name.endswith("街道") else "人民政府"
            township_auth[t.code] = core_services.authority_create(
                actor=actor, name=t.name + suffix, kind=AuthorityKind.TOWNSHIP, region=t, parent=bureau
            )
        park_region = townships[2]
        core_services.authority_create(actor=actor, name="海宁经济开发区管委会", kind=AuthorityKind.PARK,
                                       region=park_region, parent=bureau)
        u = {
            "leader": self._user(actor, "juzhang", "周局长", Role.BUREAU_LEADER, authority=bureau),
            "officer": self._user(actor, "zhifa", "陈执法", Role.BUREAU_OFFICER, authority=bureau),
            "officer2": self._user(actor, "zhifa2", "沈执法", Role.BUREAU_OFFICER, authority=bureau),
            "dept": self._user(actor, "zhujian", "吴科长", Role.DEPARTMENT_OFFICER, authority=departments[0]),
            "dept2": self._user(actor, "jingxin", "孙科长", Role.DEPARTMENT_OFFICER, authority=departments[2]),
            "town1": self._user(actor, "xiashi", "硖石街道安监员", Role.TOWNSHIP_OFFICER,
                                authority=township_auth[townships[0].code]),
            "town2": self._user(actor, "xucun", "许村镇安监员", Role.TOWNSHIP_OFFICER,
                                authority=township_auth[townships[4].code]),
            "expert": self._user(actor, "zhuanjia", "何专家", Role.EXPERT, authority=bureau),
            "sysadmin": self._user(actor, "sysadmin", "系统管理员", Role.SYSTEM_ADMIN, authority=bureau),
            "secadmin": self._user(actor, "secadmin", "安全管理员", Role.SECURITY_ADMIN, authority=bureau),
            "auditadmin": self._user(actor, "auditadmin", "安全审计员", Role.AUDIT_ADMIN, authority=bureau),
        }
        grids = {}
        for i, t in enumerate(townships):
            officer = None
            if i in (0, 4):
                officer = self._user(actor, f"wangge{i + 1}", f"{t.name}网格员", Role.GRID_OFFICER,
                                     authority=township_auth[t.code])
                u[f"grid{i}"] = officer
            grids[t.code] = [
                core_services.grid_create(actor=actor, name=f"{t.name}第一网格", region=t, officer=officer),
                core_services.grid_create(actor=actor, name=f"{t.name}第二网格", region=t),
            ]
        u["townships"] = townships
        u["grids"] = grids
        return u

    def _enterprises(self, actor, rng: random.Random, count: int, u: dict) -> None:
        townships, grids = u["townships"], u["grids"]
        sectors = list(SECTOR_WEIGHTS)
        weights = [SECTOR_WEIGHTS[s] for s in sectors]
        made = []
        for i in range(count):
            sector = rng.choices(sectors, weights)[0]
            township = townships[i % len(townships)]
            status = EnterpriseStatus.OPERATING
            roll = rng.random()
            if roll < 0.05:
                status = EnterpriseStatus.ILLEGAL
            elif roll < 0.10:
                status = EnterpriseStatus.CLOSED
            elif roll < 0.14:
                status = EnterpriseStatus.SUSPENDED
            elif roll < 0.17:
                status = EnterpriseStatus.UNDER_CONSTRUCTION
            employees = rng.choice([6, 12, 25, 48, 60, 95, 100, 101, 150, 280, 320, 650, 1200])
            hazardous = sector in (Sector.HAZCHEM, Sector.FIREWORKS)
            dust = sector in (Sector.LIGHT_INDUSTRY, Sector.METALLURGY, Sector.TEXTILE) and rng.random() < 0.25
            name = "海宁{}{}{}有限公司".format(
                "".join(rng.sample(NAME_PARTS, 2)), SECTOR_WORDS[sector], "" if i % 3 else "科技"
            )
            if status == EnterpriseStatus.ILLEGAL:
                name = f"{township.name}无名{SECTOR_WORDS[sector]}作坊{i}"
            principal = rng.choice(SURNAMES) + rng.choice(GIVEN)
            data = {
                "uscc": None if status == EnterpriseStatus.ILLEGAL else make_uscc(rng),
                "name": name,
                "legal_representative": principal,
                "principal_name": principal,
                "principal_phone": "1" + "".join(rng.choice("3456789") + "".join(
                    rng.choice("0123456789") for _ in range(4)) for _ in range(2)),
                "safety_contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "address": f"浙江省海宁市{township.name}{rng.randint(1, 399)}号",
                "region": township,
                "grid": rng.choice(grids[township.code]) if rng.random() < 0.8 else None,
                "industry_code": "C" + INDUSTRY[sector] if sector not in (
                    Sector.CONSTRUCTION, Sector.TRANSPORT, Sector.COMMERCE, Sector.OTHER) else INDUSTRY[sector],
                "scale": Scale.LARGE if employees >= 1000 else Scale.MEDIUM if employees >= 300 else
                         Scale.SMALL if employees >= 20 else Scale.MICRO,
                "employees": employees,
                "status": status,
                "supervision_class": SupervisionClass.A if hazardous or dust else rng.choice(
                    [SupervisionClass.B, SupervisionClass.C, SupervisionClass.C, SupervisionClass.D]),
                "has_safety_body": employees > 100 and rng.random() < 0.7,
                "full_time_safety_staff": rng.choice([0, 1, 1, 2, 3]) if employees > 20 else rng.choice([0, 1]),
                "part_time_safety_staff": rng.choice([0, 1, 2]),
                "major_hazard_source": hazardous and rng.random() < 0.4,
                "combustible_dust": dust,
                "dust_worker_count": min(employees, rng.randint(3, 40)) if dust else 0,
                "ammonia_refrigeration": sector == Sector.COMMERCE and rng.random() < 0.2,
                "cold_storage": sector == Sector.COMMERCE and rng.random() < 0.3,
                "confined_space": rng.random() < 0.2,
                "metal_smelting": sector in (Sector.METALLURGY, Sector.NONFERROUS) and rng.random() < 0.6,
                "hazchem_use": hazardous or rng.random() < 0.1,
            }
            if hazardous and status != EnterpriseStatus.ILLEGAL:
                data.update({
                    "licence_number": f"(浙)WH安许证字[2024]{i:06d}",
                    "licence_issuer": "嘉兴市应急管理局",
                    "licence_valid_from": datetime.date(2024, 3, 1),
                    "licence_valid_until": datetime.date(2027, 2, 28),
                })
            sector_list = [sector]
            if sector == Sector.HAZCHEM and rng.random() < 0.2:
                sector_list.append(Sector.COMMERCE)
            made.append(enterprise_services.enterprise_create(actor=actor, data=data, sectors=sector_list))
        # Two enterprises get their own users: principal, safety manager, employee.
        operating = [e for e in made if e.status == EnterpriseStatus.OPERATING and e.region_code != ""]
        first = next(e for e in operating if e.region_code == townships[0].code)
        second = next(e for e in operating if e.region_code == townships[4].code)
        for tag, ent in (("a", first), ("b", second)):
            self._user(actor, f"qiye{tag}", f"{ent.name}负责人", Role.ENTERPRISE_PRINCIPAL, enterprise=ent)
            self._user(actor, f"anquan{tag}", f"{ent.name}安全员", Role.ENTERPRISE_SAFETY_MANAGER, enterprise=ent)
            self._user(actor, f"yuangong{tag}", f"{ent.name}员工", Role.ENTERPRISE_EMPLOYEE, enterprise=ent)
