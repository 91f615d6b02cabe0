#!/usr/bin/env bash
# Regenerate social_crm/i18n/social_crm.pot from a fresh database (with demo
# data) and merge it into every .po file next to it, keeping the existing
# translations. New terms come in with an empty msgstr; terms that left the
# code are dropped. Then translate the empty ones (see social_crm/i18n/README.md)
# and run the translation test.
source "$(dirname "$0")/common.sh"
require_odoo
command -v msgmerge >/dev/null \
    || die "msgmerge not found: install gettext (apt-get install gettext)."
I18N="$ROOT/social_crm/i18n"
DB="${I18N_DB:-social_crm_i18n}"
PORT="${I18N_HTTP_PORT:-8179}"

echo "== fresh database '$DB' with social_crm (and its demo data, as the tests have)"
dropdb --if-exists "$DB"
odoo_bin -d "$DB" -i social_crm --stop-after-init \
    --http-port "$PORT" --max-cron-threads 0 --log-level=warn
echo "== export $I18N/social_crm.pot"
odoo_bin -d "$DB" --i18n-export="$I18N/social_crm.pot" --modules=social_crm \
    --http-port "$PORT" --max-cron-threads 0 --log-level=warn
dropdb --if-exists "$DB"

for po in "$I18N"/*.po; do
    echo "== merge into $(basename "$po")"
    msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" "$I18N/social_crm.pot"
    msgattrib --no-obsolete --output-file="$po" "$po"
    msgfmt --check-format --statistics --output-file=/dev/null "$po"
done
echo "Translate the untranslated terms (msgattrib --untranslated social_crm/i18n/nl.po),"
echo "then run the test: --test-tags /social_crm:TestI18nDutch"
