# Sourced by scripts/site and scripts/test: make sure .venv exists and holds the
# pinned packages of the given requirements file. Reinstalls only when the file changed.
# The files are complete locks with hashes (generated from requirements*.in, see README):
# pip checks every download against them and installs nothing that is not listed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

ensure_venv() {
  local requirements="$ROOT/$1"
  local stamp="$VENV/.installed-$(basename "$requirements")"
  local python="${PYTHON:-python3}"
  if [ ! -x "$VENV/bin/python" ]; then
    "$python" -m venv "$VENV"
  fi
  local wanted
  wanted="$(cat "$ROOT/requirements.txt" "$requirements" | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$requirements"
    echo "$wanted" > "$stamp"
  fi
  export NO_MKDOCS_2_WARNING=1
  export PATH="$VENV/bin:$PATH"
}
