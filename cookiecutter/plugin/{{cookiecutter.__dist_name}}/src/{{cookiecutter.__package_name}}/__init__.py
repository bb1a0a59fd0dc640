"""{{ cookiecutter.description|replace('\\', '\\\\')|replace('"', '\\"')|wordwrap(88, break_long_words=False, break_on_hyphens=False) }}

Enable it with ``App(plugins=[{{ cookiecutter.__factory }}()])``, or by its name once installed:
``App(plugins=["{{ cookiecutter.plugin_name }}"])``.
"""

from {{ cookiecutter.__package_name }}._version import __version__
from {{ cookiecutter.__package_name }}.options import OPTION
from {{ cookiecutter.__package_name }}.plugin import {{ cookiecutter.__class_name }}, {{ cookiecutter.__factory }}

__all__ = ["OPTION", "{{ cookiecutter.__class_name }}", "__version__", "{{ cookiecutter.__factory }}"]
