# Shared settings for the project's scripts (sourced, not run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_PATH="${ODOO_PATH:-/opt/odoo18}"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
set_addons_path() {
    ADDONS_PATH="$ODOO_PATH/odoo/addons"
    [ -d "$ODOO_PATH/addons" ] && ADDONS_PATH="$ADDONS_PATH,$ODOO_PATH/addons"
    ADDONS_PATH="$ADDONS_PATH,$ROOT"
}
set_addons_path

die() { echo "ERROR: $*" >&2; exit 1; }

require_odoo() {
    if [ ! -f "$ODOO_PATH/odoo-bin" ]; then
        # no tree: get one (a shallow clone of 18.0, or ODOO_SOURCE)
        ODOO_PATH="$ODOO_PATH" bash "$ROOT/scripts/get_odoo.sh" \
            || die "no Odoo 18.0 source tree at '$ODOO_PATH', and getting one failed (see above).
       Or set ODOO_PATH=/path/to/odoo. See README.md, 'Prerequisites'."
    fi
    grep -q "version_info = (18, 0" "$ODOO_PATH/odoo/release.py" \
        || die "the tree at '$ODOO_PATH' is not Odoo 18.0"
    set_addons_path
}

odoo_bin() {
    "$PY" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" "$@"
}
