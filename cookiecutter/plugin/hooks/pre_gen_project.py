"""Refuse a plugin name that would not make a valid, findable plugin."""

import json
import keyword
import re
import sys

answers = json.loads(r"""{{ cookiecutter | jsonify }}""")

# Names the first-party plugins and the core already use.
TAKEN = {"pegboard", "validation", "di", "security", "openapi", "swagger", "redoc", "scalar"}


def problems() -> list[str]:
    found = []
    name = answers["plugin_name"]
    if not re.fullmatch(r"[a-z][a-z0-9]*([-_][a-z0-9]+)*", name):
        found.append(
            f"plugin_name {name!r} must be lowercase letters and digits, words joined by "
            "'-' or '_', starting with a letter, such as 'ratelimit' or 'rate-limit'."
        )
    elif name.startswith("pegboard"):
        found.append(
            f"plugin_name {name!r} must not start with 'pegboard': give the bare name "
            f"('{name.removeprefix('pegboard').strip('-_') or 'hello'}'); the package "
            "becomes pegboard-NAME."
        )
    elif name in TAKEN:
        found.append(f"plugin_name {name!r} is taken by pegboard itself; pick another.")
    elif keyword.iskeyword(answers["__option"]):
        found.append(f"plugin_name {name!r} is a Python keyword; pick another.")
    for field in ("description", "author", "author_email"):
        if any(ch in answers[field] for ch in "\r\n\t"):
            found.append(f"{field} must be one line.")
    return found


errors = problems()
if errors:
    print("Cannot generate the plugin:", file=sys.stderr)
    for error in errors:
        print(f"  - {error}", file=sys.stderr)
    sys.exit(1)
