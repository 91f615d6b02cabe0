"""The inbox as agents work in it: live updates, finding people, one
person's conversations together (count on the card, merge).

Kept apart from ``social_crm_conversation`` (ingestion, triage, replies)."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .social_crm_guard import system

#: bus notification type: "these conversations changed, reload the inbox"
INBOX_NOTIFICATION = "social_crm.inbox"
#: a write of one of these fields changes what the inbox shows
INBOX_FIELDS = frozenset(
    {"state", "user_id", "priority", "last_message_at", "identity_id", "name", "sla_state"}
)
OPEN_STATES = ("new", "open")


class SocialCrmConversation(models.Model):
    _inherit = "social_crm.conversation"

    person_search = fields.Char(
        "Person",
        compute="_compute_person_search",
        search="_search_person",
        help="Handle (with or without @), name on the platform, contact name or customer number.",
    )
    other_open_conversation_ids = fields.Many2many(
        "social_crm.conversation",
        compute="_compute_other_open",
        string="Other open conversations",
        help="This person's other conversations to answer, in this company.",
    )
    other_open_count = fields.Integer("Other open", compute="_compute_other_open")

    # ------------------------------------------------------------------
    # Finding people
    # ------------------------------------------------------------------
    def _compute_person_search(self):
        for conversation in self:
            conversation.person_search = conversation.identity_id.name or False

    def _search_person(self, operator, value):
        if operator not in ("ilike", "not ilike", "=", "!=") or not isinstance(value, str):
            raise UserError(self.env._("Search a person by handle, name or customer number."))
        term = value.strip()
        handle = term.lstrip("@")
        domain = [
            "|",
            "|",
            "|",
            "|",
            ("identity_id.handle", "ilike", handle),
            ("identity_id.profile_name", "ilike", term),
            ("identity_id.name", "ilike", term),
            ("partner_id.name", "ilike", term),
            ("partner_id.ref", "=ilike", term),
        ]
        return ["!", *domain] if operator in ("not ilike", "!=") else domain

    # ------------------------------------------------------------------
    # One person's other open conversations
    # ------------------------------------------------------------------
    @api.depends("identity_id", "company_id", "state")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_other_open(self):
        """Read with the reader's rights: other companies stay hidden."""
        identities = self.identity_id
        by_person = {}
        if identities:
            for conversation in self.search(
                [("identity_id", "in", identities.ids), ("state", "in", OPEN_STATES)],
                order="last_message_at desc, id desc",
            ):
                key = (conversation.identity_id.id, conversation.company_id.id)
                by_person[key] = by_person.get(key, self.browse()) | conversation
        for conversation in self:
            key = (conversation.identity_id.id, conversation.company_id.id)
            others = (
                by_person.get(key, self.browse()) - conversation._origin
                if conversation.identity_id
                else self.browse()
            )
            conversation.other_open_conversation_ids = others
            conversation.other_open_count = len(others)

    # ------------------------------------------------------------------
    # Live inbox: tell the company's agents what changed
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        conversations = super().create(vals_list)
        conversations._inbox_changed()
        return conversations

    def write(self, vals):
        result = super().write(vals)
        if INBOX_FIELDS.intersection(vals):
            self._inbox_changed()
        return result

    def _inbox_changed(self):
        """Queue these conversations for one bus notification per company,
        sent when the transaction commits (a whole ingestion batch, once)."""
        if not self:
            return
        precommit = self.env.cr.precommit
        changed = precommit.data.get("social_crm.inbox")
        if changed is None:
            changed = precommit.data["social_crm.inbox"] = {}
            env = self.env

            @precommit.add
            def send():
                pending = precommit.data.pop("social_crm.inbox", {})
                env["social_crm.conversation"]._inbox_send(pending)

        for conversation in self.sudo():
            changed.setdefault(conversation.company_id.id, set()).add(conversation.id)

    @api.model
    def _inbox_send(self, changed):
        """Send ``{company id: conversation ids}`` to the agents of each
        company. Only ids travel: the browser reloads with its own rights."""
        agents = self.env.ref("social_crm.group_social_crm_agent").sudo().users
        agents = agents.filtered(lambda u: not u.share and u.active)
        for company_id, ids in changed.items():
            if not company_id:
                continue
            recipients = agents.filtered(lambda u, c=company_id: c in u.company_ids.ids)
            recipients._bus_send(
                INBOX_NOTIFICATION,
                {"company_id": company_id, "conversation_ids": sorted(ids)},
            )

    # ------------------------------------------------------------------
    # Agent actions
    # ------------------------------------------------------------------
    def action_assign_to_me(self):
        """Take the conversation: a new one is now being worked on, and it
        opens (from the inbox; the form already shows it)."""
        self.write({"user_id": self.env.user.id})
        self.filtered(lambda c: c.state == "new").write({"state": "open"})
        if len(self) == 1 and not self.env.context.get("social_crm_in_form"):
            return self._inbox_open_action()
        return True

    def _inbox_open_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [[False, "form"]],
            "target": "current",
        }

    def action_merge_other_open(self):
        """Merge this conversation with the person's other open ones."""
        self.ensure_one()
        return (self | self.other_open_conversation_ids).action_merge()

    def action_merge(self):
        """Merge conversations of one person into the oldest: the posts (and
        their chatter notes) move there, the others are closed with a note.

        Refused unless all are of the same company and the same person, and
        the user may change every one of them."""
        if len(self) < 2:
            raise UserError(self.env._("Select at least two conversations to merge."))
        self.check_access("write")
        if len(self.company_id) != 1:
            raise UserError(self.env._("Only conversations of the same company can be merged."))
        if not all(c.identity_id for c in self) or len(self.identity_id) != 1:
            raise UserError(self.env._("Only conversations of the same person can be merged."))
        target = self.sorted(lambda c: (c.first_inbound_at or c.create_date, c.id))[0]
        others = self - target
        # access checked above: posts and notes are moved by the module itself
        root, rest = target.sudo(), others.sudo()
        posts = rest.post_ids
        moved = len(posts)
        posts.write({"conversation_id": target.id})
        posts.chatter_message_id.write({"res_id": target.id})
        answered = [c.first_response_at for c in self if c.first_response_at]
        values = {"first_response_at": min(answered) if answered else False}
        system(root).write(values)
        system(root)._backfill_triage()
        if not root.user_id:
            root.user_id = (others.user_id or self.env.user)[:1]
        if root.awaiting_since and root.state in ("replied", "closed"):
            root.state = "open"
        elif root.state == "new" and any(c.state != "new" for c in self):
            root.state = "open"
        rest.write({"state": "closed"})
        system(rest).write({"awaiting_since": False})
        rest._triage_refresh()
        for other in others:
            other.message_post(
                body=self.env._(
                    "Merged into conversation #%(id)s (%(name)s): its posts moved there.",
                    id=target.id,
                    name=target.name,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        target.message_post(
            body=self.env._(
                "Merged conversation(s) %(ids)s of the same person into this one "
                "(%(count)s post(s) moved).",
                ids=", ".join(f"#{c.id}" for c in others),
                count=moved,
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return target._inbox_open_action()
