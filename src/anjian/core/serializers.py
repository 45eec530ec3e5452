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


class _ScopedSlug(serializers.SlugRelatedField):
    def get_queryset(self):
        from anjian.core.queries import regions_visible_to

        return regions_visible_to(self.context["request"].user)


class _GridOfficerField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        from anjian.accounts.models import User
        from anjian.accounts.roles import Role
        from anjian.core.models import subtree_q

        user = self.context["request"].user
        if not user.authority_id:
            return User.objects.none()
        return User.objects.filter(subtree_q(user.authority.region.prefix, "authority__region__code"),
                                   role=Role.GRID_OFFICER)


class GridSerializer(serializers.ModelSerializer):
    region = _ScopedSlug(slug_field="code", queryset=Region.objects.none())
    officer = _GridOfficerField(queryset=Grid.objects.none(), allow_null=True, required=False)
    officer_name = serializers.SerializerMethodField()

    class Meta:
        model = Grid
        fields = ["id", "name", "region", "officer", "officer_name"]
        validators = []

    def get_officer_name(self, obj) -> str | None:
        return obj.officer.display_name if obj.officer_id else None
