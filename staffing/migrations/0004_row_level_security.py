"""Row-level security on every tenant-owned table of staffing (accounts.rls): a row is seen and written only in its
district's transactions (capillary.district) or on the platform's explicit path (capillary.platform)."""

from django.db import migrations

from accounts.rls import EnableRLS


class Migration(migrations.Migration):
    dependencies = [
        ("staffing", "0003_visit_visitor_set_null"),
        ("accounts", "0008_row_level_security"),
    ]

    operations = [
        EnableRLS("staffing_dutyroster"),
        EnableRLS("staffing_dutyrosterevent", events=True),
        EnableRLS("staffing_dutyshift"),
        EnableRLS("staffing_dutyshiftevent", events=True),
        EnableRLS("staffing_leave"),
        EnableRLS("staffing_leaveevent", events=True),
        EnableRLS("staffing_person"),
        EnableRLS("staffing_personevent", events=True),
        EnableRLS("staffing_volunteerservice"),
        EnableRLS("staffing_volunteerserviceevent", events=True),
        EnableRLS("staffing_gridmember"),
        EnableRLS("staffing_gridmemberevent", events=True),
        EnableRLS("staffing_buildinghead"),
        EnableRLS("staffing_buildingheadevent", events=True),
        EnableRLS("staffing_partyhousehold"),
        EnableRLS("staffing_partyhouseholdevent", events=True),
        EnableRLS("staffing_staffingimport"),
        EnableRLS("staffing_staffingimportevent", events=True),
        EnableRLS("staffing_sinkdownteam"),
        EnableRLS("staffing_sinkdownteamevent", events=True),
        EnableRLS("staffing_sinkdownmember"),
        EnableRLS("staffing_sinkdownmemberevent", events=True),
        EnableRLS("staffing_sinkdownpost"),
        EnableRLS("staffing_sinkdownpostevent", events=True),
        EnableRLS("staffing_sinkdowntask"),
        EnableRLS("staffing_sinkdowntaskevent", events=True),
        EnableRLS("staffing_starassessment"),
        EnableRLS("staffing_starassessmentevent", events=True),
        EnableRLS("staffing_serviceteam"),
        EnableRLS("staffing_serviceteamevent", events=True),
        EnableRLS("staffing_seatterm"),
        EnableRLS("staffing_seattermevent", events=True),
        EnableRLS("staffing_sponsorship"),
        EnableRLS("staffing_sponsorshipevent", events=True),
        EnableRLS("staffing_stationedcadre"),
        EnableRLS("staffing_stationedcadreevent", events=True),
        EnableRLS("staffing_receptionday"),
        EnableRLS("staffing_receptiondayevent", events=True),
        EnableRLS("staffing_household"),
        EnableRLS("staffing_householdevent", events=True),
        EnableRLS("staffing_visit"),
        EnableRLS("staffing_visitevent", events=True),
    ]
