#!/usr/bin/env bash
# install-unicorn.sh - installs the pinned Unicorn wheel (C library + headers)
# into $VMM_ROOT/.tools/unicorn when it is missing; a fast no-op otherwise.
# Debian's libunicorn 2.0.1 is not enough (it discards the translated
# physical address): see shared/notes/toolchain.md.
set -euo pipefail
ROOT=${VMM_ROOT:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)}
VERSION=2.1.4
DEST=$ROOT/.tools/unicorn
STAMP=$DEST/.installed-$VERSION

# Succeeds when the library and the header are both in place.
installed_files_present() {
  [[ -f $DEST/unicorn/lib/libunicorn.so.2 && -f $DEST/unicorn/include/unicorn/unicorn.h ]]
}

# Succeeds when this version was installed completely.
installed() {
  [[ -f $STAMP ]] && installed_files_present
}

installed && exit 0

PY=${PYTHON:-python3}
if ! "$PY" -m pip --version >/dev/null 2>&1; then
  echo "install-unicorn: pip missing, installing python3-pip" >&2
  sudo=""; [[ $(id -u) == 0 ]] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-pip >/dev/null
  PY=/usr/bin/python3
fi

echo "install-unicorn: unicorn==$VERSION -> $DEST" >&2
rm -rf "$DEST"
mkdir -p "$DEST"
pip_args=(install --quiet --disable-pip-version-check --no-deps --target "$DEST" "unicorn==$VERSION")
# Some pips refuse an "externally managed" Python unless told; older pips do
# not know the flag. Without Unicorn the emu tests are reported skipped, so
# a failed install warns instead of stopping every other part.
if ! "$PY" -m pip "${pip_args[@]}" 2>/dev/null &&
   ! "$PY" -m pip "${pip_args[@]}" --break-system-packages; then
  echo "install-unicorn: WARNING: pip could not install unicorn==$VERSION;" \
       "the emu tests will be SKIPPED" >&2
  exit 0
fi
if ! installed_files_present; then
  echo "install-unicorn: WARNING: the wheel lacks libunicorn.so.2 or unicorn.h;" \
       "the emu tests will be SKIPPED" >&2
  exit 0
fi
touch "$STAMP"
