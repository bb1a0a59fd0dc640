"""Refuse answers that would generate a broken project, saying what to answer instead.

Runs before any file is written. Plugins that need another plugin are refused
rather than silently enabling the other one, so the generated app enables exactly
the plugins that were chosen.
"""

import json
import keyword
import re
import sys

answers = json.loads(r"""{{ cookiecutter | jsonify }}""")

# Each plugin -> the plugin it needs, with the names the prompts use.
NEEDS = {"security": "di", "docs_ui": "openapi"}
# A database brings users who log in (security, di) and typed bodies (validation).
DATABASE_NEEDS = ("validation", "di", "security")
RESERVED = {"pegboard", "tests", "test", "app", "main", "settings", "routes", "migrations"}
RESERVED |= {"alembic", "sqlalchemy", "pydantic", "pydantic_settings", "jwt", "argon2"}


def problems() -> list[str]:
    found = []
    for plugin, needed in NEEDS.items():
        if answers[plugin] and not answers[needed]:
            found.append(
                f"{plugin} needs {needed}: answer yes to both, or no to {plugin} "
                f"(with --no-input: --extra-context {needed}=yes or {plugin}=no)."
            )
    database = answers["database"]
    missing = [name for name in DATABASE_NEEDS if not answers[name]]
    if database != "none" and missing:
        yes = " ".join(f"--extra-context {name}=yes" for name in missing)
        found.append(
            f"database={database} needs {', '.join(missing)} (its users log in and its "
            f"routes take typed bodies): answer yes to {' and '.join(missing)}, or "
            f"database=none for the in-memory store (with --no-input: {yes}, or "
            "--extra-context database=none)."
        )
    package = answers["package_name"]
    if not package.isidentifier() or keyword.iskeyword(package) or package != package.lower():
        found.append(
            f"package_name {package!r} is not a lowercase Python identifier; "
            "use letters, digits and underscores, such as 'my_service'."
        )
    elif package in RESERVED or package.startswith("pegboard_"):
        found.append(
            f"package_name {package!r} is reserved (it would clash with pegboard or its "
            "plugins); pick another, such as 'my_service'."
        )
    if not re.search(r"[A-Za-z0-9]", answers["project_name"]):
        found.append(
            f"project_name {answers['project_name']!r} gives no usable folder name; "
            "use letters and digits, such as 'My Service'."
        )
    for field in ("description", "author"):
        if any(ch in answers[field] for ch in "\r\n\t"):
            found.append(f"{field} must be one line.")
    return found


errors = problems()
if errors:
    print("Cannot generate the project:", file=sys.stderr)
    for error in errors:
        print(f"  - {error}", file=sys.stderr)
    sys.exit(1)
