#!/usr/bin/env bash
# Get an Odoo 18.0 community source tree into ODOO_PATH when there is none.
#
#   ODOO_PATH    where the tree goes (default /opt/odoo18); must not exist yet,
#                or be an empty directory
#   ODOO_SOURCE  where it comes from (default https://github.com/odoo/odoo):
#                a git URL (cloned shallow, branch 18.0) or an archive URL
#                ending in .tar.gz, .tgz or .zip (file:// works too)
#
# The tree is built in a temporary directory next to ODOO_PATH and moved in
# place only once odoo/release.py says 18.0, so a failed or wrong download
# never leaves a half tree behind. Nothing here is committed: Odoo is not part
# of this repository.
set -euo pipefail
ODOO_PATH="${ODOO_PATH:-/opt/odoo18}"
ODOO_SOURCE="${ODOO_SOURCE:-https://github.com/odoo/odoo}"
ODOO_BRANCH=18.0

fail() { echo "ERROR: $*" >&2; exit 1; }

if [ -f "$ODOO_PATH/odoo-bin" ]; then
    echo "odoo: tree already at $ODOO_PATH"
    exit 0
fi
if [ -e "$ODOO_PATH" ] && [ -n "$(ls -A "$ODOO_PATH" 2>/dev/null)" ]; then
    fail "'$ODOO_PATH' exists and is not empty, but holds no odoo-bin.
       Move it away, or set ODOO_PATH to another directory."
fi

case "$ODOO_SOURCE" in
    *.tar.gz | *.tgz | *.zip) kind=archive ;;
    *) kind=git ;;
esac
if [ "$kind" = git ]; then
    by_hand="git clone --depth 1 --branch $ODOO_BRANCH $ODOO_SOURCE $ODOO_PATH"
else
    by_hand="curl -fL -o odoo-src '$ODOO_SOURCE' and unpack it into $ODOO_PATH"
fi

parent="$(dirname "$ODOO_PATH")"
mkdir -p "$parent" 2>/dev/null || fail "cannot create '$parent' (permissions?).
       Set ODOO_PATH to a directory you may write, e.g. ODOO_PATH=\$HOME/odoo18"
tmp="$(mktemp -d "$parent/.odoo-fetch.XXXXXX")" || fail "cannot write in '$parent'.
       Set ODOO_PATH to a directory you may write, e.g. ODOO_PATH=\$HOME/odoo18"
trap 'rm -rf "$tmp"' EXIT

unreachable() {
    fail "could not get Odoo $ODOO_BRANCH from $ODOO_SOURCE
       (no network, a proxy, or a wrong URL?). Details are above.
       Get it by hand, then run the same make command again:
           $by_hand
       or point ODOO_SOURCE at a reachable git URL or .tar.gz/.zip archive,
       or ODOO_PATH at an Odoo 18.0 tree you already have."
}

echo "odoo: no Odoo tree at $ODOO_PATH; getting $ODOO_BRANCH from $ODOO_SOURCE (a few minutes)"
if [ "$kind" = git ]; then
    GIT_TERMINAL_PROMPT=0 git clone -q --depth 1 --branch "$ODOO_BRANCH" --single-branch \
        "$ODOO_SOURCE" "$tmp/tree" || unreachable
    rm -rf "$tmp/tree/.git"
else
    curl -fsSL --retry 2 -o "$tmp/archive" "$ODOO_SOURCE" || unreachable
    mkdir "$tmp/x"
    case "$ODOO_SOURCE" in
        *.zip) unzip -q "$tmp/archive" -d "$tmp/x" || fail "'$ODOO_SOURCE' is not a zip archive" ;;
        *) tar -xzf "$tmp/archive" -C "$tmp/x" || fail "'$ODOO_SOURCE' is not a .tar.gz archive" ;;
    esac
    # archives from GitHub hold one top directory (odoo-18.0/)
    if [ -f "$tmp/x/odoo-bin" ]; then
        mv "$tmp/x" "$tmp/tree"
    else
        top=("$tmp"/x/*)
        [ "${#top[@]}" -eq 1 ] && [ -f "${top[0]}/odoo-bin" ] \
            || fail "the archive '$ODOO_SOURCE' holds no odoo-bin: is it an Odoo source archive?"
        mv "${top[0]}" "$tmp/tree"
    fi
fi

release="$tmp/tree/odoo/release.py"
[ -f "$tmp/tree/odoo-bin" ] && [ -f "$release" ] && [ -d "$tmp/tree/odoo/addons" ] \
    || fail "what came from '$ODOO_SOURCE' is not an Odoo source tree (odoo-bin, odoo/release.py, odoo/addons)"
found="$(grep -E '^version_info *=' "$release" | head -n 1 || true)"
grep -qE '^version_info *= *\(18, *0 *,' "$release" \
    || fail "what came from '$ODOO_SOURCE' is not Odoo 18.0 (odoo/release.py: ${found:-no version_info}).
       Nothing was installed at $ODOO_PATH."

[ -d "$ODOO_PATH" ] && rmdir "$ODOO_PATH"
mv "$tmp/tree" "$ODOO_PATH"
echo "odoo: Odoo 18.0 is at $ODOO_PATH"
