"""Shared helpers for the security plugin's tests."""

from __future__ import annotations

import base64
from typing import Any

from pegboard import App
from pegboard_di import di
from pegboard_security import security


def secured_app(*plugins: object, **options: Any) -> App:
    """An app with the core, the DI plugin, the security plugin and ``plugins``."""
    return App(plugins=[di(), security(), *plugins], **options)


def basic(username: str | bytes, password: str | bytes) -> str:
    """An ``Authorization: Basic ...`` value for these credentials (str as UTF-8)."""
    user = username.encode() if isinstance(username, str) else username
    secret = password.encode() if isinstance(password, str) else password
    return "Basic " + base64.b64encode(user + b":" + secret).decode()
