"""Benchmark apps: one module per framework, all serving identical endpoints.

Each module exposes a module-level ASGI ``app`` and ``build_many_routes(n)``.
"""
