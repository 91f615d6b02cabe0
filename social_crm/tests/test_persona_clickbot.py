"""Odoo's own clickbot over the app, once per persona (issue 12).

The clickbot opens every menu of an app, every view switcher and every
filter, and fails on any error dialog (access error, "Oops!" crash) or
console error. It keeps every view of the app honest for each persona.
"""

from unittest.mock import patch

from lxml import etree

from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .. import funnel

CLICKBOT = (
    "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader').startClickEverywhere('%s');"
)


def without_invoicing(test):
    """Run ``test`` with the customer rule of a CRM without invoicing: a
    customer has a won opportunity (leads, which agents may not read)."""
    Partner = type(test.env["res.partner"])
    rule = [("opportunity_ids.stage_id.is_won", "=", True)]
    return patch.object(Partner, "_social_crm_customer_domain", lambda self: rule)


@tagged("post_install", "-at_install")
class TestPersonaClickbot(HttpCase):
    allow_end_on_form = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="cb_manager",
            name="Mia Clickbot Manager",
            groups="social_crm.group_social_crm_manager",
        )
        cls.agent = new_test_user(
            cls.env,
            login="cb_agent",
            name="Abe Clickbot Agent",
            groups="social_crm.group_social_crm_agent",
        )
        cls.salesman = new_test_user(
            cls.env,
            login="cb_salesman",
            name="Sam Clickbot Salesman",
            groups="sales_team.group_sale_salesman",
        )
        users = cls.manager | cls.agent | cls.salesman | cls.env.ref("base.user_admin")
        if "tour_enabled" in users._fields:
            users.tour_enabled = False

    def click_everywhere(self, login, apps):
        """Run the clickbot over each app menu (xmlid) as ``login``."""
        user = self.env["res.users"].search([("login", "=", login)])
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(False)
        visible = {menus[app_id]["xmlid"] for app_id in menus["root"]["children"]}
        for xmlid in apps:
            self.assertIn(xmlid, visible, f"{login} does not see the app {xmlid}")
            with self.subTest(app=xmlid):
                self.browser_js(
                    "/odoo",
                    CLICKBOT % xmlid,
                    "odoo.isReady === true",
                    login=login,
                    timeout=600,
                    success_signal="clickbot test succeeded",
                )

    def test_clickbot_as_administrator(self):
        self.click_everywhere("admin", ["social_crm.menu_social_crm_root"])

    def test_clickbot_as_social_crm_manager(self):
        self.click_everywhere("cb_manager", ["social_crm.menu_social_crm_root"])

    def test_clickbot_as_agent_without_sales_rights(self):
        self.assertFalse(self.agent.has_group("sales_team.group_sale_salesman"))
        # customers known by won leads (no invoicing), the rule that reads leads
        with without_invoicing(self):
            self.click_everywhere("cb_agent", ["social_crm.menu_social_crm_root"])

    def test_clickbot_as_salesman(self):
        # A salesman has no Social CRM group: no Social CRM app. The social
        # parts he gets live on leads and contacts, so the clickbot goes
        # through the CRM and Contacts apps.
        self.assertFalse(self.salesman.has_group("social_crm.group_social_crm_agent"))
        self.click_everywhere("cb_salesman", ["crm.crm_menu_root", "contacts.menu_contacts"])


class TestClickbotFindings(TransactionCase):
    """What the clickbot found, each checked on its own, faster."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="cbf_agent",
            name="Ann Agent",
            groups="social_crm.group_social_crm_agent",
        )
        cls.account = cls.env["social_crm.account"].create(
            {"name": "Clickbot store", "platform": "demo", "external_user_id": "demo-cbf"}
        )
        Identity = cls.env["social_crm.identity"].with_company(cls.account.company_id)
        cls.identity = Identity.create({"platform": "demo", "user_id": "cbf-1", "handle": "cbf1"})

    def won(self, partner):
        stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        self.env["crm.lead"].create(
            {"name": "Won", "type": "opportunity", "partner_id": partner.id, "stage_id": stage.id}
        )

    # point 1 ------------------------------------------------------------
    def test_agent_without_sales_rights_sees_who_is_a_customer(self):
        carla, nora = self.env["res.partner"].create([{"name": "Carla"}, {"name": "Nora"}])
        self.won(carla)
        self.won(nora)
        self.identity.with_company(self.account.company_id).partner_id = carla
        follower = self.env["social_crm.follower"].create(
            {"account_id": self.account.id, "identity_id": self.identity.id}
        )
        self.assertEqual(follower.partner_id, carla)
        self.assertFalse(self.agent.has_group("sales_team.group_sale_salesman"))
        with without_invoicing(self):
            Follower = self.env["social_crm.follower"].with_user(self.agent)
            # the Followers list
            self.assertTrue(Follower.browse(follower.id).is_customer)
            # Reporting > Followers who are customers
            self.assertIn(follower, Follower.search([("is_customer", "=", True)]))
            self.assertNotIn(follower, Follower.search([("is_customer", "=", False)]))
            # Reporting > Customers not following yet: a window action (a code
            # server action needs write access to contacts)
            Partner = self.env["res.partner"].with_user(self.agent)
            menu = self.env.ref("social_crm.menu_social_crm_report_not_following")
            self.assertEqual(menu.action._name, "ir.actions.act_window")
            action = menu.action.sudo()._get_action_dict()
            domains = [
                safe_eval(action["domain"]),
                Partner._social_crm_action_not_following()["domain"],
            ]
            for domain in domains:
                not_following = Partner.search(domain)
                self.assertIn(nora, not_following)
                self.assertNotIn(carla, not_following)
            self.assertTrue(Partner.browse(nora.id).social_crm_is_customer)

    # point 2 ------------------------------------------------------------
    def test_every_graph_and_pivot_measure_can_be_aggregated(self):
        views = self.env["ir.ui.view"].search([("type", "in", ("graph", "pivot"))])
        views = views.filtered(lambda v: v.xml_id.startswith("social_crm."))
        self.assertIn("social_crm.social_crm_response_report_view_graph", views.mapped("xml_id"))
        for view in views:
            fields = self.env[view.model]._fields
            for node in etree.fromstring(view.arch).iter("field"):
                if node.get("type") != "measure":
                    continue
                field = fields[node.get("name")]
                with self.subTest(view=view.xml_id, measure=field.name):
                    self.assertTrue(field.type == "many2one" or field.aggregator)

    def test_response_times_graph_has_its_median(self):
        Report = self.env["social_crm.response.report"].with_user(self.agent)
        Report.web_read_group([], ["median_first_response:avg"], ["month:month"], lazy=False)

    # point 9: the funnel's order -----------------------------------------
    def test_funnel_graph_follows_the_funnel(self):
        stages = ["customer", "lead", "follower", "consented", "engaged"]
        self.env["social_crm.funnel.event"].create(
            [
                {
                    "identity_id": self.identity.id,
                    "stage": stage,
                    "source": "reply_sent",
                    "company_id": self.account.company_id.id,
                }
                for stage in stages
            ]
        )
        Report = self.env["social_crm.funnel.report"].with_user(self.agent)
        for lazy in (False, True):
            groups = Report.read_group([], ["reached:sum"], ["stage", "platform"], lazy=lazy)
            seen = list(dict.fromkeys(g["stage"] for g in groups))
            self.assertLessEqual(set(stages), set(seen))
            self.assertEqual(seen, sorted(seen, key=funnel.RANK.get))
        groups = Report.read_group([], ["reached:sum"], ["stage"], orderby="stage desc")
        seen = [g["stage"] for g in groups]
        self.assertEqual(seen, sorted(seen, key=funnel.RANK.get, reverse=True))
        # the graph keeps that order (order="asc" would sort by the count)
        graph = self.env.ref("social_crm.social_crm_funnel_report_view_graph")
        self.assertIsNone(etree.fromstring(graph.arch).get("order"))

    # point 9: identity states --------------------------------------------
    def test_identity_says_linked_or_suggested_accurately(self):
        identity = self.identity.with_company(self.account.company_id)
        Identity = identity.browse()
        self.assertEqual(identity.link_state, "pending")
        identity.match_state = "done"
        self.assertEqual(identity.link_state, "none")
        labels = dict(identity._fields["match_state"]._description_selection(self.env))
        self.assertNotIn("Matched", labels.values())  # said so with no contact linked
        carla = self.env["res.partner"].create({"name": "Carla"})
        # another company's suggestion is no suggestion here (links are per company)
        other = self.env["res.company"].create({"name": "Other store"})
        self.env["social_crm.suggestion"].create(
            {"identity_id": identity.id, "partner_id": carla.id, "company_id": other.id}
        )
        self.assertEqual(identity.link_state, "none")
        suggestion = self.env["social_crm.suggestion"].create(
            {"identity_id": identity.id, "partner_id": carla.id, "score": 0.8}
        )
        self.assertEqual(identity.link_state, "suggested")
        self.assertIn(identity, Identity.search([("link_state", "=", "suggested")]))
        self.assertNotIn(identity, Identity.search([("link_state", "=", "none")]))
        suggestion.state = "rejected"
        self.assertEqual(identity.link_state, "none")
        self.assertIn(identity, Identity.search([("link_state", "=", "none")]))
        identity.partner_id = carla
        self.assertEqual(identity.link_state, "linked")
        self.assertIn(identity, Identity.search([("link_state", "=", "linked")]))
        self.assertNotIn(identity, Identity.search([("link_state", "!=", "linked")]))
