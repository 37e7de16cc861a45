"""The matcher: the policy's rules compiled once into a trie of path segments per method."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gateway.policy.rules import PARAM, Rule

_ANY = object()  # the trie's key for a ``{name}`` segment


class PolicyTable:
    """The rules compiled once into one trie of path segments per method.

    ``match`` answers exactly what trying each rule's regex in table order would (the first
    listed rule that matches wins, ``HEAD`` is judged as ``GET``): a lookup walks the path's
    segments, trying a literal segment and a ``{name}`` segment (any non-empty segment)
    both, and keeps the matching rule listed first. Like the regexes' ``$``, a path may end
    in one ``\\n`` that is not part of it. A pattern mixing text and a parameter in one segment
    is matched by its regex, in the same order.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self._by_method: dict[str, list[Rule]] = {}
        self._tries: dict[str, dict[object, object]] = {}
        self._by_regex: dict[str, list[tuple[int, Rule]]] = {}
        for index, r in enumerate(self.rules):
            self._by_method.setdefault(r.method, []).append(r)
            segments = r.pattern.split("/")[1:]
            if not r.pattern.startswith("/") or not all(_plain(s) for s in segments):
                self._by_regex.setdefault(r.method, []).append((index, r))
                continue
            node = self._tries.setdefault(r.method, {})
            for segment in segments:
                key = _ANY if PARAM.fullmatch(segment) else segment
                node = node.setdefault(key, {})  # type: ignore[assignment]
            node.setdefault(None, (index, r))  # the first listed of equal patterns wins

    def match(self, method: str, path: str) -> Rule | None:
        if method == "HEAD":
            method = "GET"
        best: tuple[float, Rule | None] = _NONE
        trie = self._tries.get(method)
        if trie is not None and path[:1] == "/":
            best = _walk(trie, path.split("/"), 1, best)
            if path[-1:] == "\n":
                best = _walk(trie, path[:-1].split("/"), 1, best)
        for index, r in self._by_regex.get(method, ()):
            if index < best[0] and r.regex.match(path):
                best = (index, r)
                break
        return best[1]

    def allows(self, method: str, template: str) -> Rule | None:
        """The rule whose pattern is ``template`` (names of parameters ignored)."""
        erased = PARAM.sub("{}", template)
        for r in self._by_method.get(method, ()):
            if r.template == erased:
                return r
        return None


_NONE: tuple[float, Rule | None] = (float("inf"), None)


def _plain(segment: str) -> bool:
    """A segment the trie holds: all text, or exactly one parameter."""
    return bool(PARAM.fullmatch(segment)) or ("{" not in segment and "}" not in segment)


def _walk(node: dict[object, object], parts: list[str], at: int, best: Any) -> Any:
    """The first-listed rule under ``node`` matching ``parts[at:]``, or ``best`` if earlier."""
    if at == len(parts):
        found = node.get(None)
        return found if found is not None and found[0] < best[0] else best  # type: ignore[index]
    segment = parts[at]
    child = node.get(segment)
    if child is not None:
        best = _walk(child, parts, at + 1, best)  # type: ignore[arg-type]
    if segment:
        child = node.get(_ANY)
        if child is not None:
            best = _walk(child, parts, at + 1, best)  # type: ignore[arg-type]
    return best
