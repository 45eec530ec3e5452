"""Reads of the special-equipment register, always starting from the user's visible set."""

from django.db.models import QuerySet

from anjian.equipment.models import EquipmentInspection, SpecialEquipment
from anjian.hazards.queries import hazard_scope_q


def equipment_visible_to(user, *, for_list: bool = False) -> QuerySet[SpecialEquipment]:
    q = hazard_scope_q(user, for_list=for_list)
    return SpecialEquipment.objects.none() if q is None else SpecialEquipment.objects.filter(q)


def inspections_visible_to(user) -> QuerySet[EquipmentInspection]:
    return EquipmentInspection.objects.filter(equipment__in=equipment_visible_to(user).values("pk"))


def equipment_for_user(user, pk) -> SpecialEquipment:
    """One equipment with what its page shows; raises SpecialEquipment.DoesNotExist outside the user's scope."""
    return equipment_visible_to(user).select_related("enterprise", "enterprise__region").get(pk=pk)
