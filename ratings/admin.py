"""Configuration through the Django admin (platform staff): rules, periods and the stored rows."""

from django.contrib import admin

from ratings import models


@admin.register(models.RatingSettings)
class RatingSettingsAdmin(admin.ModelAdmin):
    list_display = ["district", "weight_satisfaction", "weight_panel", "weight_work_orders", "min_answers"]


@admin.register(models.RatingPeriod)
class RatingPeriodAdmin(admin.ModelAdmin):
    list_display = ["district", "year", "quarter", "status", "computed_at", "published_at"]
    list_filter = ["status", "district"]


@admin.register(models.ServiceContract)
class ServiceContractAdmin(admin.ModelAdmin):
    list_display = ["compound", "firm", "start", "end", "fee_basis", "fee_fen"]
    list_filter = ["district"]
    raw_id_fields = ["compound", "firm"]


class StepInline(admin.TabularInline):
    model = models.IntroductionStep
    extra = 0
    readonly_fields = ["stage", "date", "responsible", "decision", "note", "recorded_by"]
    can_delete = False


@admin.register(models.Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    list_display = ["compound", "firm", "status", "started_at"]
    list_filter = ["status", "district"]
    raw_id_fields = ["compound", "firm", "contract"]
    inlines = [StepInline]


@admin.register(models.FirmScore)
class FirmScoreAdmin(admin.ModelAdmin):
    list_display = ["period", "firm", "total", "rank", "list_kind"]
    list_filter = ["list_kind", "district"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # computed by the build; never edited by hand


@admin.register(models.Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "district", "built_at"]
    list_filter = ["kind", "district"]


for model in (
    models.PanelScore,
    models.WorkOrderRecord,
    models.SeriousIncident,
    models.SurveyResponse,
):
    admin.site.register(model)
