# Shared by scripts/serve and scripts/test: make a virtualenv and install into it with uv.
# Usage: ensure_venv DIR [uv pip install arguments...]
ensure_venv() {
    local dir=$1
    shift
    if [ ! -x "$dir/bin/python" ]; then
        python3 -m venv "$dir"
    fi
    if [ ! -x "$dir/bin/uv" ]; then
        "$dir/bin/python" -m pip install --quiet --disable-pip-version-check uv
    fi
    "$dir/bin/uv" pip install --quiet --python "$dir/bin/python" "$@"
}
