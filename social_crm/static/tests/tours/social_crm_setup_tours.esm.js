/** @odoo-module **/
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("social_crm_setup_checklist_tour", {
    url: "/odoo/social-inbox",
    steps: () => [
        {
            content: "An empty inbox of a new company shows the setup checklist with its help",
            trigger:
                ".o_view_nocontent:contains('No conversations yet') .o_social_crm_setup:contains('Get started')",
            run() {
                const steps = [...document.querySelectorAll(".o_social_crm_setup_step")];
                const keys = steps.map((li) => li.dataset.key);
                if (keys.join() !== "account,mentions,team,import") {
                    throw new Error(`unexpected checklist: ${keys}`);
                }
                if (document.querySelectorAll(".o_social_crm_setup .o_social_crm_done").length) {
                    throw new Error("nothing is done yet in a new company");
                }
            },
        },
        {
            content: "Nothing is connected: start the demo",
            trigger: ".o_social_crm_setup_account.o_social_crm_todo .o_social_crm_start_demo",
            run: "click",
        },
        {
            content: "The demo account pulled its mentions: posts are in the inbox",
            trigger: ".o_kanban_record .o_kanban_record_title, .o_kanban_record:not(.o_kanban_ghost)",
        },
        {
            content: "and the checklist is gone with the empty inbox",
            trigger: "body:not(:has(.o_social_crm_setup))",
        },
    ],
});
