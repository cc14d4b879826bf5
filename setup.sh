#!/usr/bin/env bash
# Installs the autograder's dependencies into a virtual environment.
#
#   On Gradescope (root, with /autograder/source holding this file):
#       the venv is /autograder/venv; the system Python that Gradescope's
#       harness uses is never touched (works on Ubuntu 22.04 and 24.04/PEP 668).
#   Anywhere else:
#       the venv is .venv in this checkout (override with VENV=...), the
#       interpreter is python3 (override with PYTHON=...). `--dev` adds the
#       test dependencies. The TA tools (regrade, class report) need nothing
#       more; `--ta`, which once added them, is accepted and does nothing.
#       Re-running is cheap: an unchanged install is skipped.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Gradescope may run a copy of this script from /autograder; the code is in source/.
if [ ! -d "$here/autograder" ] && [ -d "$here/source/autograder" ]; then here="$here/source"; fi
extra=""
for arg in "$@"; do
  case "$arg" in
    --dev) extra=dev ;;
    --ta) echo "setup.sh: --ta is no longer needed: the TA tools need nothing beyond ./setup.sh" ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" = 0 ] && [ "$here" = /autograder/source ]; then
  on_gradescope=1
  venv="${VENV:-/autograder/venv}"
  if ! python3 -I -c 'import venv, ensurepip' >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -y
    apt-get install -y --no-install-recommends python3-venv python3-pip
  fi
else
  on_gradescope=0
  venv="${VENV:-$here/.venv}"
fi
python="${PYTHON:-python3}"
fail() { echo "setup.sh: $*" >&2; exit 1; }

command -v "$python" >/dev/null 2>&1 \
  || fail "no Python interpreter '$python' on PATH; install Python 3.10+ or name one with PYTHON=python3.12"
if ! "$python" -I -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  fail "$("$python" --version 2>&1 | head -n 1) is too old; Python 3.10 or newer is required (PYTHON=python3.12 ./setup.sh picks another)"
fi

requirements="$here/requirements${extra:+-$extra}.txt"
stamp="$venv/.installed-$(cat "$here"/requirements*.txt | cksum | cut -d' ' -f1)-${extra:-run}"

if [ ! -x "$venv/bin/python" ]; then
  "$python" -I -m venv "$venv" \
    || fail "could not create a virtual environment at $venv (on Debian/Ubuntu: apt install python3-venv; or choose another place with VENV=...)"
fi
if [ ! -e "$stamp" ]; then
  "$venv/bin/python" -I -m pip install --disable-pip-version-check --quiet --upgrade pip \
    && "$venv/bin/python" -I -m pip install --disable-pip-version-check --quiet -r "$requirements" \
    || fail "installing $(basename "$requirements") into $venv failed (pip's message is above); check that PyPI can be reached"
  rm -f "$venv"/.installed-*
  touch "$stamp"
fi

# The grader itself, editable: its code keeps reading specs/ and the references
# cache beside it (this checkout, or /autograder/source on Gradescope), and the
# `autograder` console script and `python -I -m autograder.*` find it without
# the current folder on sys.path. Reinstalled when it points elsewhere (a
# moved checkout, or a venv shared with another one) or when pyproject.toml changed.
installed_root() {
  "$venv/bin/python" -I -c 'import pathlib, autograder
print(pathlib.Path(autograder.__file__).resolve().parent.parent)' 2>/dev/null || true
}
package_stamp="$venv/.package-$(cksum < "$here/pyproject.toml" | cut -d' ' -f1)"
if [ ! -e "$package_stamp" ] || [ "$(installed_root)" != "$(cd "$here" && pwd -P)" ]; then
  # (setuptools warns that a folder named like the package may take precedence:
  # that is the current folder, which -I keeps off sys.path; shown on failure only.)
  if ! log="$("$venv/bin/python" -I -m pip install --disable-pip-version-check --quiet --no-deps \
              -e "$here" 2>&1)"; then
    echo "$log" >&2
    fail "installing the autograder package into $venv failed (pip's message is above)"
  fi
  rm -f "$venv"/.package-*
  touch "$package_stamp"
fi

# Prove the references against the simulation once and cache them, so that
# grading stays fast (the spec run_autograder uses: AUTOGRADER_SPEC or the default).
# Every Python here runs isolated (-I): neither the current folder (setup.sh may
# be run from anywhere) nor PYTHONPATH nor the user site-packages is on sys.path.
(cd "$here" && "$venv/bin/python" -I -m autograder verify ${AUTOGRADER_SPEC:+--spec "$AUTOGRADER_SPEC"}) \
  || fail "the references could not be proved (the message is above); grading would refuse the items concerned"
echo "setup.sh: ready ($("$venv/bin/python" --version), $venv)"
