"""Keep the files of the choices made: the database's, or the in-memory store's.

The template renders both variants; ``_database/`` mirrors the project's folders with
the files a database project has instead of (or besides) the in-memory ones.
"""

import shutil
from pathlib import Path

package = Path("src") / "{{ cookiecutter.package_name }}"
database = "{{ cookiecutter.database }}" != "none"
overlay = Path("_database")

if database:
    for source in sorted(p for p in overlay.rglob("*") if p.is_file()):
        target = source.relative_to(overlay)
        target.parent.mkdir(parents=True, exist_ok=True)
        source.replace(target)
    (package / "store.py").unlink()
shutil.rmtree(overlay)

unused = {
    package / "dependencies.py": not {{ cookiecutter.di }},
    package / "security.py": not {{ cookiecutter.security }},
}
for path, remove in unused.items():
    if remove:
        path.unlink()
