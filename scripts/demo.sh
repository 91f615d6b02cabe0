#!/usr/bin/env bash
# Create or update the database social_crm_demo (social_crm, crm, contacts,
# demo data) and serve it at http://127.0.0.1:8069 (login admin / admin).
# The demo account replays a bundled sample stream: new posts arrive every
# minute through the same ingestion path as real platforms.
source "$(dirname "$0")/common.sh"
require_odoo
bash "$ROOT/scripts/venv.sh"
bash "$ROOT/scripts/pg.sh"
DB="${DEMO_DB:-social_crm_demo}"
PORT="${DEMO_PORT:-8069}"
if psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    echo "demo: updating database $DB"
    init=(-u social_crm)
else
    echo "demo: creating database $DB with demo data (about a minute)"
    init=(-i social_crm,crm,contacts)
fi
echo "demo: serving http://127.0.0.1:$PORT  (login admin / admin; Ctrl-C stops)"
exec "$PY" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" -d "$DB" "${init[@]}" \
    --db-filter="^$DB\$" --http-interface=127.0.0.1 --http-port="$PORT" \
    --max-cron-threads=1
