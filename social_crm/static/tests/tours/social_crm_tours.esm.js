/** @odoo-module **/
import {registry} from "@web/core/registry";
import {rpc} from "@web/core/network/rpc";

const REPLY = "Yes, we are open from 12:00 to 17:00!";

registry.category("web_tour.tours").add("social_crm_reply_tour", {
    url: "/odoo/social-inbox",
    steps: () => [
        {
            content: "Open the conversation from the inbox",
            trigger: ".o_kanban_record:contains('Is the tour store open on Sunday')",
            run: "click",
        },
        {
            content: "Write a reply",
            trigger: ".o_field_widget[name=reply_draft] textarea",
            run: `edit ${REPLY}`,
        },
        {
            content: "Send it",
            trigger: "button[name=action_send_reply]",
            run: "click",
        },
        {
            content: "The reply is in the conversation's posts",
            trigger: `.o_field_widget[name=post_ids] .o_data_row:contains('${REPLY}')`,
        },
        {
            content: "The conversation is marked replied",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Replied')",
        },
        {
            content: "Its Discuss thread is one click away",
            trigger: "button[name=action_open_discuss]",
            run: "click",
        },
        {
            content: "and shows the reply",
            trigger: `.o-mail-Discuss .o-mail-Message-body:contains('${REPLY}')`,
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_plain_text_tour", {
    url: "/odoo/social-inbox",
    steps: () => [
        {
            trigger: ".o_kanban_record:contains('Evil')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=post_ids] .o_data_row:contains('<img src=x')",
            run() {
                if (window.socialCrmPwned) {
                    throw new Error("the post text was executed");
                }
            },
        },
        {
            content: "Open the conversation's Discuss thread",
            trigger: "button[name=action_open_discuss]",
            run: "click",
        },
        {
            content: "The whole post shows, markup and all, as text",
            trigger: ".o-mail-Discuss .o-mail-Message-body:contains('end-of-evil')",
            run() {
                const body = document.querySelector(".o-mail-Discuss .o-mail-Message-body");
                if (!body.textContent.includes("<script>window.socialCrmPwned = 1</script>")) {
                    throw new Error("the post text is not shown literally");
                }
                if (body.querySelector("script, img") || window.socialCrmPwned) {
                    throw new Error("the post text was rendered as HTML");
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_customer_popup_tour", {
    url: "/odoo/social-inbox",
    steps: () => [
        {
            content: "The agent has the inbox open",
            trigger: ".o_kanban_view",
        },
        {
            content: "A known customer posts (the stream is pulled, as the cron would)",
            trigger: ".o_kanban_view",
            async run() {
                const [stream] = await rpc("/web/dataset/call_kw/social_crm.stream/search_read", {
                    model: "social_crm.stream",
                    method: "search_read",
                    args: [[["name", "=", "Popup tour stream"]]],
                    kwargs: {fields: ["id"]},
                });
                await rpc("/web/dataset/call_kw/social_crm.stream/action_sync_now", {
                    model: "social_crm.stream",
                    method: "action_sync_now",
                    args: [[stream.id]],
                    kwargs: {},
                });
                // Odoo's test server does not run the bus dispatcher (no
                // LISTEN/NOTIFY in tests): ask the websocket to fetch what
                // is new, as a running server would push it by itself.
                odoo.__WOWL_DEBUG__.root.env.services.bus_service.forceUpdateChannels();
            },
        },
        {
            content: "The pop-up names the customer, without a page reload",
            trigger:
                ".o_social_crm_customer_popup:contains('B. Oboema (customer 5234) on Demo'):contains('wasmachine')",
        },
        {
            content: "Open the post from the pop-up",
            trigger: ".o_social_crm_customer_popup button:contains('Open')",
            run: "click",
        },
        {
            content: "The customer card shows who this is",
            trigger: ".o_social_crm_customer_card .o_field_widget[name=partner_ref]:contains('5234')",
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_triage_tour", {
    url: "/odoo/social-inbox",
    steps: () => [
        {
            content: "Show the inbox as a list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Sort by priority score",
            trigger: "th[data-name=priority_score]",
            run: "click",
        },
        {
            content: "Lowest first; click again for the most urgent first",
            trigger: "th[data-name=priority_score] .fa-angle-up",
            run: "click",
        },
        {
            content: "The complaint comes first, the praise last",
            trigger: "th[data-name=priority_score] .fa-angle-down",
        },
        {
            trigger: ".o_data_row:first:contains('still not delivered')",
        },
        {
            trigger: ".o_data_row:last:contains('great service')",
        },
        {
            content: "Open the most urgent conversation",
            trigger: ".o_data_row:first td[name=name]",
            run: "click",
        },
        {
            content: "Its SLA is running",
            trigger: ".o_field_widget[name=sla_state] .o_social_crm_sla[data-state=running]",
        },
        {
            content: "Pick a canned reply",
            trigger: ".o_field_widget[name=reply_template_id] input",
            run: "edit Please DM",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Please DM us (English)')",
            run: "click",
        },
        {
            content: "The placeholders are filled in",
            trigger:
                ".o_field_widget[name=reply_draft] textarea:value(Sorry to hear that, @angry_customer)",
        },
        {
            content: "Send it",
            trigger: "button[name=action_send_reply]",
            run: "click",
        },
        {
            content: "The reply went out in time: the SLA badge turns green",
            trigger:
                ".o_field_widget[name=sla_state] .o_social_crm_sla.text-bg-success[data-state=met]",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Replied')",
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_ask_consent_tour", {
    url: "/odoo/social-inbox",
    steps: () => [
        {
            content: "Open the happy poster's conversation",
            trigger: ".o_kanban_record:contains('Thanks for the quick help')",
            run: "click",
        },
        {
            content: "Ask for consent",
            trigger: "button[name=action_ask_consent_preview]",
            run: "click",
        },
        {
            content: "The preview shows the message, the link as [personal link]",
            trigger: ".modal .o_social_crm_consent_preview:contains('[personal link]')",
        },
        {
            content: "Send it",
            trigger: ".modal .modal-footer button[name=action_send]",
            run: "click",
        },
        {
            content: "The personal opt-in link went out as a private message",
            trigger: ".o_notification:contains('by private message')",
        },
        {
            trigger: ".o_field_widget[name=post_ids] .o_data_row:contains('/social_crm/consent/')",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Replied')",
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_consent_page_tour", {
    steps: () => [
        {
            content: "The page says what the poster agrees to",
            trigger: ".o_social_crm_wording:contains('may send me offers and news by e-mail')",
        },
        {
            content: "Leave an e-mail address",
            trigger: "input[name=email]",
            run: "edit hanna@example.com",
        },
        {
            content: "Agree",
            trigger: "input[name=agree]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: "button[type=submit]",
            run: "click",
        },
        {
            content: "A confirmation e-mail is on its way (double opt-in)",
            trigger: ".o_social_crm_consent_done[data-step=check]:contains('hanna@example.com')",
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_consent_confirm_tour", {
    steps: () => [
        {
            content: "The link in the e-mail shows what is confirmed, and records nothing yet",
            trigger: ".o_social_crm_consent_confirm:contains('hanna@example.com')",
        },
        {
            content: "Press Confirm",
            trigger: "form[action^='/social_crm/consent/confirm/'] button[type=submit]",
            run: "click",
        },
        {
            content: "The consent is recorded",
            trigger: ".o_social_crm_consent_done[data-step=done]",
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_consent_lead_tour", {
    steps: () => [
        {
            content: "The agent sees the consent",
            trigger: ".o_field_widget[name=identity_consent]:contains('Granted')",
        },
        {
            content: "No need to ask again",
            trigger: ".o_form_view:not(:has(button[name=action_ask_consent_preview]))",
        },
        {
            content: "Create a lead",
            trigger: "button[name=action_create_lead]",
            run: "click",
        },
        {
            content: "The lead may be contacted for marketing",
            trigger: ".o_field_widget[name=social_crm_marketing_ok] input:checked",
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_photo_rights_tour", {
    steps: () => [
        {
            content: "The new entry shows its photo in the entries board",
            trigger: ".o_kanban_record:contains('tour_photographer') img[src$='tour-coat.jpg']",
            run: "click",
        },
        {
            content: "Ask the author for the rights",
            trigger: "button[name=action_request_rights]:contains('Ask for the rights')",
            run: "click",
        },
        {
            content: "The request went out",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Rights requested')",
        },
        {
            content: "and the wording sent is kept as evidence",
            trigger: ".o_field_widget[name=request_wording]:contains('#ok_tourlooks')",
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_review_page_tour", {
    steps: () => [
        {
            content: "Give two stars",
            trigger: "input[name=rating][value='2']",
            run: "click",
        },
        {
            content: "Say what went wrong",
            trigger: "textarea[name=text]",
            run: "edit The delivery was a week late.",
        },
        {
            content: "Publish",
            trigger: "button[type=submit]",
            run: "click",
        },
        {
            content: "A low score is published like any other",
            trigger: ".o_social_crm_review_done[data-state=published]",
        },
        {
            content: "and it is on the public page",
            trigger: "a:contains('All reviews')",
            run: "click",
        },
        {
            content: "with the text",
            trigger: ".o_social_crm_review[data-rating='2']:contains('The delivery was a week late.')",
        },
    ],
});
