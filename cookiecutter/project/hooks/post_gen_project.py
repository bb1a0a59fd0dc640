"""Remove the modules of plugins that were not chosen."""

from pathlib import Path

package = Path("src") / "{{ cookiecutter.package_name }}"
unused = {
    package / "dependencies.py": not {{ cookiecutter.di }},
    package / "security.py": not {{ cookiecutter.security }},
}
for path, remove in unused.items():
    if remove:
        path.unlink()
