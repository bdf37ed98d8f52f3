"""Running the engines: start-up checks, an Elasticsearch outage, reindexing under load, drift."""
import threading

import pytest
from osmem_server import OsmemServer

from app.extensions import db
from app.models import OutboxJob
from app.search import SearchConfigError, backend, sqlite_tables
from app.search.query import SearchQuery
from app.services import projects as project_service
from tests.conftest import make_app
from tests.search_data import build_world, settle


def test_postgresql_without_elasticsearch_refuses_to_start(db_url):
    if not db_url.startswith("postgresql"):
        db_url = "postgresql+psycopg://birge@127.0.0.1:1/birge"  # never connected: the check comes first
    with pytest.raises(SearchConfigError, match="SEARCH_BACKEND=elasticsearch"):
        make_app(db_url, SEARCH_BACKEND="sqlite")


def test_elasticsearch_without_its_url_refuses_to_start(db_url):
    with pytest.raises(SearchConfigError, match="needs ELASTICSEARCH_URL"):
        make_app(db_url, SEARCH_BACKEND="elasticsearch", ELASTICSEARCH_URL=None)


def test_an_unreachable_elasticsearch_does_not_stop_the_site_or_the_worker(db_url, caplog):
    # An outage is not a configuration mistake: a web worker (re)started during it must boot.
    app = make_app(db_url, SEARCH_BACKEND="elasticsearch", ELASTICSEARCH_URL="http://127.0.0.1:9")
    assert "Elasticsearch at http://127.0.0.1:9 cannot be reached" in caplog.text

    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.get("/healthz").status_code == 200
    page = client.get("/search/?q=мост")
    assert page.status_code == 503
    assert "Search is not available right now" in page.get_data(as_text=True)

    with app.app_context():  # as `flask worker` runs
        result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def own_engine():
    """An Elasticsearch stand-in this test may stop and start."""
    server = OsmemServer.start()
    yield server
    server.close()


@pytest.fixture
def app_overrides(request):
    if "own_engine" in request.fixturenames:
        return {"SEARCH_BACKEND": "elasticsearch", "ELASTICSEARCH_URL": request.getfixturevalue("own_engine").url}
    return {}


def test_outage_delays_search_but_loses_nothing(app, own_engine, client):
    world = build_world()
    # Kochkor: only the Russian bridge is there ("мост" finds the Kyrgyz «көпүрө» too).
    assert backend().search(SearchQuery(q="Кочкор")).total == 1
    own_engine.close()  # Elasticsearch goes down

    project_service.unpublish_project(world.moderator, world.projects["bridge_ru"], reason="Wrong photos")
    db.session.commit()  # the write succeeds; the outbox keeps the change
    done, failed = settle()
    assert (done, failed) == (1, 1)  # the officials' notification of it is mailed; the index change waits
    job = db.session.scalar(db.select(OutboxJob))
    assert job.attempts == 1 and job.last_error and job.available_at > job.created_at

    page = client.get("/search/?q=мост")  # the page says so and shows the newest projects
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert "Search is not available right now" in html
    assert "Водопровод для села Сокулук" in html

    restarted = OsmemServer.start()  # back, empty (as after losing its data), at a new address
    try:
        backend().url = restarted.url
        backend()._client = None
        job.available_at = job.created_at  # do not wait out the backoff in a test
        db.session.commit()
        assert settle() == (1, 0)
        backend().reindex()
        drift = backend().check()
        assert all(d.ok for d in drift), drift
        assert backend().search(SearchQuery(q="Кочкор")).total == 0
    finally:
        restarted.close()


@pytest.mark.committed  # searches from a thread of its own
def test_reindex_swaps_the_alias_while_searches_run(app, own_engine):
    build_world()
    before = backend()._indices_behind("project")
    answers, errors, stop = [], [], threading.Event()

    def search_meanwhile():
        with app.app_context():
            while not stop.is_set():
                try:
                    answers.append(backend().search(SearchQuery(q="хирург")).total)
                except Exception as error:  # noqa: BLE001 — any failure is what this test looks for
                    errors.append(error)

    thread = threading.Thread(target=search_meanwhile)
    thread.start()
    try:
        counts = backend().reindex()
    finally:
        stop.set()
        thread.join()
    after = backend()._indices_behind("project")
    assert counts == {"project": 6, "profile": 4}
    assert after != before and len(after) == 1
    assert not backend().reindex_running()
    assert not backend().client.indices.exists(index=before[0])  # the old index is gone
    assert not errors and answers and set(answers) == {2}
    assert all(d.ok for d in backend().check())


def _lose_from_index(project_id):
    """The index loses a project behind the app's back."""
    search = backend()
    if search.name == "sqlite":
        sqlite_tables.delete_project(project_id)
    else:
        search.client.delete(index=search.alias("project"), id=str(project_id), refresh=True)


def test_check_reports_drift(app, runner):
    world = build_world()
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    _lose_from_index(world.projects["water"].id)
    db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert f"missing from the index: [{world.projects['water'].id}]" in result.output
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_changes_made_during_a_reindex_wait_for_the_new_index(app, own_engine):
    world = build_world()
    search = backend()
    building = search._create_index("project")  # as reindex does: a new index with the marker
    search.client.indices.put_alias(index=building, name=search.reindex_marker)

    project_service.unpublish_project(world.moderator, world.projects["bridge_ru"], reason="Wrong photos")
    db.session.commit()
    assert settle() == (1, 1)  # the officials' notification of it is mailed; the index change waits
    job = db.session.scalar(db.select(OutboxJob))
    assert job.attempts == 0  # waiting, not failing: no backoff
    assert search.search(SearchQuery(q="Кочкор")).total == 1  # searches still read the old index

    search.client.indices.delete(index=building)  # the rebuild is over
    job.available_at = job.created_at
    db.session.commit()
    assert settle() == (1, 0)
    assert search.search(SearchQuery(q="Кочкор")).total == 0
