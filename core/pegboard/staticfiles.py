"""Starlette's StaticFiles, importable from pegboard as FastAPI users expect."""

from starlette.staticfiles import StaticFiles

__all__ = ["StaticFiles"]
