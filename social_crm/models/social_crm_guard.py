"""Write guards: the fields that are facts or evidence, written only by the
code that computes or records them.

A field read-only in a view is still writable over JSON-RPC. The models
below list such fields in ``_social_crm_protected``; a write or create that
sets one is refused unless it runs as superuser or inside the flow
``SYSTEM`` (``flow(records, SYSTEM)``), whose context value a client cannot
send. The lists are in ``social_crm_guard_fields``, one per model.
"""

from odoo import api, models
from odoo.exceptions import AccessError

from ._helpers import flow, in_flow

#: the flow of the module's own computations (scores, stages, flags, dates)
SYSTEM = "social_crm_system"
#: the erasure flow blanks facts and evidence too (``flow(records, ERASURE)``)
ERASURE = "social_crm_erasure"


def system(records):
    """``records`` in the module's own flow: may write protected fields.
    No elevation: the acting user's access rights and record rules apply."""
    return flow(records, SYSTEM)


def check_protected(records, protected, vals_list):
    """Refuse ``vals_list`` when it sets one of ``protected`` outside su and
    outside the ``SYSTEM`` and ``ERASURE`` flows."""
    if records.env.su or in_flow(records, SYSTEM) or in_flow(records, ERASURE):
        return
    forced = sorted({name for vals in vals_list for name in vals if name in protected})
    if forced:
        raise AccessError(
            records.env._(
                "%(fields)s of %(model)s are set by Social CRM itself, never by hand.",
                fields=", ".join(forced),
                model=records._description,
            )
        )


class SocialCrmGuarded(models.AbstractModel):
    _name = "social_crm.guarded"
    _description = "Social CRM write guards"

    #: fields only the module's own code writes (as superuser or in SYSTEM)
    _social_crm_protected = frozenset()
    #: more of them on create only (the model guards its own writes), or on
    #: write only (set once on create, never moved after)
    _social_crm_protected_create = frozenset()
    _social_crm_protected_write = frozenset()

    @api.model_create_multi
    def create(self, vals_list):
        check_protected(
            self, self._social_crm_protected | self._social_crm_protected_create, vals_list
        )
        return super().create(vals_list)

    def write(self, vals):
        check_protected(self, self._social_crm_protected | self._social_crm_protected_write, [vals])
        return super().write(vals)
