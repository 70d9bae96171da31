"""Row-level security on every tenant-owned table of ratings (accounts.rls): a row is seen and written only in its
district's transactions (capillary.district) or on the platform's explicit path (capillary.platform)."""

from django.db import migrations

from accounts.rls import EnableRLS


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0006_ratings_history"),
        ("accounts", "0008_row_level_security"),
    ]

    operations = [
        EnableRLS("ratings_servicecontract"),
        EnableRLS("ratings_servicecontractevent", events=True),
        EnableRLS("ratings_ratingsettings"),
        EnableRLS("ratings_ratingsettingsevent", events=True),
        EnableRLS("ratings_ratingperiod"),
        EnableRLS("ratings_ratingperiodevent", events=True),
        EnableRLS("ratings_surveyresponse"),
        EnableRLS("ratings_surveyresponseevent", events=True),
        EnableRLS("ratings_panelscore"),
        EnableRLS("ratings_panelscoreevent", events=True),
        EnableRLS("ratings_workorderrecord"),
        EnableRLS("ratings_workorderrecordevent", events=True),
        EnableRLS("ratings_seriousincident"),
        EnableRLS("ratings_seriousincidentevent", events=True),
        EnableRLS("ratings_firmscore"),
        EnableRLS("ratings_firmscoreevent", events=True),
        EnableRLS("ratings_introduction"),
        EnableRLS("ratings_introductionevent", events=True),
        EnableRLS("ratings_introductionstep"),
        EnableRLS("ratings_introductionstepevent", events=True),
        EnableRLS("ratings_stepdocument"),
        EnableRLS("ratings_stepdocumentevent", events=True),
        EnableRLS("ratings_report"),
        EnableRLS("ratings_reportevent", events=True),
    ]
