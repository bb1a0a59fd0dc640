"""Starlette's Jinja2 templates (needs the ``templates`` extra: jinja2)."""

from starlette.templating import Jinja2Templates

__all__ = ["Jinja2Templates"]
