# The Odoo parts load only inside Odoo, so that ``import social_crm.connectors``
# and ``python -m social_crm.cli`` work without a database or an Odoo tree.
if __name__.startswith("odoo.addons."):
    from . import controllers, models, wizards
