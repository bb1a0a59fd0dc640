"""The ``components`` of a document being built: shared schemas and security schemes.

Every :class:`~pegboard.descriptions.Schema` that goes into an operation passes
through :meth:`Components.schema`, which merges the definitions it refers to into
``components/schemas``. Plugins describe their schemas independently, so the same
definition usually arrives many times, and sometimes two different definitions arrive
under one name (two ``Item`` models in different modules). The rules:

* the same name with the same content is kept once;
* the same name with different content: the first keeps the name, each later one is
  published as ``Name2``, ``Name3``, ... (the first free number) and the refs of the
  schema that brought it are rewritten; an :class:`OpenAPIWarning` says so. The order
  is the order of the app's routes, so the outcome is the same on every build;
* a name that OpenAPI does not allow (outside ``A-Z a-z 0-9 . _ -``) is published with
  the other characters replaced by ``_``.

Security schemes follow the same rules, by scheme name.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from pegboard.descriptions import JsonSchema, Schema
from pegboard_openapi.exceptions import OpenAPIWarning

__all__ = ["REF_PREFIX", "Components", "plain"]

REF_PREFIX = "#/components/schemas/"
_INVALID = re.compile(r"[^A-Za-z0-9._-]")


_SCALARS = frozenset((str, int, float, bool, type(None)))


def plain(value: Any) -> Any:
    """A deep copy of JSON-like data as plain dicts and lists, safe to edit."""
    kind = type(value)
    if kind in _SCALARS:  # the common case first: this runs for every node of every schema
        return value
    if kind is dict or isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if kind is list or isinstance(value, tuple):
        return [plain(item) for item in value]
    return value


def _rewrite_refs(value: Any, renames: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            target = renames.get(ref[len(REF_PREFIX) :])
            if target is not None:
                value["$ref"] = REF_PREFIX + target
        for item in value.values():
            _rewrite_refs(item, renames)
    elif isinstance(value, list):
        for item in value:
            _rewrite_refs(item, renames)
    return value


@attrs.define
class Components:
    """The schemas and security schemes of one document, merged as it is built."""

    _schemas: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    _security: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    # The object each entry was made from: the same object offered again is the same
    # entry, without comparing contents.
    _origins: dict[tuple[str, str], object] = attrs.field(factory=dict)
    # Per Schema object (kept alive so its id stays its own): its refs-rewritten schema.
    _merged: dict[int, tuple[Schema, dict[str, Any]]] = attrs.field(factory=dict)

    @property
    def schemas(self) -> Mapping[str, Mapping[str, Any]]:
        """The named schemas merged so far."""
        return self._schemas

    def schema(self, schema: Schema | None, *, owner: str = "") -> dict[str, Any]:
        """Build ``schema``, merge its definitions, and return a copy to put in an operation.

        ``owner`` (such as ``"GET /items"``) names where the schema comes from in
        warnings. None gives the empty schema, which allows any value.
        """
        if schema is None:
            return {}
        merged = self._merged.get(id(schema))
        if merged is None:
            body, definitions = schema.build()
            renames = self.add_schemas(definitions, owner=owner)
            result = _rewrite_refs(plain(body), renames) if renames else plain(body)
            merged = (schema, result)
            self._merged[id(schema)] = merged
        copy: dict[str, Any] = plain(merged[1])
        return copy

    def add_schemas(
        self, definitions: Mapping[str, JsonSchema], *, owner: str = ""
    ) -> dict[str, str]:
        """Merge named schemas into ``components/schemas``.

        Returns the renames applied (original name to published name), empty when every
        name was kept; refs to these names must be rewritten by the caller.
        """
        if not definitions:
            return {}
        origins = self._origins
        if all(origins.get(("schema", name)) is d for name, d in definitions.items()):
            return {}  # all seen before, as these very objects: the usual case
        bases = {name: _INVALID.sub("_", name) for name in definitions}
        renames = {name: base for name, base in bases.items() if base != name}
        # Renaming one definition changes the content of those that refer to it, which
        # may then differ from what their name already holds (or now match it): place
        # every definition again until the placement no longer changes.
        for _ in range(len(definitions) + 2):
            placed = self._place(definitions, bases, renames)
            if placed == renames:
                break
            renames = placed
        else:  # references in a cycle that keep moving: give every definition a new name
            renames = self._place(definitions, bases, None)
        for name, definition in definitions.items():
            target = renames.get(name, name)
            if target in self._schemas:
                continue
            content = plain(definition)
            self._schemas[target] = _rewrite_refs(content, renames) if renames else content
            self._origins["schema", target] = definition
            if target != bases[name]:
                _warn_renamed("schemas", name, target, owner)
        return renames

    def _place(
        self,
        definitions: Mapping[str, JsonSchema],
        bases: Mapping[str, str],
        renames: Mapping[str, str] | None,
    ) -> dict[str, str]:
        """Give each definition the first of ``Name``, ``Name2``, ... where it fits.

        It fits where the name is free or holds the same content once ``renames`` are
        applied to its refs; with ``renames`` None, only where the name is free.
        """
        placed: dict[str, str] = {}
        claimed: set[str] = set()
        for name, definition in definitions.items():
            for candidate in _candidates(bases[name]):
                if candidate in claimed:
                    continue
                if renames is None:
                    if candidate not in self._schemas:
                        break
                elif self._fits(candidate, definition, renames):
                    break
            claimed.add(candidate)
            if candidate != name:
                placed[name] = candidate
        return placed

    def add_schema(self, name: str, schema: JsonSchema, *, owner: str = "") -> str:
        """Add one named schema; returns the name it is published under."""
        return self.add_schemas({name: schema}, owner=owner).get(name, name)

    def add_security_scheme(self, name: str, scheme: Mapping[str, Any], *, owner: str = "") -> str:
        """Register a Security Scheme object; returns the name it is published under."""
        base = _INVALID.sub("_", name)
        for target in _candidates(base):
            existing = self._security.get(target)
            if existing is None:
                self._security[target] = plain(scheme)
                self._origins["security", target] = scheme
                if target != base:
                    _warn_renamed("securitySchemes", name, target, owner)
                break
            if self._origins["security", target] is scheme or existing == plain(scheme):
                break
        return target

    def to_dict(self) -> dict[str, Any]:
        """The Components object, with only the sections that have entries."""
        result: dict[str, Any] = {}
        if self._schemas:
            result["schemas"] = self._schemas
        if self._security:
            result["securitySchemes"] = self._security
        return result

    def _fits(self, target: str, definition: JsonSchema, renames: Mapping[str, str]) -> bool:
        """Whether ``definition`` can be published as ``target``: free, or the same."""
        existing = self._schemas.get(target)
        if existing is None:
            return True
        if not renames and self._origins["schema", target] is definition:
            return True
        content = plain(definition)
        return bool(existing == (_rewrite_refs(content, renames) if renames else content))


def _candidates(base: str) -> Iterator[str]:
    """``Item``, ``Item2``, ``Item3``, ...; ``V1``, ``V1_2``, ... for names ending in digits."""
    yield base
    stem = f"{base}_" if base[-1:].isdigit() else base
    for number in itertools.count(2):
        yield f"{stem}{number}"


def _warn_renamed(section: str, name: str, published: str, owner: str) -> None:
    where = f" (from {owner})" if owner else ""
    warnings.warn(
        f"Two different {section} are named {name!r}; this one{where} is published as "
        f"{published!r}. Give them distinct names so the document names them as you "
        "choose.",
        OpenAPIWarning,
        stacklevel=2,
    )
