"""Assignment: unassigned open conversations go round-robin to the team's
agents who are online and have room (the pick: :func:`..triage.assign`)."""

import psycopg2

from odoo import fields, models

from .. import triage
from .social_crm_conversation import _logger  # the log keeps its source


class SocialCrmConversationAssign(models.Model):
    _inherit = "social_crm.conversation"

    def _auto_assign(self):
        """Give unassigned open conversations to the account team's agents,
        where the team assigns automatically."""
        todo = self.filtered(
            lambda c: (
                not c.user_id and c.state in ("new", "open") and c.team_id.social_crm_auto_assign
            )
        )
        for team in todo.team_id:
            try:
                with self.env.cr.savepoint():
                    todo.filtered(lambda c, t=team: c.team_id == t)._assign_in_team(team)
            except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
                # another assignment run holds this team: the next run does it
                _logger.info("social_crm: team %s is being assigned elsewhere", team.id)

    def _assign_in_team(self, team):
        """Assign these conversations of ``team``. The team's row is locked
        (and touched) first, so two runs at once cannot both fill an agent:
        the second waits, then fails to serialize and leaves the work."""
        self.env.cr.execute(
            "UPDATE crm_team SET social_crm_assigned_at = now() at time zone 'UTC' WHERE id = %s",
            [team.id],
        )
        team.invalidate_recordset(["social_crm_assigned_at"])
        members = team.crm_team_member_ids.filtered(lambda m: m.active and m.user_id.active)
        counts = dict(
            self._read_group(
                [("user_id", "in", members.user_id.ids), ("state", "in", ("new", "open"))],
                ["user_id"],
                ["__count"],
            )
        )
        agents = [
            triage.Agent(
                user_id=member.user_id.id,
                capacity=member.social_crm_capacity,
                open_count=counts.get(member.user_id, 0),
                online=member.user_id.im_status == "online",
                last_assigned=member.social_crm_last_assigned_at.timestamp()
                if member.social_crm_last_assigned_at
                else 0.0,
            )
            for member in members
        ]
        pending = [
            (conv, conv.priority_score, conv.first_inbound_at or conv.create_date) for conv in self
        ]
        now = fields.Datetime.now()
        by_user = {member.user_id.id: member for member in members}
        for conversation, user_id in triage.plan_assignment(pending, agents):
            if user_id:
                conversation.user_id = user_id
                by_user[user_id].social_crm_last_assigned_at = now
