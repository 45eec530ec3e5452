"""API representation of the enterprise file. Writes go through the services."""

from rest_framework import serializers

from anjian.core.choices import Sector
from anjian.core.models import Grid, Region
from anjian.core.queries import grids_visible_to, regions_visible_to
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import EDITABLE_FIELDS
from anjian.rules.uscc import org_code_warning


class VisibleRegionField(serializers.SlugRelatedField):
    def get_queryset(self):
        return regions_visible_to(self.context["request"].user)


class VisibleGridField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return grids_visible_to(self.context["request"].user)


class EnterpriseSerializer(serializers.ModelSerializer):
    region = VisibleRegionField(slug_field="code", queryset=Region.objects.none())
    grid = VisibleGridField(queryset=Grid.objects.none(), allow_null=True, required=False)
    sectors = serializers.ListField(
        source="sector_codes", child=serializers.ChoiceField(choices=Sector.choices), allow_empty=False
    )
    uscc = serializers.CharField(max_length=18, allow_null=True, allow_blank=True, required=False)
    region_name = serializers.CharField(source="region.name", read_only=True)
    uscc_warning = serializers.SerializerMethodField(help_text="GB 11714 check of the embedded organisation code")

    class Meta:
        model = Enterprise
        fields = [
            "id", *EDITABLE_FIELDS, "sectors", "region_name", "region_code", "uscc_warning", "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "region_code", "created_at", "updated_at"]
        # Uniqueness and cross-field rules live in the service, which answers with stable codes.
        validators = []
        extra_kwargs = {"uscc": {"validators": []}}

    def get_uscc_warning(self, obj) -> str | None:
        return org_code_warning(obj.uscc) if obj.uscc else None

    def split(self) -> tuple[dict, list[str] | None]:
        data = dict(self.validated_data)
        sectors = data.pop("sector_codes", None)
        return data, sectors


class EnterpriseListSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    sectors = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = [
            "id", "uscc", "name", "region_code", "region_name", "sectors", "status", "supervision_class",
            "employees", "major_hazard_source", "updated_at",
        ]

    def get_sectors(self, obj) -> list[str]:
        return obj.sector_codes
