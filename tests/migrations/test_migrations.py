"""Every component's migrations build exactly its models, and can go down and up again."""

from __future__ import annotations

import pytest

from deploy.components import ALL, Component, load_object
from shared.db import make_engine
from shared.migrations import current_revision, downgrade, head_revision, model_diff, upgrade
from tests.support.databases import Databases


@pytest.mark.parametrize("component", ALL, ids=lambda c: c.name)
def test_upgrade_matches_models_then_downgrade_and_upgrade_again(
    databases: Databases, component: Component
) -> None:
    load_object(component.app_factory)  # registers the component's tables
    url = databases.empty_url()
    upgrade(component.migrations_dir, url, component.name)
    engine = make_engine(url)
    try:
        assert model_diff(engine, component.name) == []
        assert current_revision(engine, component.name) == head_revision(component.migrations_dir)
        downgrade(component.migrations_dir, url, component.name, "base")
        assert current_revision(engine, component.name) is None
        upgrade(component.migrations_dir, url, component.name)
        assert model_diff(engine, component.name) == []
    finally:
        engine.dispose()


def test_model_diff_notices_a_table_the_migrations_lack(databases: Databases) -> None:
    """The agreement check itself can fail: an unmigrated table shows up as a difference."""
    from sqlalchemy import Column, Integer, MetaData, Table

    from shared.migrations import _owned

    component = ALL[1]
    url = databases.fresh_url(component.name)
    engine = make_engine(url)
    try:
        stray = MetaData()
        Table(f"{component.name}_stray", stray, Column("id", Integer, primary_key=True))
        stray.create_all(engine)
        assert _owned(component.name)(f"{component.name}_stray", "table", None)
        diff = model_diff(engine, component.name)
        assert any("remove_table" in str(d) for d in diff)
    finally:
        engine.dispose()
