#!/usr/bin/env bash
# Create or update .venv with Odoo's requirements plus ours. Idempotent: it
# reinstalls only when a requirements file changed since the last run.
source "$(dirname "$0")/common.sh"
require_odoo
[ -x "$PY" ] || python3 -m venv "$VENV"
stamp="$VENV/.requirements.sha"
want="$(cat "$ODOO_PATH/requirements.txt" "$ROOT/requirements.txt" | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "venv: up to date ($VENV)"
    exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# python-ldap needs LDAP headers and is only used by auth_ldap: skip it.
grep -viE '^\s*python-ldap' "$ODOO_PATH/requirements.txt" > "$tmp/odoo-requirements.txt"
# Odoo pins old sdists (e.g. psycopg2, gevent) that do not build with setuptools>=70.
echo 'setuptools<70' > "$tmp/constraints.txt"
# pip >= 25.3 reads build-environment constraints from PIP_BUILD_CONSTRAINT.
export PIP_CONSTRAINT="$tmp/constraints.txt" PIP_BUILD_CONSTRAINT="$tmp/constraints.txt"
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$PY" -m pip install -q 'setuptools<70' wheel
"$PY" -m pip install -q -r "$tmp/odoo-requirements.txt" -r "$ROOT/requirements.txt"
echo "$want" > "$stamp"
echo "venv: ready ($VENV)"
