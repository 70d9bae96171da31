"""Django admin for users: role and scope (district, street, community, grids, firm, department).

Staff who are not platform administrators see and edit only the users of their own district, and can
pick scopes only inside it."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.phones import PHONE_FIELDS, PhoneField

admin.site.site_header = _("末梢 · 小区治理平台 管理后台")
admin.site.site_title = _("末梢管理后台")
admin.site.index_title = _("配置与数据维护")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "district", "street", "community", "is_active", "is_staff"]
    list_filter = [
        "role",
        "is_active",
        "is_staff",
        ("district", admin.RelatedOnlyFieldListFilter),
        ("street", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["username", "full_name", "phone", "email"]
    list_select_related = ["district", "street", "community"]
    autocomplete_fields = ["district", "street", "community", "property_firm", "department", "grids"]
    ordering = ["username"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in PHONE_FIELDS:  # the site's one phone rule (accounts.phones), normalised on save
            return PhoneField(label=db_field.verbose_name, required=not db_field.blank)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (
            _("角色与管辖范围"),
            {
                "fields": ("role", "district", "street", "community", "grids", "property_firm", "department"),
                "description": _(
                    "按角色填写管辖范围：区级人员填区；街道工作人员填区和街道；社区干部填区和社区；"
                    "网格员填区和网格；物业企业人员填区和物业企业；职能部门人员填区和部门。"
                ),
            },
        ),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (
            _("角色与管辖范围"),
            {
                "fields": (
                    "full_name",
                    "phone",
                    "role",
                    "district",
                    "street",
                    "community",
                    "property_firm",
                    "department",
                )
            },
        ),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_platform_admin:
            return queryset
        if request.user.district_id is None:
            return queryset.none()
        return queryset.filter(district_id=request.user.district_id)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_platform_admin:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

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
