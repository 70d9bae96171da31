from django.contrib import admin

from reports.models import Report, ReportBuild


class BuildInline(admin.TabularInline):
    model = ReportBuild
    extra = 0
    fields = ("version", "status", "progress", "file", "requested_by_name", "requested_at", "finished_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "key", "district", "created_at")
    list_filter = ("kind", "district")
    inlines = [BuildInline]
