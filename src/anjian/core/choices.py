"""Choices shared across apps: region levels, authority kinds, supervision sectors."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")


# Significant digits of a code at each level: a subtree is a prefix match on these.
LEVEL_PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}


class AuthorityKind(models.TextChoices):
    EMERGENCY_BUREAU = "emergency_bureau", _("应急管理局")
    DEPARTMENT = "department", _("行业主管部门")
    TOWNSHIP = "township", _("乡镇（街道）")
    PARK = "park", _("工业园区")


class Sector(models.TextChoices):
    """监管行业类别. Codes match anjian.rules.staffing.SECTOR_CODES."""

    HAZCHEM = "hazchem", _("危险化学品")
    COAL_MINE = "coal_mine", _("煤矿")
    NON_COAL_MINE = "non_coal_mine", _("非煤矿山")
    METALLURGY = "metallurgy", _("冶金")
    NONFERROUS = "nonferrous", _("有色")
    BUILDING_MATERIALS = "building_materials", _("建材")
    MACHINERY = "machinery", _("机械")
    LIGHT_INDUSTRY = "light_industry", _("轻工")
    TEXTILE = "textile", _("纺织")
    TOBACCO = "tobacco", _("烟草")
    COMMERCE = "commerce", _("商贸")
    FIREWORKS = "fireworks", _("烟花爆竹")
    CONSTRUCTION = "construction", _("建筑施工")
    TRANSPORT = "transport", _("交通运输")
    OTHER = "other", _("其他")
