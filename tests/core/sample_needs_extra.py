"""A plugin module whose dependency is not installed, as a plugin without its extra."""

import no_such_dependency_xyz  # type: ignore[import-not-found]  # noqa: F401

plugin = object()
