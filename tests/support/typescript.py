"""The TypeScript client of ``clients/typescript`` for tests.

- Its npm packages are installed by ``npm ci`` from the committed lockfile when
  ``node_modules`` is missing or older than the lockfile (once, under a file lock, whatever
  the number of test workers); Node.js 20 or later and npm must be there, or the test fails
  saying what to install.
- Each check works in a throwaway copy of the project (its sources, ``package.json`` and
  ``tsconfig.json``, its ``node_modules`` linked), so tests in parallel never share generated
  files and nothing generated lands in the tree.
- Types are generated exactly as ``npm run generate`` does (same generator, same flags).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.servers import ROOT

CLIENT = ROOT / "clients" / "typescript"
LOCKFILE = CLIENT / "package-lock.json"
MODULES = CLIENT / "node_modules"
STAMP = MODULES / ".installed"
NODE_MAJOR = 20
INSTALL = ["npm", "ci", "--no-audit", "--no-fund"]
_GENERATE_FLAGS = re.compile(r"openapi-typescript \S+ (?P<flags>.*?) --output ")


def _require_node() -> None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not found: the TypeScript client's checks need Node.js "
            f"{NODE_MAJOR} or later with npm (on Debian: apt-get install nodejs npm)",
            pytrace=False,
        )
    version = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True)
    major = int(version.stdout.strip().lstrip("v").split(".")[0])
    if major < NODE_MAJOR:
        pytest.fail(f"Node.js {NODE_MAJOR} or later needed, found {version.stdout}", pytrace=False)


def install_packages() -> None:
    """``npm ci`` in ``clients/typescript`` unless its packages are newer than the lockfile."""
    _require_node()
    with (CLIENT / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if STAMP.exists() and STAMP.stat().st_mtime >= LOCKFILE.stat().st_mtime:
            return
        done = subprocess.run(INSTALL, cwd=CLIENT, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.fail(f"{' '.join(INSTALL)} failed:\n{done.stdout}\n{done.stderr}")
        STAMP.touch()


def generate_flags() -> list[str]:
    """The generator's flags, as ``npm run generate`` gives them in ``package.json``."""
    script = json.loads((CLIENT / "package.json").read_text())["scripts"]["generate"]
    found = _GENERATE_FLAGS.search(script)
    assert found, script
    return found["flags"].split()


@dataclass(frozen=True)
class Project:
    """A throwaway copy of the client project (see the module docstring)."""

    root: Path

    @classmethod
    def copy_to(cls, root: Path) -> Project:
        install_packages()
        (root / "src").mkdir(parents=True)
        for name in ("package.json", "tsconfig.json"):
            shutil.copy2(CLIENT / name, root / name)
        for source in (CLIENT / "src").glob("*.ts"):
            if not source.name.endswith(".d.ts"):
                shutil.copy2(source, root / "src" / source.name)
        (root / "node_modules").symlink_to(MODULES, target_is_directory=True)
        return cls(root)

    def _run(self, *command: str, **kw: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, timeout=300, **kw
        )

    def generate(self, document: dict[str, Any] | Path) -> None:
        """``src/api.d.ts`` from an OpenAPI document (or a file holding one)."""
        if isinstance(document, dict):
            path = self.root / "openapi.json"
            path.write_text(json.dumps(document))
        else:
            path = document
        done = self._run(
            str(self.root / "node_modules/.bin/openapi-typescript"),
            str(path),
            *generate_flags(),
            "--output",
            "src/api.d.ts",
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def typecheck(self) -> subprocess.CompletedProcess[str]:
        """``tsc --noEmit`` over the project; the caller judges the outcome."""
        return self._run(str(self.root / "node_modules/.bin/tsc"), "--noEmit", "-p", ".")

    def build(self) -> Path:
        """Compile to ``dist/`` (failing the test on any type error); the flow's script."""
        done = self._run(str(self.root / "node_modules/.bin/tsc"), "-p", ".")
        assert done.returncode == 0, done.stdout + done.stderr
        return self.root / "dist" / "flow.js"

    def node(
        self, script: Path, *args: str, env: dict[str, str], timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["node", str(script), *args],
            cwd=self.root,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
