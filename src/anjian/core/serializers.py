"""Serializers of the reference data: regions, authorities, grids."""

from rest_framework import serializers

from anjian.core.models import Authority, Grid, Region


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "prefix"]


class AuthoritySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Authority
        fields = ["id", "name", "kind", "region", "parent", "sectors"]


class GridSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    officer = serializers.SerializerMethodField()

    class Meta:
        model = Grid
        fields = ["id", "name", "region", "officer"]

    def get_officer(self, obj) -> str | None:
        return obj.officer.display_name if obj.officer_id else None
