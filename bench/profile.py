"""Where a request's time goes: py-spy samples a running process under load, and the samples
are summed by the frames they pass through (inclusive) and the frame they stand in (own).

    .venv/bin/python bench/profile.py read        # finance GET /audit?limit=1, direct
    .venv/bin/python bench/profile.py proxied     # the same read through the gateway (gateway)
    .venv/bin/python bench/profile.py payments    # finance GET /payments?limit=1 on demo books
    .venv/bin/python bench/profile.py staff       # personnel GET /staff?limit=1 on demo staff

Each scenario starts the service and the gateway on fresh SQLite (``bench/suite.py``), seeds the
service's demo data where the read needs rows, loads the URL for ``--seconds`` with
``bench/loadgen.py`` at ``--connections``, and samples the process at 250 Hz meanwhile (py-spy
sees every thread, so the thread pool's work counts). The payment steps are profiled by
``bench/finance_payments.py --profile``, which uses ``summarise`` below.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from suite import PY, ROOT, Suite, log

PY_SPY = str(Path(sys.executable).with_name("py-spy"))
_FRAME = re.compile(r"^(?P<func>.+?) \((?P<file>[^:()]+)(?::\d+)?\)$")

SCENARIOS: dict[str, dict[str, Any]] = {
    "read": {"service": "finance", "roles": ("auditor",), "path": "/audit?limit=1"},
    "proxied": {
        "service": "finance",
        "roles": ("auditor",),
        "path": "/audit?limit=1",
        "via_gateway": True,
    },
    "payments": {
        "service": "finance",
        "roles": ("auditor",),
        "path": "/payments?limit=1",
        "seed": "finance",
    },
    "staff": {
        "service": "personnel",
        "roles": ("hr_officer",),
        "path": "/staff?limit=1",
        "seed": "personnel",
    },
}

_SEEDS = {
    "finance": (
        "from services.finance import demo\n"
        "from services.finance.config import FinanceSettings\n"
        "from shared.db import make_engine, unit_of_work\n"
        "with unit_of_work(make_engine(FinanceSettings().resolved_database_url)) as s:\n"
        "    demo.seed(s, None)\n"
    ),
    "personnel": (
        "from services.personnel import demo\n"
        "from services.personnel.config import PersonnelSettings\n"
        "from services.personnel.staff.identity_numbers import IdVault\n"
        "from shared.db import make_engine, unit_of_work\n"
        "settings = PersonnelSettings()\n"
        "with unit_of_work(make_engine(settings.resolved_database_url)) as s:\n"
        "    demo.seed(s, IdVault(settings.id_secret))\n"
    ),
}


def record(pid: int, seconds: float, rate: int = 250) -> Counter[str]:
    """Collapsed stacks of ``pid`` sampled for ``seconds`` (root first, ';'-joined)."""
    with tempfile.NamedTemporaryFile(suffix=".txt") as out:
        subprocess.run(
            [
                *(PY_SPY, "record", "--pid", str(pid), "--duration", str(max(1, round(seconds)))),
                *(
                    "--rate",
                    str(rate),
                    "--format",
                    "raw",
                    "--output",
                    out.name,
                    "--nonblocking",
                    "--gil",
                ),
            ],
            check=True,
            capture_output=True,
            timeout=seconds + 60,
        )
        return parse(Path(out.name).read_text())


def parse(text: str) -> Counter[str]:
    stacks: Counter[str] = Counter()
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    return stacks


def frame_name(frame: str) -> str:
    """``func (file:line)`` as ``func (file)`` with the file shortened to the package path."""
    match = _FRAME.match(frame.strip())
    if match is None:
        return frame.strip()
    path = match["file"]
    for marker in ("site-packages/", "/work/main/", str(ROOT) + "/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['func']} ({path})"


_AREAS = (
    ("sqlalchemy", "sqlalchemy/"),
    ("sqlite/psycopg driver", ("sqlite3", "psycopg/")),
    ("pydantic", ("pydantic/", "pydantic_core")),
    ("fastapi", "fastapi/"),
    ("starlette", "starlette/"),
    ("uvicorn and the socket", ("uvicorn/", "httptools")),
    ("anyio and threads", ("anyio/", "threading.py", "concurrent/")),
    ("asyncio loop", ("asyncio/", "uvloop")),
    ("jwt and crypto", ("jwt/", "cryptography")),
    ("logging and json", ("logging/", "json/")),
    ("aiohttp (proxy)", "aiohttp/"),
    ("shared/", "shared/"),
    ("gateway/", "gateway/"),
    ("services/", "services/"),
)


def area(frame: str) -> str:
    for name, markers in _AREAS:
        if any(m in frame for m in ((markers,) if isinstance(markers, str) else markers)):
            return name
    return "other"


def summarise(stacks: Counter[str], *, focus: str | None = None, top: int = 15) -> dict[str, Any]:
    """Top frames by inclusive and own share of the samples (of those whose stack passes
    through a frame matching ``focus``, when given)."""
    chosen = {s: n for s, n in stacks.items() if focus is None or focus in s}
    total = sum(chosen.values())
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    for stack, n in chosen.items():
        frames = [frame_name(f) for f in stack.split(";") if f]
        for name in set(frames):
            inclusive[name] += n
        if frames:
            own[frames[-1]] += n
            areas[area(frames[-1])] += n
    # frames nearly every sample passes through (the server's main loop) say nothing
    telling = Counter({k: n for k, n in inclusive.items() if n < 0.8 * total})

    def share(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, round(100 * n / total, 1)) for name, n in counter.most_common(top)]

    return {
        "samples": total,
        "areas": share(areas),
        "inclusive": share(telling),
        "own": share(own),
    }


def render(title: str, summary: dict[str, Any]) -> str:
    lines = [f"## {title} ({summary['samples']} samples)", "", "own %       area"]
    lines += [f"{pct:10.1f}  {name}" for name, pct in summary["areas"]]
    lines += ["", "inclusive %  frame"]
    lines += [f"{pct:10.1f}  {name}" for name, pct in summary["inclusive"]]
    lines += ["", "own %       frame"]
    lines += [f"{pct:10.1f}  {name}" for name, pct in summary["own"]]
    return "\n".join(lines)


def seed_demo(suite: Suite, service: str) -> None:
    env = suite.environment()
    subprocess.run([PY, "-c", _SEEDS[service]], cwd=ROOT, env=env, check=True, timeout=300)


def _load(url: str, token: str, connections: int, seconds: float) -> subprocess.Popen[bytes]:
    command = [PY, str(ROOT / "bench" / "loadgen.py"), url]
    command += ["--connections", str(connections), "--seconds", str(seconds)]
    env = {**os.environ, "BENCH_TOKEN": token}
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE)


def profile_scenario(name: str, seconds: float, connections: int) -> dict[str, Any]:
    spec = SCENARIOS[name]
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-profile-{name}-"))
    suite = Suite(workdir, quiet_logs=True, service=spec["service"], roles=spec["roles"])
    try:
        suite.start()
        if "seed" in spec:
            seed_demo(suite, spec["seed"])
        via_gateway = spec.get("via_gateway", False)
        base = suite.gateway_url + f"/api/{spec['service']}" if via_gateway else suite.finance_url
        process = suite.processes["gateway" if via_gateway else spec["service"]]
        load = _load(base + spec["path"], suite.token, connections, seconds + 2)
        stacks = record(process.pid, seconds)
        out, _ = load.communicate(timeout=seconds + 30)
        result = json.loads(out.decode().strip().splitlines()[-1])
    finally:
        suite.stop()
    summary = summarise(stacks)
    errors = sum(result["errors"].values())
    rps = result["requests"] / (result["duration_us"] / 1e6) if result["duration_us"] else 0.0
    summary["load"] = f"{result['requests']} requests, {rps:.0f}/s, {errors} errors"
    return summary


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=list(SCENARIOS), choices=list(SCENARIOS))
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(list(argv) if argv is not None else None)
    for name in args.scenarios:
        log(f"profiling {name} …")
        summary = profile_scenario(name, args.seconds, args.connections)
        print(render(f"{name}: {SCENARIOS[name]['path']}, load {summary['load']}", summary))
        print(flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
