from django.urls import path

from staffing.views import duty, grids, home, imports, people, sinkdown, stars, stationed, teams

app_name = "staffing"

urlpatterns = [
    path("", home.home, name="home"),
    path("people/", people.person_list, name="people"),
    path("people/new/", people.person_new, name="person-new"),
    path("people/search/", people.person_search, name="person-search"),
    path("people/<int:pk>/", people.person_detail, name="person"),
    path("volunteers/", people.volunteers, name="volunteers"),
    path("teams/", teams.coverage, name="coverage"),
    path("teams/coverage.xlsx", teams.coverage_xlsx, name="coverage-xlsx"),
    path("compounds/<int:pk>/team/", teams.compound_team, name="team"),
    path("compounds/<int:pk>/stationed/", stationed.compound_stationed, name="stationed"),
    path("departments/<int:pk>/", teams.department_compounds, name="department"),
    path("grids/", grids.grid_list, name="grids"),
    path("grids/<int:pk>/", grids.grid_detail, name="grid"),
    path("my-grid/", grids.my_grid, name="my-grid"),
    path("visits/due/", grids.visits_due, name="visits-due"),
    path("households/new/", grids.household_new, name="household-new"),
    path("households/<int:pk>/", grids.household_detail, name="household"),
    path("households/<int:pk>/visit/", grids.visit_log, name="visit"),
    path("sinkdown/", sinkdown.team_list, name="sinkdown"),
    path("sinkdown/<int:pk>/", sinkdown.team_detail, name="sinkdown-team"),
    path("duty/", duty.roster_list, name="duty"),
    path("duty/<int:pk>/", duty.roster_month, name="roster"),
    path("duty/<int:pk>/export.xlsx", duty.roster_xlsx, name="roster-xlsx"),
    path("stars/", stars.quarter, name="stars"),
    path("import/", imports.upload, name="import"),
    path("import/<int:pk>/", imports.import_detail, name="import-detail"),
]
