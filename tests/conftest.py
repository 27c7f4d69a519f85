import os

import pytest
from hypothesis import HealthCheck, settings

# Property-based tests (R8 hostile input, R12 submission versions): a short profile in CI and
# `make test`, a long one for `make fuzz` (HYPOTHESIS_PROFILE=fuzz). Examples hit the database
# and the full request stack, so no per-example deadline.
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=12, deadline=None, suppress_health_check=_SLOW_OK)
settings.register_profile(
    "fuzz", max_examples=400, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Live-server browser tests run Django's ORM from Playwright's event-loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# -- A migrated template of the test database (PostgreSQL) -----------------------------------------
# Each xdist worker creates its own test database, and migrating one took about 30 s, both workers
# at once at the start of every run. On PostgreSQL the run first makes sure that a migrated
# template exists for the current migrations (built once per change of them, as `make bench` does
# for its databases), and each worker's database is created as a copy of it; Django's migrate then
# finds nothing to do. Without DATABASE_URL (SQLite) nothing changes.
TEMPLATE_VARIABLE = "ASLP_TEST_DB_TEMPLATE"


def pytest_configure(config):
    if hasattr(config, "workerinput") or TEMPLATE_VARIABLE in os.environ:
        return  # an xdist worker: the controller has set it up
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        from urllib.parse import urlsplit

        from bench.common import migrated_template

        name = urlsplit(url).path.lstrip("/")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aslp_site.settings.test"}
        os.environ[TEMPLATE_VARIABLE] = migrated_template(url, f"test_{name}_template", env)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    template = os.environ.get(TEMPLATE_VARIABLE)
    if template:
        from django.db import connections

        connections["default"].settings_dict.setdefault("TEST", {})["TEMPLATE"] = template


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Make ``--dist loadgroup`` honour ``xdist_group`` marks again. pytest-xdist 3.8 names a
    test's group by appending "@group" to ``item._nodeid``, which pytest 9.2 no longer reads (an
    item's id lives in ``item._id``), so every group was silently split across workers and
    modules that build the demo once built it on each worker."""
    if not (hasattr(config, "workerinput") and getattr(config.option, "loadgroup", False)):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        if names and not item.nodeid.endswith("@" + "_".join(names)):
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A test that requested a Korean page leaves Korean on in its thread (Django does not switch
    back after a response); the next test, and module-scoped fixtures set up before it (such as
    the demo builds), start in the default language again."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Every test starts with an empty cache (page cache, rate-limit counters)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's chromium (Playwright cannot download its own browser here)."""
    if not os.path.exists(CHROMIUM_PATH):
        pytest.skip(f"chromium not found at {CHROMIUM_PATH}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def site_url(live_server):
    """Base URL of a live server for browser tests (transactional database)."""
    return live_server.url


@pytest.fixture(scope="session", autouse=True)
def _serialized_rollback_after_playwright(django_db_setup):
    """Keep ``serialized_rollback`` working once Playwright has started.

    Playwright's sync API runs an event loop in the main thread; from then on Django hands out
    a new connection object (asgiref's thread-critical storage switches to a context-local one
    when a loop is running), without the serialized copy of the test database taken at
    creation, so flushed reference data (economies, content types) is never restored. Putting
    the copy on the connection class makes every connection object carry it.
    """
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        contents = getattr(conn, "_test_serialized_contents", None)
        if contents is not None and not hasattr(type(conn), "_test_serialized_contents"):
            type(conn)._test_serialized_contents = contents
