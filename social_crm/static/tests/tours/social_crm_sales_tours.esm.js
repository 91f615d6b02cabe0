/** @odoo-module **/
import {registry} from "@web/core/registry";

// A salesman (no Social CRM rights) opens his customer B. Oboema: he sees
// who B. Oboema is on social media, read-only, then finds the lead an agent
// made from one of his posts in his own pipeline.
registry.category("web_tour.tours").add("social_crm_salesman_tour", {
    steps: () => [
        {
            content: "The contact's Social tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Social')",
            run: "click",
        },
        {
            content: "His identity, with platform and handle",
            trigger: ".o_social_crm_sales_identities td:contains('@yesican')",
        },
        {
            content: "and a link to his public profile",
            trigger: ".o_social_crm_sales_identities a[href^='https://']",
        },
        {
            content: "His consent for commercial messages: not asked",
            trigger: ".o_field_widget[name=social_crm_consent_commercial]:contains('Not asked')",
        },
        {
            content: "The contactable flag is shown",
            trigger: ".o_field_widget[name=social_crm_contactable] input:disabled",
        },
        {
            content: "His recent posts, as text",
            trigger: ".o_field_widget[name=social_crm_sales_posts]:contains('wasmachine')",
        },
        {
            content: "Nothing social can be edited here",
            trigger: ".o_social_crm_sales_identities",
            run() {
                const page = document.querySelector(".o_notebook .tab-pane.active");
                if (page.querySelector(".o_field_x2many_list_row_add, .o_list_record_remove")) {
                    throw new Error("the salesman's Social tab lets him edit identities");
                }
                if (page.querySelector(".o_field_widget[name=social_crm_sales_posts] script")) {
                    throw new Error("a post was rendered as HTML");
                }
            },
        },
        {
            content: "Go to the CRM app",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "The lead from his post is in his pipeline (My Pipeline)",
            trigger: ".o_kanban_view .o_kanban_record:contains('B. Oboema on Demo')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Social')",
            run: "click",
        },
        {
            content: "The lead shows who posted, and what",
            trigger: ".o_social_crm_sales_identities td:contains('@yesican')",
        },
        {
            trigger: ".o_field_widget[name=social_crm_sales_posts]:contains('wasmachine')",
        },
    ],
});
