"""The app's routes as the router sees them: the order they are tried in hides none of
them, and no dependency makes a request hop to the thread pool."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import compile_path


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from server.app import create_app
    from server.settings import Settings

    folder: Path = tmp_path_factory.mktemp("routing")
    return create_app(Settings(database_url=f"sqlite:///{folder / 'kolejka.sqlite3'}"))


def routes_in_order(app: Any) -> list[tuple[str, frozenset[str], Any]]:
    """(full path, methods (empty: a WebSocket), route) in the order the router tries them."""
    found = []
    for entry in app.router.routes:
        included = getattr(entry, "original_router", None)
        prefix = entry.include_context.prefix if included is not None else ""
        for route in included.routes if included is not None else [entry]:
            methods = frozenset(getattr(route, "methods", None) or ())
            found.append((prefix + route.path, methods, route))
    return found


def example_path(template: str) -> str:
    """The template with each parameter filled in (`{chart}.svg` → `p1.svg`)."""
    return re.sub(r"\{[^}]+\}", "p1", template)


def hidden_routes(routes: list[tuple[str, frozenset[str], Any]]) -> list[str]:
    """Each route whose own example path an earlier route of its kind and method matches."""
    hidden = []
    for at, (path, methods, _) in enumerate(routes):
        example = example_path(path)
        for earlier, earlier_methods, _ in routes[:at]:
            same_kind = bool(methods) == bool(earlier_methods)
            overlap = not methods or methods & earlier_methods
            if same_kind and overlap and compile_path(earlier)[0].match(example):
                hidden.append(f"{sorted(methods)} {path} is answered by {earlier}")
    return hidden


def test_no_route_is_hidden_by_one_tried_before_it(app: Any) -> None:
    routes = routes_in_order(app)
    assert len(routes) > 100  # every router is included
    assert hidden_routes(routes) == []


def test_the_check_finds_a_hidden_route() -> None:
    """The check above on a pair in the wrong order (a literal after a parameter)."""
    get = frozenset({"GET"})
    wrong = [
        ("/admin/config/services/{code}", get, None),
        ("/admin/config/services/new", get, None),
    ]
    assert hidden_routes(wrong) == [
        "['GET'] /admin/config/services/new is answered by /admin/config/services/{code}"
    ]
    assert hidden_routes(wrong[::-1]) == []
    post = [wrong[0], ("/admin/config/services/new", frozenset({"POST"}), None)]
    assert hidden_routes(post) == []  # another method: not hidden


def test_the_hot_routes_come_before_the_set_up(app: Any) -> None:
    order = [path for path, _, _ in routes_in_order(app)]
    hot = [
        "/api/v1/sites/{site}/tickets",
        "/api/v1/sites/{site}/counters/{number}/call-next",
        "/api/v1/public/tickets/{public_id}",
        "/t/{public_id}",
        "/status/{site}",
        "/book/{site}/{service}/form",
    ]
    first_set_up = min(order.index(p) for p in order if "/config" in p or "/stats/range" in p)
    assert all(order.index(path) < first_set_up for path in hot)


def _dependencies(dependant: Dependant) -> list[Any]:
    calls = []
    for sub in dependant.dependencies:
        calls.append(sub.call)
        calls.extend(_dependencies(sub))
    return calls


def _runs_on_the_loop(call: Any) -> bool:
    return inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(
        getattr(call, "__call__", None)  # noqa: B004 - a security scheme's instance
    )


def test_no_dependency_runs_in_the_thread_pool(app: Any) -> None:
    """FastAPI runs a plain `def` dependency in the thread pool: a hop there and back per
    dependency per request, which cost more than issuing a ticket (server/deps.py)."""
    in_pool = {
        f"{path}: {getattr(call, '__qualname__', call)}"
        for path, _, route in routes_in_order(app)
        if isinstance(route, APIRoute)
        for call in _dependencies(route.dependant)
        if call is not None and not _runs_on_the_loop(call)
    }
    assert in_pool == set()
