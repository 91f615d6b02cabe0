#!/usr/bin/env bash
# Start PostgreSQL if it is installed but stopped, and make sure the current
# OS user has a database role (Odoo connects through the Unix socket).
source "$(dirname "$0")/common.sh"
if ! command -v pg_lsclusters >/dev/null 2>&1; then
    command -v psql >/dev/null 2>&1 || die "PostgreSQL is not installed (Debian: apt-get install postgresql)"
fi
if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters --no-header | while read -r ver cluster _port status _rest; do
        if [ "$status" != "online" ]; then
            echo "pg: starting cluster $ver/$cluster"
            if [ "$(id -u)" = 0 ]; then pg_ctlcluster "$ver" "$cluster" start
            else sudo pg_ctlcluster "$ver" "$cluster" start; fi
        fi
    done
fi
for _ in $(seq 1 30); do
    pg_isready -q && break
    sleep 1
done
pg_isready -q || die "PostgreSQL does not answer on its socket"
me="$(id -un)"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
if ! psql -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    # Odoo refuses the 'postgres' role; give the OS user its own role.
    # SUPERUSER lets Odoo create extensions (unaccent, pg_trgm).
    as_pg psql -q -c "CREATE ROLE \"$me\" LOGIN SUPERUSER CREATEDB" 2>/dev/null || true
fi
psql -d postgres -tAc 'select 1' >/dev/null || die "cannot connect to PostgreSQL as '$me'"
echo "pg: ready (role $me)"
