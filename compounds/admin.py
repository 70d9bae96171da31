"""Django admin for the organisation tree. Querysets and foreign-key choices go through the policy, so a
staff user of one district never sees or picks another district's rows (platform administrators see all)."""

from django.contrib import admin

from accounts.phones import PHONE_FIELDS, PhoneField
from accounts.policy import CHANGE, restrict
from compounds.models import Building, Community, Compound, Department, District, Grid, PropertyFirm, Street, TierChange


class ScopedAdmin(admin.ModelAdmin):
    """Restricts the change list, the change form and foreign-key choices to what the user may see."""

    list_per_page = 50

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in PHONE_FIELDS:  # the site's one phone rule (accounts.phones), normalised on save
            return PhoneField(label=db_field.verbose_name, required=not db_field.blank)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and not request.user.is_platform_admin:
            return restrict(type(obj)._default_manager.filter(pk=obj.pk), request.user, CHANGE).exists()
        return allowed

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects, "visible_to"):
            kwargs["queryset"] = related.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects, "visible_to"):
            kwargs["queryset"] = related.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(District)
class DistrictAdmin(ScopedAdmin):
    list_display = ["name", "code", "city", "province"]
    list_filter = ["province", "city"]
    search_fields = ["name", "code"]


@admin.register(Street)
class StreetAdmin(ScopedAdmin):
    list_display = ["name", "code", "kind", "district"]
    list_filter = ["kind", ("district", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code"]
    list_select_related = ["district"]


class TierChangeInline(admin.TabularInline):
    """The tier history, read-only: a change of tier goes through community_set_tier."""

    model = TierChange
    fields = ["effective_year", "tier", "reason", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-effective_year", "-recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Community)
class CommunityAdmin(ScopedAdmin):
    list_display = ["name", "code", "street", "tier", "tier_since"]
    list_filter = [
        "tier",
        ("street__district", admin.RelatedOnlyFieldListFilter),
        ("street", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "code", "street__name"]
    list_select_related = ["street"]
    readonly_fields = ["tier", "tier_reason", "tier_since"]
    inlines = [TierChangeInline]


@admin.register(TierChange)
class TierChangeAdmin(ScopedAdmin):
    list_display = ["community", "tier", "effective_year", "reason", "recorded_by", "recorded_at"]
    list_filter = ["tier", "effective_year", ("district", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["community__name", "community__code", "reason"]
    list_select_related = ["community", "recorded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Compound)
class CompoundAdmin(ScopedAdmin):
    list_display = ["name", "code", "community", "management_mode", "property_firm", "households", "is_three_no"]
    list_filter = [
        "is_three_no",
        "management_mode",
        "has_owners_committee",
        "has_maintenance_fund",
        "community__tier",
        ("community__street", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "code", "address", "community__name", "property_firm__name"]
    list_select_related = ["community", "property_firm"]
    readonly_fields = ["is_three_no"]
    autocomplete_fields = ["community", "property_firm"]


@admin.register(Building)
class BuildingAdmin(ScopedAdmin):
    list_display = ["name", "compound", "households"]
    list_filter = [("compound__community__street", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "compound__name", "compound__code"]
    list_select_related = ["compound"]
    autocomplete_fields = ["compound"]


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    list_display = ["name", "code", "community"]
    list_filter = [
        ("community__street", admin.RelatedOnlyFieldListFilter),
        ("community", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "code", "community__name"]
    list_select_related = ["community"]
    autocomplete_fields = ["community", "buildings"]


@admin.register(PropertyFirm)
class PropertyFirmAdmin(ScopedAdmin):
    list_display = ["name", "credit_code", "is_state_fallback", "contact_phone", "district"]
    list_filter = ["is_state_fallback", ("district", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "credit_code"]
    list_select_related = ["district"]


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ["name", "kind", "district"]
    list_filter = ["kind", ("district", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    list_select_related = ["district"]
