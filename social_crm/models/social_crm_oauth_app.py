import logging

from odoo import api, fields, models

from ..connectors import oauth

_logger = logging.getLogger(__name__)


class SocialCrmOauthApp(models.Model):
    _name = "social_crm.oauth.app"
    _description = "App registered on a Mastodon server"
    _rec_name = "instance"

    instance = fields.Char(required=True, index=True, readonly=True)
    redirect_uri = fields.Char(required=True, readonly=True)
    client_id = fields.Char(required=True, readonly=True)
    client_secret = fields.Char(required=True, readonly=True)

    _sql_constraints = [
        ("instance_uniq", "unique(instance, redirect_uri)", "One app per server and address.")
    ]

    @api.model
    def _for_instance(self, instance, redirect_uri, session):
        """The app registered on ``instance`` for ``redirect_uri``; registered once."""
        app = self.sudo().search(
            [("instance", "=", instance), ("redirect_uri", "=", redirect_uri)], limit=1
        )
        if not app:
            company = self.env.company.name or "Odoo"
            registered = oauth.mastodon_register(
                session, instance, redirect_uri, f"Social CRM ({company})"
            )
            app = self.sudo().create(
                {"instance": instance, "redirect_uri": redirect_uri, **registered}
            )
        return app
