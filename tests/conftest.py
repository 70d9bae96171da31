import pytest
from django.db import connections
from django.test import TransactionTestCase
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.roles import Role
from tests import factories
from tests.dbroles import AMBIENT, CREDENTIALS, _switch, as_owner

# Property tests run on a shared 2-core machine in CI: the examples are checked, not how fast Hypothesis makes
# them (its too_slow and deadline checks failed a pure computation under a load of 15).
hypothesis_settings.register_profile("capillary", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("capillary")


# `make test` runs the suite in two processes (pytest-xdist, `-n 2`), each with its own test database, media
# folder and broker namespace (config/settings/test.py). A file's tests stay together in one process, so that
# a module's fixture (a walk's world, the plans' 12,000 orders) is built once; so does each group below: the demo
# package shares one committed build, and the modules that compile the message catalogues must not rewrite a
# .mo file while the other process reads it.
XDIST_GROUPS = {
    "tests/demo/": "demo",
    **dict.fromkeys(
        (
            "tests/browser/test_dashboard.py",
            "tests/browser/test_order_page.py",
            "tests/ratings/test_english.py",
            "tests/reports/test_report_room.py",
            "tests/compounds/test_views.py",
            "tests/workorders/test_english.py",
        ),
        "messages",
    ),
}


def xdist_scope(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    return next((group for prefix, group in XDIST_GROUPS.items() if path.startswith(prefix)), path)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByFileAndGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_scope(nodeid)

    return ByFileAndGroup(config, log)


# The suite connects as the application role (config/settings/test.py): neither superuser, nor owner of the
# tables, nor BYPASSRLS, so row-level security holds in every test as it does on the site. The test database
# is created, migrated and dropped as the owner (the `owner` alias's credentials), and a transactional
# test's flush (TRUNCATE, which the application role may not do) runs as the owner too.
#
# Between the doors (requests, tasks, commands, which set their own district), the test's own code builds
# and checks data on the platform's explicit path: the session default of the test process's connections is
# `capillary.platform = on` (a libpq option, so SET LOCAL and RESET inside a door return to it, never below
# it). A real Celery worker started by tests/integration reads the settings, not this, and starts with no
# scope, as on the site.
def _app_options(alias: str = "default") -> dict:
    return {**connections[alias].settings_dict.get("OPTIONS", {}), "options": AMBIENT}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """Create and migrate the test database as the owner (the original fixture's setup runs after this)."""
    connection = connections["default"]
    _APP.update({key: connection.settings_dict.get(key, "") for key in CREDENTIALS})
    _APP["OPTIONS"] = _app_options()
    _switch("default", connections["owner"].settings_dict, dict(connection.settings_dict.get("OPTIONS", {})))


_APP: dict = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After the owner made the test database: the application role (LOGIN) with its rights, then every
    test's `default` connection is that role; the owner again to drop the database at the end."""
    from accounts import rls

    with django_db_blocker.unblock():
        owner = connections["default"]
        rls.create_app_role(owner, _APP["USER"], password=_APP["PASSWORD"] or None, login=True)
        assert rls.grant_app_role(owner, _APP["USER"])
        owner_options = dict(owner.settings_dict.get("OPTIONS", {}))
        _switch("default", _APP, _APP["OPTIONS"])
        # Cached now, so that a test without database access that asks every alias's features (system checks,
        # Celery's configuration) does not open one.
        connections["owner"].pg_version  # noqa: B018
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            connection.close()
        _switch("default", connections["owner"].settings_dict, owner_options)


_flush = TransactionTestCase._fixture_teardown


def _flush_as_owner(self) -> None:
    # TRUNCATE of every table (events included) is the owner's: the application role may not (accounts.rls).
    with as_owner():
        _flush(self)


TransactionTestCase._fixture_teardown = _flush_as_owner


@pytest.fixture(scope="session")
def english_catalogues():
    """The English catalogues compiled: the .mo files are generated (`make test` compiles them before pytest), so a
    bare pytest run compiles them when one is missing or older than its .po — only then, and under a lock, so that
    the parallel processes never rewrite a catalogue another one is reading."""
    import fcntl
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    root = Path(settings.BASE_DIR)

    def stale() -> bool:
        catalogues = [*root.glob("*/locale/en/LC_MESSAGES/django.po"), *root.glob("locale/en/LC_MESSAGES/django.po")]
        return any(
            not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
            for po in catalogues
        )

    if stale():
        (root / "var").mkdir(exist_ok=True)
        with open(root / "var" / "compilemessages.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if stale():
                call_command(
                    "compilemessages", locale=["en"], ignore_patterns=[".venv", "var", "node_modules"], verbosity=0
                )


@pytest.fixture
def english(english_catalogues, settings):
    """English ready for the test: the catalogues compiled and Django's translation caches reset (setting_changed
    on LOCALE_PATHS resets them)."""
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS]


@pytest.fixture
def tree(db):
    """One district with two streets, communities, compounds, buildings and grids; returns a namespace."""
    return build_tree("610116", "长安区")


@pytest.fixture
def other_tree(db):
    """A second district (the other tenant), named so that any leak is easy to spot."""
    return build_tree("610113", "雁塔区", marker="乙区")


class Tree:
    pass


def build_tree(code: str, name: str, marker: str = "") -> Tree:
    t = Tree()
    t.district = factories.DistrictFactory(code=code, name=name)
    t.streets = [
        factories.StreetFactory(district=t.district, code=f"{code}00{i}", name=f"{marker}{name}第{i}街道")
        for i in (1, 2)
    ]
    t.communities = [
        factories.CommunityFactory(street=s, code=f"{s.code}00{j}", name=f"{marker}{s.name}第{j}社区")
        for s in t.streets
        for j in (1, 2)
    ]
    t.firm = factories.PropertyFirmFactory(district=t.district, name=f"{marker}{name}物业服务有限公司")
    t.department = factories.DepartmentFactory(district=t.district, name=f"{marker}{name}公安分局")
    t.compounds = [
        factories.CompoundFactory(
            community=c, code=f"{c.code}00{k}", name=f"{marker}{c.name}第{k}小区", property_firm=t.firm
        )
        for c in t.communities
        for k in (1, 2)
    ]
    t.buildings = [factories.BuildingFactory(compound=cp, name="1号楼") for cp in t.compounds]
    t.grids = []
    for c in t.communities:
        grid = factories.GridFactory(community=c, code=f"{c.code}001", name=f"{marker}{c.name}第1网格")
        grid.buildings.set([b for b in t.buildings if b.compound.community_id == c.pk])
        t.grids.append(grid)
    t.official = factories.user_for(Role.DISTRICT_OFFICIAL, t.district, username=f"official-{code}")
    t.street_staff = factories.user_for(Role.STREET_STAFF, t.streets[0], username=f"street-{code}")
    t.cadre = factories.user_for(Role.COMMUNITY_CADRE, t.communities[0], username=f"cadre-{code}")
    t.grid_worker = factories.user_for(Role.GRID_WORKER, [t.grids[0]], username=f"grid-{code}")
    t.firm_staff = factories.user_for(Role.FIRM_STAFF, t.firm, username=f"firm-{code}")
    t.department_staff = factories.user_for(Role.DEPARTMENT_STAFF, t.department, username=f"dept-{code}")
    t.users = [t.official, t.street_staff, t.cadre, t.grid_worker, t.firm_staff, t.department_staff]
    return t


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache: every test starts with none counted (and no router's wake in flight)."""
    from django.conf import settings
    from django.core.cache import cache, caches

    cache.clear()
    caches[settings.CAPILLARY_WAKE_CACHE].clear()
    yield
    cache.clear()
