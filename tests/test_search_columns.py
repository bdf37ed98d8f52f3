"""The embedded engine's column arrays follow the index: after a write a process reads again only
the rows written since (and the list of ids, for the rows that left), and what it holds then is
what a full load would give. On SQLite only, so the test makes its own SQLite database."""
import numpy as np
import pytest

from app.extensions import db
from app.search import backend, sqlite_columns
from app.search.query import SearchQuery
from app.services import projects as project_service
from tests.conftest import make_app, prepare_database
from tests.search_data import build_world, publish

ARRAYS = ("ids", "region", "district", "municipality", "sector", "kinds", "lat", "lon", "funding", "published")


@pytest.fixture
def sqlite_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'birge.db'}"
    prepare_database(url)
    app = make_app(url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _same(held, loaded):
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(held, name), getattr(loaded, name), err_msg=name)
    assert [held.status_names[c] for c in held.status] == [loaded.status_names[c] for c in loaded.status]
    assert sorted(zip(held.skill_owners.tolist(), held.skill_values.tolist())) == \
        sorted(zip(loaded.skill_owners.tolist(), loaded.skill_values.tolist()))


def test_after_a_write_only_the_rows_written_since_are_read_again(sqlite_app, monkeypatch):
    world = build_world()
    before = sqlite_columns.columns()
    assert sorted(before.ids.tolist()) == sorted(p.id for p in world.projects.values())

    def no_full_load(generation):
        raise AssertionError("the arrays were loaded again in full")

    monkeypatch.setattr(sqlite_columns.Columns, "load", no_full_load)
    official = world.officials["bridge_ru"]
    added = publish(official, official.memberships[0].lsg, title="Мост через арык", summary="Новый мост.",
                    sector="roads_bridges", funds=500_000_00, moderator=world.moderator)
    project_service.unpublish_project(world.moderator, world.projects["school_en"], reason="Wrong photos")
    db.session.commit()
    after = sqlite_columns.columns()
    assert after is not before and after.generation > before.generation
    monkeypatch.undo()
    _same(after, sqlite_columns.Columns.load(after.generation))
    assert added.id in after.ids and world.projects["school_en"].id not in after.ids

    assert backend().search(SearchQuery(q="мост")).total == 3
    assert world.projects["school_en"].id not in [h.id for h in backend().search(SearchQuery(q="roof")).hits]


def test_a_reindex_is_read_in_full(sqlite_app, monkeypatch):
    world = build_world()
    sqlite_columns.columns()
    loads = []
    original = sqlite_columns.Columns.load
    monkeypatch.setattr(sqlite_columns.Columns, "load", classmethod(lambda cls, g: loads.append(g) or original(g)))
    backend().reindex()
    db.session.commit()
    held = sqlite_columns.columns()
    assert loads == [held.generation]
    assert sorted(held.ids.tolist()) == sorted(p.id for p in world.projects.values())
