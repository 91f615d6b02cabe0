#!/usr/bin/env bash
# Run every test: pytest (no database) and Odoo's tests, browser tours
# included, on a fresh database. Ends with "N passed, N failed"; exits
# non-zero on any failure. A skipped test (e.g. a tour without
# websocket-client or Chromium) counts as a failure.
source "$(dirname "$0")/common.sh"
require_odoo
bash "$ROOT/scripts/venv.sh"
bash "$ROOT/scripts/pg.sh"
LOGS="$ROOT/var"
mkdir -p "$LOGS"
TEST_DB="${TEST_DB:-social_crm_test}"

echo "== pytest: tests/ (no database)"
set +e
"$PY" -m pytest "$ROOT/tests" -q -p no:cacheprovider 2>&1 | tee "$LOGS/pytest.log"
py_rc=${PIPESTATUS[0]}
set -e
py_summary="$(tail -n 1 "$LOGS/pytest.log")"
count() { local n; n=$(grep -oE "[0-9]+ $1" <<<"$2" | grep -oE '^[0-9]+' | head -n 1); echo "${n:-0}"; }
py_passed=$(count passed "$py_summary")
py_failed=$(( $(count failed "$py_summary") + $(count error "$py_summary") ))
[ "$py_rc" -ne 0 ] && [ "$py_failed" -eq 0 ] && py_failed=1

echo "== Odoo: social_crm tests on a fresh database '$TEST_DB'"
dropdb --if-exists "$TEST_DB"
set +e
# sale_management too, so the customer card's sales and invoice figures are tested
odoo_bin -d "$TEST_DB" -i social_crm,sale_management --test-enable --test-tags /social_crm \
    --stop-after-init --http-port "${TEST_HTTP_PORT:-8169}" --max-cron-threads 0 \
    2>&1 | tee "$LOGS/odoo-test.log" | grep -E " (ERROR|CRITICAL|WARNING) |odoo\.tests\.|Starting Test|FAIL|tests when loading" 
odoo_rc=${PIPESTATUS[0]}
set -e
line="$(grep -E 'failed, [0-9]+ error\(s\) of [0-9]+ tests' "$LOGS/odoo-test.log" | tail -n 1)"
if [ -n "$line" ]; then
    read -r o_failed o_errors o_total < <(sed -E 's/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/' <<<"$line")
else
    o_failed=0; o_errors=1; o_total=0
    echo "Odoo printed no test summary: see $LOGS/odoo-test.log" >&2
fi
o_skipped=$(grep -cE " INFO .* skipped .* : " "$LOGS/odoo-test.log" || true)
if grep -q "websocket-client module is not installed" "$LOGS/odoo-test.log"; then
    echo "FAILED: browser tours were skipped: websocket-client is missing" >&2
    o_skipped=$((o_skipped > 0 ? o_skipped : 1))
fi
[ "$o_skipped" -gt 0 ] && echo "FAILED: $o_skipped Odoo test(s) were skipped (a skipped tour counts as a failure)" >&2
o_bad=$((o_failed + o_errors + o_skipped))
o_passed=$((o_total - o_failed - o_errors - o_skipped))
[ "$o_passed" -lt 0 ] && o_passed=0
[ "$odoo_rc" -ne 0 ] && [ "$o_bad" -eq 0 ] && o_bad=1
[ "$o_total" -eq 0 ] && [ "$o_bad" -eq 0 ] && o_bad=1

echo "== summary: pytest $py_passed passed, $py_failed failed; Odoo $o_passed passed, $o_bad failed (of $o_total, $o_skipped skipped)"
passed=$((py_passed + o_passed))
failed=$((py_failed + o_bad))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
