# Sourced by scripts/serve and scripts/test: pick the virtual environment and install
# the project into it (editable, with its test dependencies) when pyproject.toml changed.
VENV="${VIRTUAL_ENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
STAMP="$VENV/.{{ cookiecutter.package_name }}-installed"
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"
    touch "$STAMP"
fi
