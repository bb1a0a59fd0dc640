"""The app the server runs: ``pegboard run {{ cookiecutter.package_name }}.main:app``.

Importing this module reads the settings from the environment; tests build their
own app with ``create_app(Settings(...))`` instead.
"""

from {{ cookiecutter.package_name }}.app import create_app

app = create_app()
