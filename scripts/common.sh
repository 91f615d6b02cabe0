# Shared settings for the project's scripts (sourced, not run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_PATH="${ODOO_PATH:-/opt/odoo18}"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
ADDONS_PATH="$ODOO_PATH/odoo/addons"
[ -d "$ODOO_PATH/addons" ] && ADDONS_PATH="$ADDONS_PATH,$ODOO_PATH/addons"
ADDONS_PATH="$ADDONS_PATH,$ROOT"

die() { echo "ERROR: $*" >&2; exit 1; }

require_odoo() {
    if [ ! -x "$ODOO_PATH/odoo-bin" ] && [ ! -f "$ODOO_PATH/odoo-bin" ]; then
        die "no Odoo 18.0 source tree at '$ODOO_PATH' (odoo-bin not found).
       Put an Odoo 18.0 community tree there (odoo-bin, odoo/, requirements.txt)
       or set ODOO_PATH=/path/to/odoo. See README.md, 'Prerequisites'."
    fi
    grep -q "version_info = (18, 0" "$ODOO_PATH/odoo/release.py" \
        || die "the tree at '$ODOO_PATH' is not Odoo 18.0"
}

odoo_bin() {
    "$PY" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" "$@"
}
