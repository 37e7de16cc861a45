"""Fresh, migrated databases for tests, on SQLite and (when it answers) PostgreSQL.

Each component is migrated once per test session into a template (a file for SQLite, a
template database for PostgreSQL); each test gets its own copy, so tests never share data.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from functools import cache
from pathlib import Path

import psycopg
from sqlalchemy import Engine

from deploy.components import BY_NAME
from shared.db import make_engine
from shared.migrations import upgrade

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
_counter = itertools.count()


@cache
def postgres_available() -> bool:
    if os.environ.get("TEST_SKIP_POSTGRES"):
        return False
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def _pg_url(database: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database


def _pg_admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


class Databases:
    """Hands out fresh databases of one backend for one test session (one xdist worker)."""

    def __init__(self, backend: str, workdir: Path) -> None:
        self.backend = backend
        self.workdir = workdir
        self.tag = f"{os.environ.get('PYTEST_XDIST_WORKER', 'gw')}_{uuid.uuid4().hex[:6]}"
        self._templates: dict[str, str] = {}
        self._created: list[str] = []

    def _template(self, component: str) -> str:
        if component not in self._templates:
            c = BY_NAME[component]
            if self.backend == "sqlite":
                path = self.workdir / f"template_{component}.db"
                upgrade(c.migrations_dir, f"sqlite:///{path}", component)
                self._templates[component] = str(path)
            else:
                name = f"aas_tpl_{component}_{self.tag}"
                _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                _pg_admin(f'CREATE DATABASE "{name}"')
                self._created.append(name)
                url = _pg_url(name)
                upgrade(c.migrations_dir, url, component)
                make_engine(url).dispose()
                self._templates[component] = name
        return self._templates[component]

    def fresh_url(self, component: str) -> str:
        """URL of a new database of ``component``, migrated to head."""
        template = self._template(component)
        n = next(_counter)
        if self.backend == "sqlite":
            path = self.workdir / f"{component}_{n}.db"
            shutil.copyfile(template, path)
            return f"sqlite:///{path}"
        name = f"aas_{component}_{self.tag}_{n}"
        _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self._created.append(name)
        return _pg_url(name)

    def empty_url(self) -> str:
        """URL of a new, empty database (for migration tests)."""
        n = next(_counter)
        if self.backend == "sqlite":
            return f"sqlite:///{self.workdir / f'empty_{n}.db'}"
        name = f"aas_empty_{self.tag}_{n}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return _pg_url(name)

    def fresh_engine(self, component: str) -> Engine:
        return make_engine(self.fresh_url(component))

    def close(self) -> None:
        for name in reversed(self._created):
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
