"""Prebuilt Core statements run straight on the driver's cursor.

`connection.execute(statement, params)` costs SQLAlchemy 15-110 µs of Python on top of
the driver's own few: it looks the statement up in the compiled cache, builds an
execution context, processes each parameter through the generic machinery and wraps the
cursor in a Result. A booking runs five such statements while the service row is locked
(on SQLite, while every other write waits), and that wrapping was a third of its CPU.

`Prepared` compiles its statement once per dialect (the same SQL SQLAlchemy would send),
keeps the order of the parameters and their types' bind processors, and runs it on the
DBAPI cursor of the caller's connection: the same transaction, the same SQL, the same
values. The answer is the driver's rows (plain tuples), so only for statements whose
columns need no result processing (integers, text). A driver error goes through
SQLAlchemy's own handling: the same exception classes, and a dead connection is
invalidated as after any other statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import sqlalchemy as sa


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    names: tuple[str, ...]  # every parameter, in the order a positional driver takes them
    positional: bool
    processors: tuple[Callable[[Any], Any] | None, ...]  # by `names`
    defaults: Mapping[str, Any]  # the statement's own literals, an insert's column defaults
    columns: tuple[str, ...]  # a SELECT's, for `row`
    results: tuple[Callable[[Any], Any] | None, ...]  # their types' result processors


class Prepared:
    made: ClassVar[list[Prepared]] = []  # every one, for `compile_all`

    def __init__(self, statement: Any, keys: Iterable[str] | None = None) -> None:
        """`keys`: for an INSERT or UPDATE without `.values()`, the columns given (as
        `connection.execute(statement, {...})` would take them from the parameters)."""
        self.statement = statement
        self.keys = sorted(keys) if keys is not None else None
        self._plans: dict[str, _Plan] = {}
        Prepared.made.append(self)

    @classmethod
    def compile_all(cls, dialect: sa.Dialect) -> None:
        """Compile every statement made so far for `dialect` (at start-up: else the first
        booking of a released day compiles them while every other booker waits)."""
        for prepared in list(cls.made):
            prepared._plan(dialect)

    def _plan(self, dialect: sa.Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = self._compile(dialect)
        return plan

    def _compile(self, dialect: sa.Dialect) -> _Plan:
        compiled: Any = self.statement.compile(dialect=dialect, column_keys=self.keys)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("expanding or literal parameters are rendered per execution")
        if compiled.positional:  # a name once per place it takes
            names = tuple(compiled.positiontup)
        else:
            names = tuple(dict.fromkeys(compiled.bind_names.values()))
        processors = compiled._bind_processors
        if any(isinstance(p, Sequence) for p in processors.values()):
            raise ValueError("tuple-typed parameters are not supported")
        defaults: dict[str, Any] = {}
        for name in names:  # literals in the statement (`status != 'cancelled'`, `else_=0`)
            bind = compiled.binds[name]
            if not bind.required:
                if bind.callable is not None:
                    raise ValueError(f"{name}: a callable parameter is evaluated per execution")
                defaults[name] = bind.value
        table: Any = getattr(self.statement, "table", None)
        given = set(self.keys or ())
        for name in names if self.keys is not None and table is not None else ():
            column = table.c.get(name)
            if name in given or column is None or column.default is None:
                continue
            if not column.default.is_scalar:
                raise ValueError(f"{name}: only scalar column defaults are filled in")
            defaults[name] = column.default.arg
        selected = list(getattr(self.statement, "selected_columns", ()))
        return _Plan(
            columns=tuple(c.key for c in selected),
            results=tuple(c.type._cached_result_processor(dialect, None) for c in selected),
            sql=compiled.string,
            names=names,
            positional=bool(compiled.positional),
            processors=tuple(processors.get(n) for n in names),
            defaults=defaults,
        )

    def _values(self, plan: _Plan, params: Mapping[str, Any]) -> Any:
        given = {**plan.defaults, **params} if plan.defaults else params
        values = [
            given[name] if p is None else p(given[name])
            for name, p in zip(plan.names, plan.processors, strict=True)
        ]
        return values if plan.positional else dict(zip(plan.names, values, strict=True))

    def execute(self, conn: sa.Connection, params: Mapping[str, Any]) -> Any:
        """Run with one set of parameters; the DBAPI cursor (fetchone/fetchall)."""
        plan = self._plan(conn.dialect)
        values = self._values(plan, params)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(plan.sql, values)
        except Exception as exc:
            conn._handle_dbapi_exception(exc, plan.sql, values, cursor, None)
        return cursor

    def execute_many(self, conn: sa.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        plan = self._plan(conn.dialect)
        values = [self._values(plan, row) for row in rows]
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(plan.sql, values)
        except Exception as exc:
            conn._handle_dbapi_exception(exc, plan.sql, values, cursor, None)
        finally:
            cursor.close()

    def first(self, conn: sa.Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        cursor = self.execute(conn, params)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return None if row is None else tuple(row)

    def row(self, conn: sa.Connection, params: Mapping[str, Any]) -> Row | None:
        """A SELECT's first row by column name, its values as SQLAlchemy's types give them
        (JSON decoded, booleans, ...)."""
        plan = self._plan(conn.dialect)
        found = self.first(conn, params)
        if found is None:
            return None
        return Row(
            {
                name: value if p is None or value is None else p(value)
                for name, value, p in zip(plan.columns, found, plan.results, strict=True)
            }
        )


class Row:
    """A row read by attribute (`row.code`), as a model's or SQLAlchemy's row."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def _asdict(self) -> dict[str, Any]:
        return dict(self._values)


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def straight_savepoints(dialect: sa.Dialect) -> None:
    """SAVEPOINT, ROLLBACK TO and RELEASE on the driver's cursor. SQLAlchemy compiles each
    anew (a savepoint is never cached) and runs it as a statement: ~60 µs a savepoint,
    paid by every write of a batch of the SQLite writer (server/writer.py)."""

    def run(connection: sa.Connection, sql: str) -> None:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql)
        except Exception as exc:
            connection._handle_dbapi_exception(exc, sql, (), cursor, None)
        finally:
            cursor.close()

    def checked(name: str) -> str:
        if not _NAME.match(name):  # SQLAlchemy's own are sa_savepoint_<n>
            raise ValueError(f"savepoint name {name!r}")
        return name

    def do_savepoint(connection: sa.Connection, name: str) -> None:
        run(connection, f"SAVEPOINT {checked(name)}")

    def do_rollback_to_savepoint(connection: sa.Connection, name: str) -> None:
        run(connection, f"ROLLBACK TO SAVEPOINT {checked(name)}")

    def do_release_savepoint(connection: sa.Connection, name: str) -> None:
        run(connection, f"RELEASE SAVEPOINT {checked(name)}")

    dialect.do_savepoint = do_savepoint  # type: ignore[method-assign]
    dialect.do_rollback_to_savepoint = do_rollback_to_savepoint  # type: ignore[method-assign]
    dialect.do_release_savepoint = do_release_savepoint  # type: ignore[method-assign]
