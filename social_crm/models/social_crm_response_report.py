from odoo import fields, models, tools
from odoo.tools import SQL

from ..connectors.platforms import PLATFORMS


class SocialCrmResponseReport(models.Model):
    """Response times per month, per platform and team, and for all of
    them together: medians and percentiles come from PostgreSQL's
    ``percentile_cont``, which Odoo's grouping cannot compute."""

    _name = "social_crm.response.report"
    _description = "Social CRM response times"
    _auto = False
    _order = "month desc, level desc, platform, team_id"
    _rec_name = "month"

    month = fields.Date(readonly=True)
    level = fields.Selection(
        [("total", "All platforms and teams"), ("detail", "Per platform and team")],
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True)
    platform = fields.Selection(PLATFORMS, readonly=True)
    team_id = fields.Many2one("crm.team", readonly=True)
    conversation_count = fields.Integer("Conversations", readonly=True)
    answered_count = fields.Integer("Answered", readonly=True)
    # the graph's measure: per month, the "All platforms and teams" row
    # (its default filter) holds the median itself; over several rows, the
    # graph shows the average of their medians
    median_first_response = fields.Float(
        "Median first response (h)", readonly=True, aggregator="avg"
    )
    p90_first_response = fields.Float(
        "90th percentile first response (h)", readonly=True, aggregator=None
    )
    sla_compliance = fields.Float(
        "First response on time (%)",
        readonly=True,
        aggregator=None,
        help="Of conversations with a target that were answered or are past due.",
    )
    complaint_count = fields.Integer("Complaints", readonly=True)
    complaints_within_hour = fields.Float(
        "Complaints answered within the hour (%)",
        readonly=True,
        aggregator=None,
        help="Of complaints that were answered or have waited an hour or more.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
            WITH c AS (
                SELECT date_trunc('month', first_inbound_at)::date AS month,
                       company_id, platform, team_id, intent,
                       first_response_at IS NOT NULL AS answered,
                       EXTRACT(EPOCH FROM first_response_at - first_inbound_at) / 3600.0
                           AS hours,
                       sla_first_deadline,
                       first_response_at <= sla_first_deadline AS on_time,
                       first_inbound_at < (now() at time zone 'UTC') - interval '1 hour'
                           AS hour_passed
                  FROM social_crm_conversation
                 WHERE first_inbound_at IS NOT NULL
            )
            SELECT row_number() OVER (ORDER BY month, company_id, platform, team_id) AS id,
                   month, company_id, platform, team_id,
                   CASE WHEN GROUPING(platform, team_id) = 0 THEN 'detail' ELSE 'total' END
                       AS level,
                   count(*) AS conversation_count,
                   count(*) FILTER (WHERE answered) AS answered_count,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY hours)
                       FILTER (WHERE answered) AS median_first_response,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY hours)
                       FILTER (WHERE answered) AS p90_first_response,
                   100.0 * count(*) FILTER (WHERE on_time)
                       / NULLIF(count(*) FILTER (
                           WHERE sla_first_deadline IS NOT NULL
                             AND (answered OR sla_first_deadline < now() at time zone 'UTC')
                       ), 0) AS sla_compliance,
                   count(*) FILTER (WHERE intent = 'complaint') AS complaint_count,
                   100.0 * count(*) FILTER (WHERE intent = 'complaint' AND hours <= 1)
                       / NULLIF(count(*) FILTER (
                           WHERE intent = 'complaint' AND (answered OR hour_passed)
                       ), 0) AS complaints_within_hour
              FROM c
             GROUP BY GROUPING SETS ((month, company_id, platform, team_id),
                                     (month, company_id))
            )
            """,
                SQL.identifier(self._table),
            )
        )
