"""Census (issue 7, "permissions in one place"): no view, API, form, service, task or template decides "may X do
Y" by comparing roles itself. They ask the registry (accounts.permissions.has / require, `{% may %}`), whose
named rules live in each app's rules.py. A grep, with the exceptions that are not permission decisions listed
and explained below; a new role comparison elsewhere fails this test until it becomes a rule (or is argued
into the list)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "compounds", "workorders", "ratings", "staffing", "reports", "funding", "portal"]

# A role compared in Python: `x.role == …`, `x.role != …`, `x.role in (…)`, `role not in …`, `Role.X == …`.
PY_ROLE = re.compile(r"\brole\s*(==|!=)|(?<!for )\brole\s+(not\s+)?in\b|\bRole\.[A-Z_]+\s*(==|!=)")
# A role compared in a template: `user.role == "…"`, `{% if user.role %}`…
TEMPLATE_ROLE = re.compile(r"\.role\b")
# A permission refusal as a 400: a service raising ValidationError("只有…才能/可以…").
REFUSAL_AS_400 = re.compile(r"ValidationError\(\s*[\"'](只有[^\"']*(才能|可以)[^\"']*)[\"']")

# Whole files where roles are the subject, not a permission check.
ALLOWED_FILES = {
    "accounts/policy.py": "the scope policy itself: maps roles to rows",
    "accounts/permissions.py": "the registry: has_role and the shared predicates",
    "accounts/models.py": "User.is_platform_admin and the role/scope constraints of the model",
    "compounds/demo.py": "building the demo district's users",
    "workorders/demo.py": "choosing who files the demo's orders",
    "staffing/demo.py": "grouping the demo's users",
    "funding/demo.py": "choosing the demo's requesters and approvers",
    "compounds/models/tree.py": "data integrity: a stationed cadre must be a community cadre",
    "staffing/models/stationed.py": "data integrity: a stationed term's account must be a community cadre",
    "staffing/models/people.py": "a person's post (PersonRole), not an account's role: which fields it needs",
    "staffing/models/grids.py": "who may hold a grid post (the person's post), checked at the appointment",
    "staffing/models/sinkdown.py": "who may hold a sink-down post (the person's post)",
    "staffing/models/teams.py": "who may hold a 2+4 seat (the person's post)",
    "workorders/routing.py": "routing: an order goes to the stationed cadre only if that account is a cadre",
}
# Single lines (file, text on the line) that compare roles for something other than a permission.
ALLOWED_LINES = {
    ("workorders/services.py", "unit.role in (Role.PLATFORM_ADMIN,)"): "validation: no order to a platform admin",
    ("workorders/services.py", "actor.role != Role.GRID_WORKER"): "first receiver (首接负责) is not a grid worker",
    ("workorders/services.py", "actor.role in STAFF_ROLES"): "a person, not the system or an integration",
    ("workorders/open311/views.py", "user.role != Role.INTEGRATION"): "authentication: whose api_key this is",
    ("staffing/views/people.py", "if role in PersonRole.values"): "a list filter on people's posts",
    ("ratings/services.py", "只有已计算的季度才能发布"): "a state rule of the quarter, not a permission",
    ("funding/services/bonus.py", "只有已计算、尚未审定的季度可以审定"): "a state rule of the bonus quarter",
    ("portal/views.py", "user.role == Role.STREET_STAFF and user.street_id"): "navigation: which home is home",
    ("portal/views.py", "user.role == Role.DISTRICT_OFFICIAL"): "navigation: which home is home",
    ("portal/views.py", "user.role == Role.GRID_WORKER"): "navigation: which home is home",
    ("portal/views.py", "user.role in HANDLERS"): "navigation: which home is home",
}


def python_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).exists() else []:
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative.endswith("/rules.py"):
                continue  # rules.py is where roles become rules
            yield relative, path


def template_files():
    for base in [ROOT / "templates", *[ROOT / app / "templates" for app in APPS]]:
        if base.exists():
            for path in sorted(base.rglob("*.html")):
                yield path.relative_to(ROOT).as_posix(), path


def offences():
    found = []
    for relative, path in python_files():
        if relative in ALLOWED_FILES:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if any(f == relative and text in line for f, text in ALLOWED_LINES):
                continue
            if PY_ROLE.search(code):
                found.append(f"{relative}:{number}: role compared in code: {line.strip()}")
            if REFUSAL_AS_400.search(code):
                found.append(f"{relative}:{number}: a refusal raised as a 400: {line.strip()}")
    for relative, path in template_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if TEMPLATE_ROLE.search(line) and "get_role_display" not in line and "{{ a.role }}" not in line:
                found.append(f"{relative}:{number}: role compared in a template (use {{% may %}}): {line.strip()}")
    return found


def test_no_view_template_or_service_compares_roles_itself():
    assert offences() == []


def test_the_allowed_exceptions_still_exist():
    """An exception whose line is gone is removed from the list (it would hide a new comparison)."""
    for relative in ALLOWED_FILES:
        assert (ROOT / relative).exists(), relative
    for relative, text in ALLOWED_LINES:
        assert text in (ROOT / relative).read_text(encoding="utf-8"), (relative, text)


def test_the_census_catches_a_role_comparison():
    assert PY_ROLE.search("if user.role == Role.FIRM_STAFF:")
    assert PY_ROLE.search("if request.user.role in (Role.STREET_STAFF,):")
    assert REFUSAL_AS_400.search('raise ValidationError("只有区级人员才能录入评审团评分。")')
    assert TEMPLATE_ROLE.search('{% if user.role == "firm_staff" %}')
