# social_crm: the two commands a newcomer needs are `make demo` and `make test`.
ODOO_PATH ?= /opt/odoo18
export ODOO_PATH

.PHONY: demo test pytest venv pg lint clean-db help

help:
	@echo "make demo    - set up .venv and PostgreSQL, create/update database social_crm_demo, serve http://127.0.0.1:8069 (admin/admin)"
	@echo "make test    - run pytest (tests/) and the Odoo tests with browser tours; ends with 'N passed, N failed'"
	@echo "make pytest  - only the plain-Python tests, no database"
	@echo "make lint    - ruff over the project"

demo:
	@bash scripts/demo.sh

test:
	@bash scripts/test.sh

pytest: venv
	@.venv/bin/python -m pytest tests -q

venv:
	@bash scripts/venv.sh

pg:
	@bash scripts/pg.sh

lint: venv
	@.venv/bin/python -m ruff check social_crm tests bench

clean-db:
	@dropdb --if-exists social_crm_test; dropdb --if-exists social_crm_demo
