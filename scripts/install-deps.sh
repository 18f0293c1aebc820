#!/bin/sh
# Installs the Debian 12 packages dossier needs to build and test, and the
# npm packages of the browser tests. Idempotent: installs only what is missing.
set -eu

PKGS="build-essential pkg-config git
libcmark-gfm-dev libcmark-gfm-extensions-dev liblua5.4-dev libxml2-dev
libcairo2-dev libpango1.0-dev libyaml-dev libsqlite3-dev libglib2.0-dev libssl-dev
fonts-dejavu-core fonts-dejavu-extra fonts-noto-cjk libcmocka-dev poppler-utils qpdf mandoc
libxml2-utils valgrind strace sqlite3 chromium nodejs npm time hyperfine"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# npm ships with the machine's Node.js on some images; do not replace it.
case "$missing" in *" npm"*) command -v npm >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ npm//');; esac
case "$missing" in *" nodejs"*) command -v node >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ nodejs//');; esac

if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# Browser-test packages, pinned in package.json / package-lock.json.
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -f "$here/package.json" ] && [ ! -d "$here/node_modules/playwright-core" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --silent 2>/dev/null || npm install --no-audit --no-fund --silent)
fi
exit 0
