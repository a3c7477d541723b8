# Sourced by run.sh and test.sh: a virtual environment with the pinned packages.
# Uses the active virtual environment if there is one, else creates .venv.
# Extra requirement files may be named in $BANDO_EXTRA_REQUIREMENTS.

_as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo > /dev/null; then sudo "$@"; else return 1; fi; }

_apt_packages() {  # _apt_packages PACKAGE...: install Debian packages
  if command -v apt-get > /dev/null; then
    echo "Installing $* with apt-get ..."
    _as_root apt-get update -qq && _as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" > /dev/null
  else
    echo "Please install $*." >&2
    return 1
  fi
}

_apt_install() {  # _apt_install COMMAND PACKAGE...: install Debian packages if COMMAND is missing
  local cmd=$1; shift
  command -v "$cmd" > /dev/null || _apt_packages "$@"
}

_apt_install npm npm
if [ -z "${VIRTUAL_ENV:-}" ]; then
  if [ ! -x .venv/bin/python ]; then
    # Debian's python3 has no venv module until python3-venv is installed; a failed try leaves
    # a half-made .venv behind, which is removed before the second.
    python3 -m venv .venv 2> /dev/null || { rm -rf .venv && _apt_packages python3-venv && python3 -m venv .venv; }
  fi
  # shellcheck disable=SC1091
  source .venv/bin/activate
fi
_reqs="requirements.txt ${BANDO_EXTRA_REQUIREMENTS:-}"
_stamp="$VIRTUAL_ENV/.bando-$(echo "$_reqs" | sha256sum | cut -c1-8)"
_want=$(cat $_reqs constraints.txt | sha256sum | cut -c1-16)
if [ "$(cat "$_stamp" 2> /dev/null)" != "$_want" ]; then
  echo "Installing Python packages ..."
  python -m pip install -q --disable-pip-version-check $(printf -- '-r %s ' $_reqs) -c constraints.txt
  echo "$_want" > "$_stamp"
fi
