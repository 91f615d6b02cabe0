# social_crm: the two commands a newcomer needs are `make demo` and `make test`.
ODOO_PATH ?= /opt/odoo18
export ODOO_PATH

.PHONY: demo test pytest venv pg odoo lint clean-db help

help:
	@echo "make demo    - set up .venv and PostgreSQL, create/update database social_crm_demo, serve http://127.0.0.1:8069 (admin/admin)"
	@echo "make test    - run pytest (tests/) and the Odoo tests with browser tours; ends with 'N passed, N failed'"
	@echo "make odoo    - get Odoo 18.0 into ODOO_PATH when it is not there (demo and test do this too)"
	@echo "make pytest  - only the plain-Python tests, no database"
	@echo "make lint    - ruff (check and format) and pylint-odoo"

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

# pylint-odoo as in OCA 18.0, less the checks for OCA's own repositories
lint: venv
	@.venv/bin/python -m ruff check social_crm tests bench
	@.venv/bin/python -m ruff format --check social_crm tests bench
	@.venv/bin/pylint --load-plugins=pylint_odoo --disable=all --enable=odoolint \
		--disable=manifest-required-author,missing-readme --valid-odoo-versions=18.0 social_crm

clean-db:
	@dropdb --if-exists social_crm_test; dropdb --if-exists social_crm_demo
