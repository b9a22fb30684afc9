"""ASGI entry for process managers and `--workers N`: settings from KOLEJKA_* variables.

uvicorn --factory server.asgi:create --workers 4
"""

from __future__ import annotations

from fastapi import FastAPI

from server.app import create_app
from server.settings import Settings


def create() -> FastAPI:
    return create_app(Settings(), own_process=True)
