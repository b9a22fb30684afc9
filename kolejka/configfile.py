"""Reading an app's TOML configuration file and explaining what is wrong with it.

Kiosks and displays are configured by a file an office edits by hand; a mistake must stop
the app with every bad key named, not fall back to a default the office did not mean.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def read_toml(path: Path, what: str, error: type[Exception]) -> dict[str, Any]:
    """The file's table; `error` (e.g. "kiosk configuration is unusable") when it cannot be."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"cannot read the {what} {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path} is not valid TOML: {exc}") from exc


def validated(
    model: type[M], data: dict[str, Any], what: str, source: str, error: type[Exception]
) -> M:
    """`model` built from `data`, or `error` naming every wrong key with its problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise error(f"{what} ({source}) is wrong: {problems}") from exc
