"""The Django admin is the platform administrators' configuration tool, and theirs only.

District, street and community staff work in the product's own pages, which go through the scoping
policy; the admin's generic forms (users' roles, every district's orders) are no place for them, so the
site refuses every user who is not a platform administrator, whatever their is_staff flag says.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class CapillaryAdminSite(admin.AdminSite):
    site_header = _("末梢 · 平台配置")
    site_title = _("末梢平台配置")

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and request.user.is_platform_admin


class CapillaryAdminConfig(AdminConfig):
    default_site = "config.admin.CapillaryAdminSite"
