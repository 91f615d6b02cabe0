/** @odoo-module **/
import {registry} from "@web/core/registry";

// The receptionist opens an account whose token was revoked: a banner says so,
// with a Reconnect button; a Mastodon account without its server names the
// missing step instead of offering Connect.
registry.category("web_tour.tours").add("social_crm_oauth_reconnect_tour", {
    url: "/odoo/action-social_crm.action_social_crm_account",
    steps: () => [
        {
            content: "Open the X account that needs reconnecting",
            trigger: ".o_data_row:contains('Tour X store') .o_data_cell[name='name']",
            run: "click",
        },
        {
            content: "The banner says it needs reconnecting, with a Reconnect button",
            trigger:
                ".o_form_view div[name='oauth_reconnect']:contains('needs reconnecting') button[name='action_oauth_connect']",
        },
        {
            content: "The status reads 'Needs reconnecting'",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Needs reconnecting')",
        },
        {
            content: "Back to the accounts",
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb a:first",
            run: "click",
        },
        {
            content: "Open the Mastodon account without a server",
            trigger: ".o_data_row:contains('Tour Mastodon store') .o_data_cell[name='name']",
            run: "click",
        },
        {
            content: "The form says which step is missing, and offers no Connect",
            trigger: ".o_form_view div[name='oauth_missing_step']:contains('Mastodon server')",
            run() {
                const connect = [...document.querySelectorAll(".o_form_statusbar button")].filter(
                    (b) => b.textContent.trim() === "Connect"
                );
                if (connect.length) {
                    throw new Error("Connect is offered before the server is set");
                }
            },
        },
    ],
});
