"""Row-level security on every tenant-owned table of compounds (accounts.rls): a row is seen and written only in its
district's transactions (capillary.district) or on the platform's explicit path (capillary.platform)."""

from django.db import migrations

from accounts.rls import EnableRLS


class Migration(migrations.Migration):
    dependencies = [
        ("compounds", "0006_tier_change_history"),
    ]

    operations = [
        EnableRLS("compounds_propertyfirm"),
        EnableRLS("compounds_propertyfirmevent", events=True),
        EnableRLS("compounds_department"),
        EnableRLS("compounds_departmentevent", events=True),
        EnableRLS("compounds_district", column="id"),
        EnableRLS("compounds_districtevent", column="pgh_obj_id", events=True),
        EnableRLS("compounds_street"),
        EnableRLS("compounds_streetevent", events=True),
        EnableRLS("compounds_community"),
        EnableRLS("compounds_communityevent", events=True),
        EnableRLS("compounds_tierchange"),
        EnableRLS("compounds_tierchangeevent", events=True),
        EnableRLS("compounds_compound"),
        EnableRLS("compounds_compoundevent", events=True),
        EnableRLS("compounds_building"),
        EnableRLS("compounds_buildingevent", events=True),
        EnableRLS("compounds_grid_buildings", parent=("compounds_grid", "grid_id")),
        EnableRLS("compounds_grid"),
        EnableRLS("compounds_gridevent", events=True),
    ]
