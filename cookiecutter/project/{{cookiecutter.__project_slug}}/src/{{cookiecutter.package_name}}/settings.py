"""Settings, read from environment variables once, when the app is created.

Every variable's name starts with ``PREFIX``, so that several services can share one
environment, such as a .env file or a container's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

PREFIX = "{{ cookiecutter.__env_prefix }}"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Settings:
    """What the app needs to know about where it runs."""

    #: A name for where the app runs: development, test, production, ...
    environment: str = "development"
    #: Tracebacks in error responses. Never in production.
    debug: bool = False
{%- if cookiecutter.security %}
    #: The bearer token clients send to change data. Empty refuses every such request.
    api_token: str = ""
{%- endif %}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Read the settings from ``environ``; unset variables keep their defaults."""
        defaults = cls()
        return cls(
            environment=environ.get(PREFIX + "ENVIRONMENT", defaults.environment),
            debug=_flag(environ, PREFIX + "DEBUG", defaults.debug),
{%- if cookiecutter.security %}
            api_token=environ.get(PREFIX + "API_TOKEN", defaults.api_token),
{%- endif %}
        )


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    # A typo in a deployment should stop the app, not silently mean False.
    raise ValueError(f"{name}={value!r} is not a boolean; use 1/0, true/false, yes/no, on/off.")
