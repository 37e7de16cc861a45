"""The compiled policy lookup answers exactly as trying each rule's regex in table order."""

from __future__ import annotations

import random

from gateway.policy import POLICY, PolicyTable, Rule

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
SEGMENTS = (
    "me",
    "special",
    "42",
    "",
    "audit",
    "bulk",
    "x\n",
    "%2E",
    "{unit_id}",
    "staff",
    "api",
    "a b",
)


def _scan(rules: tuple[Rule, ...], method: str, path: str) -> Rule | None:
    """The reference: the first rule, in table order, whose regex matches."""
    wanted = "GET" if method == "HEAD" else method
    return next((r for r in rules if r.method == wanted and r.regex.match(path)), None)


def _paths(rules: tuple[Rule, ...], rng: random.Random) -> list[str]:
    paths = []
    for r in rules:
        parts = r.pattern.split("/")
        for _ in range(3):
            concrete = [rng.choice(SEGMENTS) if p.startswith("{") else p for p in parts]
            if rng.random() < 0.3:  # change, drop or add a segment
                at = rng.randrange(1, len(concrete))
                choice = rng.random()
                if choice < 0.4:
                    concrete[at] = rng.choice(SEGMENTS)
                elif choice < 0.7:
                    del concrete[at]
                else:
                    concrete.insert(at, rng.choice(SEGMENTS))
            path = "/".join(concrete)
            paths += [path, path + "\n", path + "/", path + "\n\n"]
    return paths


def test_lookup_agrees_with_the_regex_scan() -> None:
    rng = random.Random(9)
    extra = (
        Rule("GET", "/api/x/items/{item_id}", frozenset({"staff"})),
        Rule("GET", "/api/x/items/special", frozenset({"admin"})),  # listed after: never wins
        Rule("GET", "/api/x/files/{name}.pdf", frozenset({"staff"})),  # mixed segment: regex
        Rule("GET", "/api/x/files/{name}", frozenset({"admin"})),
        Rule("GET", "/api/x/", frozenset({"staff"})),
        Rule("GET", "/api/x/items/{item_id}", frozenset({"admin"})),  # repeated: first wins
    )
    rules = (*POLICY, *extra)
    table = PolicyTable(rules)
    paths = [*_paths(rules, rng), "", "api", "/", "/api/x/files/a.pdf", "/api/x/files/a.pdf\n"]
    for path in paths:
        for method in METHODS:
            assert table.match(method, path) is _scan(rules, method, path), (method, path)


def test_allows_finds_a_rule_by_its_template() -> None:
    table = PolicyTable(POLICY)
    found = table.allows("GET", "/api/finance/payments/{id}")
    assert found is not None and found.pattern == "/api/finance/payments/{payment_id}"
    assert table.allows("DELETE", "/api/finance/payments/{id}") is None
