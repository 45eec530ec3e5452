"""Fixtures for hazard tests: photos made with Pillow (one with EXIF GPS), uploads kept in a
temporary media folder, and shortcuts that walk a hazard through its steps via the services."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anjian.hazards import services


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_HOST = ""


def jpeg(name="site.jpg", *, gps=None, size=(64, 48), color=(200, 30, 30)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {}
    if gps:
        exif = Image.Exif()
        lat, lon = gps
        exif[0x8825] = {
            1: "N" if lat >= 0 else "S",
            2: _dms(abs(lat)),
            3: "E" if lon >= 0 else "W",
            4: _dms(abs(lon)),
        }
        kwargs["exif"] = exif
    image.save(out, format="JPEG", **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _dms(value: float):
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60, 4)
    return (float(d), float(m), float(s))


def today() -> datetime.date:
    return timezone.localdate()


def report(world, key="e1w", enterprise=None, **data):
    payload = {"location": "一号车间", "description": "配电箱门未关闭", "category": "equipment"}
    payload.update(data)
    return services.hazard_report(actor=world.user[key], enterprise=enterprise or world.e1, data=payload)


def general_plan(world, days=10):
    return {
        "measures": "关闭配电箱门并加锁",
        "responsible_name": "张三",
        "responsible_user": world.user["e1w"],
        "deadline": today() + datetime.timedelta(days=days),
    }


MAJOR_PLAN = {
    "measures": "更换除尘系统",
    "responsible_name": "李四",
    "funds": "12.50",
    "contingency_plan": "粉尘爆炸专项应急预案",
    "plan_goals": "三个月内消除隐患",
    "plan_safety_measures": "停用该除尘系统，人工清扫",
    "production_stop": "partial",
    "report_state_cause": "除尘系统共用，设计缺陷",
    "report_harm_difficulty": "可能引发粉尘爆炸，整改需改造管网",
}


def major_plan(days=60):
    return {**MAJOR_PLAN, "deadline": today() + datetime.timedelta(days=days)}


def rectifying_general(world, days=10):
    hazard = report(world)
    services.hazard_confirm(actor=world.user["e1m"], hazard=hazard, grade="general")
    return services.hazard_start(actor=world.user["e1m"], hazard=hazard, data=general_plan(world, days))


def rectifying_major(world, days=60):
    hazard = report(
        world, key="b1", route="enforcement_inspection", location="除尘间", description="不同类别粉尘共用除尘系统"
    )
    services.hazard_confirm(actor=world.user["e1m"], hazard=hazard, grade="major", criterion_code="gongmao_2023.11.2")
    return services.hazard_start(actor=world.user["e1m"], hazard=hazard, data=major_plan(days))
