from __future__ import annotations

from typing import Annotated

import attrs
import pytest

from pegboard import Marker, ParamInfo, RouteDefinitionError
from pegboard_di import Depends


def get_db() -> str:
    return "db"


class Pagination:
    def __init__(self, limit: int = 10) -> None:
        self.limit = limit


def test_depends_is_a_core_marker_with_defaults():
    marker = Depends(get_db)
    assert isinstance(marker, Marker)
    assert (marker.dependency, marker.use_cache, marker.scope) == (get_db, True, "request")


def test_equal_markers_compare_and_hash_equal():
    assert Depends(get_db) == Depends(get_db)
    assert hash(Depends(get_db)) == hash(Depends(get_db))
    assert Depends(get_db) != Depends(get_db, use_cache=False)
    assert Depends(get_db) != Depends(get_db, scope="app")


def test_repr_names_the_dependency_and_non_defaults():
    assert repr(Depends(get_db)) == "Depends(get_db)"
    assert repr(Depends(get_db, use_cache=False, scope="app")) == (
        "Depends(get_db, use_cache=False, scope='app')"
    )
    assert repr(Depends()) == "Depends()"


def test_rejects_a_called_dependency_with_a_hint():
    def gen():
        yield 1

    with pytest.raises(TypeError, match="without parentheses"):
        Depends(gen())
    with pytest.raises(TypeError, match="takes a callable"):
        Depends(3)  # type: ignore[arg-type]


def test_rejects_unknown_scopes():
    with pytest.raises(ValueError, match="'request' or 'app'"):
        Depends(get_db, scope="session")  # type: ignore[arg-type]


def test_for_param_fills_the_dependency_from_the_annotation():
    def handler(page: Annotated[Pagination, Depends()]) -> None: ...

    (param,) = ParamInfo.from_callable(handler)
    marker = param.marker
    assert isinstance(marker, Depends)
    assert marker.for_param(param) == Depends(Pagination)
    assert Depends(get_db).for_param(param) == Depends(get_db)


def test_for_param_without_anything_to_call_is_a_definition_error():
    def handler(page=Depends()) -> None: ...

    (param,) = ParamInfo.from_callable(handler)
    with pytest.raises(RouteDefinitionError, match=r"Annotated\[MyClass, Depends\(\)\]"):
        Depends().for_param(param)


def test_subclasses_can_add_fields_and_stay_comparable():
    @attrs.frozen
    class Scoped(Depends):
        scopes: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=tuple)

    marker = Scoped(get_db, scopes=["read"])
    assert marker.scopes == ("read",)
    assert marker == Scoped(get_db, scopes=("read",))
    assert marker != Scoped(get_db, scopes=("write",))
    assert marker != Depends(get_db)
    assert attrs.evolve(marker, dependency=Pagination).scopes == ("read",)
