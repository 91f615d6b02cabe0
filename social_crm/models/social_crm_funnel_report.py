from odoo import fields, models, tools
from odoo.tools import SQL

from .. import funnel
from ..connectors.platforms import PLATFORMS


class SocialCrmFunnelReport(models.Model):
    """Funnel steps per month and platform: how many people reached each
    stage, the conversion from the stage before, and the median time the
    step took (``percentile_cont``, which Odoo's grouping cannot compute)."""

    _name = "social_crm.funnel.report"
    _description = "Social CRM funnel"
    _auto = False
    _order = "month desc, platform, stage_rank"
    _rec_name = "stage"

    month = fields.Date(readonly=True)
    platform = fields.Selection(PLATFORMS, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    stage = fields.Selection(funnel.STAGES, readonly=True)
    stage_rank = fields.Integer(readonly=True, aggregator=None)
    reached = fields.Integer("People reaching it", readonly=True)
    conversion = fields.Float(
        "Conversion from the stage before (%)",
        readonly=True,
        aggregator=None,
        help="People reaching this stage in the period, per 100 reaching the stage before.",
    )
    median_step_hours = fields.Float(
        "Median time of the step (h)",
        readonly=True,
        aggregator=None,
        help="From the person's previous stage to this one.",
    )

    def _read_group_orderby(self, order, groupby_terms, query):
        """Stages come in the funnel's order (engaged before follower...),
        not in the alphabet's: in the graph, the pivot and grouped lists."""
        if "stage" in groupby_terms:
            terms = []
            for term in (order or ",".join(groupby_terms)).split(","):
                field, *direction = term.split()
                if field == "stage":
                    field = "stage_rank:min"
                terms.append(" ".join([field, *direction]))
            order = ",".join(terms)
        return super()._read_group_orderby(order, groupby_terms, query)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        ranks = SQL(" ").join(
            SQL("WHEN %s THEN %s", stage, rank) for stage, rank in funnel.RANK.items()
        )
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
            WITH e AS (
                SELECT platform, company_id, stage, event_date,
                       CASE stage %s END AS stage_rank,
                       event_date - lag(event_date) OVER (
                           PARTITION BY identity_id ORDER BY event_date, id) AS step
                  FROM social_crm_funnel_event
            ), g AS (
                SELECT date_trunc('month', event_date)::date AS month,
                       platform, company_id, stage, stage_rank,
                       count(*) AS reached,
                       percentile_cont(0.5) WITHIN GROUP (
                           ORDER BY EXTRACT(EPOCH FROM step) / 3600.0)
                           FILTER (WHERE step IS NOT NULL) AS median_step_hours
                  FROM e
                 GROUP BY 1, 2, 3, 4, 5
            )
            SELECT row_number() OVER (ORDER BY month, platform, company_id, stage_rank) AS id,
                   g.*,
                   100.0 * reached / NULLIF(lag(reached) OVER (
                       PARTITION BY month, platform, company_id ORDER BY stage_rank), 0)
                       AS conversion
              FROM g
            )
            """,
                SQL.identifier(self._table),
                ranks,
            )
        )
