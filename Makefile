# social_crm: the two commands a newcomer needs are `make demo` and `make test`.
ODOO_PATH ?= /opt/odoo18
export ODOO_PATH

.PHONY: demo test pytest venv pg odoo lint clean-db help i18n

help:
	@echo "make demo    - set up .venv and PostgreSQL, create/update database social_crm_demo, serve http://127.0.0.1:8069 (admin/admin)"
	@echo "make test    - run pytest (tests/) and the Odoo tests with browser tours; ends with 'N passed, N failed'"
	@echo "make odoo    - get Odoo 18.0 into ODOO_PATH when it is not there (demo and test do this too)"
	@echo "make pytest  - only the plain-Python tests, no database"
	@echo "make lint    - ruff (check and format) and pylint-odoo"
	@echo "make i18n    - regenerate social_crm/i18n/social_crm.pot from a fresh database and merge it into nl.po"

demo:
	@bash scripts/demo.sh

test:
	@bash scripts/test.sh

pytest: venv
	@.venv/bin/python -m pytest tests -q

odoo:
	@bash scripts/get_odoo.sh

venv:
	@bash scripts/venv.sh

pg:
	@bash scripts/pg.sh

# translations: see social_crm/i18n/README.md
i18n: venv pg
	@bash scripts/i18n.sh

# pylint-odoo as in OCA 18.0, less the checks for OCA's own repositories, and
# less consider-merging-classes-inherited: a feature (privacy, Discuss, inbox,
# setup, chatter) extends the models it needs in its own file, on purpose
lint: venv
	@.venv/bin/python -m ruff check social_crm tests bench
	@.venv/bin/python -m ruff format --check social_crm tests bench
	@.venv/bin/pylint --load-plugins=pylint_odoo --disable=all --enable=odoolint \
		--disable=manifest-required-author,missing-readme,consider-merging-classes-inherited --valid-odoo-versions=18.0 social_crm

clean-db:
	@dropdb --if-exists social_crm_test; dropdb --if-exists social_crm_demo
