/** @odoo-module **/
import {registry} from "@web/core/registry";

// Issue 14: an agent whose language is Dutch runs the main flow: the Social
// CRM app, the inbox, @yesican's conversation with the customer card, a
// Dutch reply template, send. Every label checked here is Dutch.
registry.category("web_tour.tours").add("social_crm_dutch_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Social CRM app",
            trigger: ".o_app[data-menu-xmlid='social_crm.menu_social_crm_root']",
            run: "click",
        },
        {
            content: "The menus are Dutch",
            trigger: ".o_menu_sections:contains('Postvak in'):contains('Identiteiten')",
        },
        {
            trigger: ".o_menu_sections:contains('Berichten'):not(:contains('Identities'))",
        },
        {
            content: "The inbox is titled in Dutch",
            trigger: ".o_breadcrumb:contains('Postvak in')",
        },
        {
            content: "Open @yesican's conversation",
            trigger: ".o_kanban_record:contains('wasmachine')",
            run: "click",
        },
        {
            content: "The customer card, with Dutch labels",
            trigger: ".o_social_crm_customer_card h5:contains('Klant')",
        },
        {
            trigger: ".o_social_crm_customer_card label:contains('Klantnummer')",
        },
        {
            trigger: ".o_social_crm_customer_card label:contains('Klant sinds')",
        },
        {
            content: "The reply box speaks Dutch",
            trigger: ".o_social_crm_reply label:contains('Je antwoord')",
        },
        {
            trigger: ".o_field_widget[name=reply_draft] textarea[placeholder='Schrijf een antwoord...']",
        },
        {
            content: "Pick the Dutch thank-you template",
            trigger:
                ".o_field_widget[name=reply_template_id] input[placeholder='Kies een antwoordsjabloon...']",
            run: "edit Bedankt",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Bedankt (Nederlands)')",
            run: "click",
        },
        {
            content: "Its text is filled in for B. Oboema",
            trigger: ".o_field_widget[name=reply_draft] textarea:value(Hoi B., bedankt voor je bericht!)",
        },
        {
            content: "Send it with the Dutch button",
            trigger: "button[name=action_send_reply]:contains('Antwoord versturen')",
            run: "click",
        },
        {
            content: "The conversation is answered (Dutch status)",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Beantwoord')",
        },
    ],
});
