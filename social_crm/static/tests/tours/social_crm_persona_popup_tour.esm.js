/** @odoo-module **/
import {registry} from "@web/core/registry";
import {rpc} from "@web/core/network/rpc";

registry.category("web_tour.tours").add("social_crm_salesperson_popup_tour", {
    url: "/odoo/contacts",
    steps: () => [
        {
            content: "The salesperson (no Social CRM rights) works in Contacts",
            trigger: ".o_kanban_view",
        },
        {
            content: "Their customer posts (the test pulls the stream, as the cron would)",
            trigger: ".o_kanban_view",
            async run() {
                await rpc("/web/dataset/call_kw/social_crm.stream/action_sync_now", {
                    model: "social_crm.stream",
                    method: "action_sync_now",
                    args: [[]],
                    kwargs: {},
                });
                odoo.__WOWL_DEBUG__.root.env.services.bus_service.forceUpdateChannels();
            },
        },
        {
            content: "The pop-up says it is their customer, the post as plain text",
            trigger:
                ".o_social_crm_customer_popup:contains('Your customer B. Oboema (customer 5234)'):contains('wasmachine')",
        },
        {
            content: "Open from the pop-up",
            trigger: ".o_social_crm_customer_popup button:contains('Open')",
            run: "click",
        },
        {
            content: "It opens the contact, not the conversation they may not read",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run() {
                const name = document.querySelector(".o_form_view .o_field_widget[name=name] input");
                const path = window.location.pathname;
                if (name.value !== "B. Oboema" || !path.includes("res.partner")) {
                    throw new Error(`not the contact: ${name.value} at ${path}`);
                }
            },
        },
    ],
});
