/** @odoo-module **/
import {registry} from "@web/core/registry";

const SENT = "Your parcel left our warehouse today.";
const NOTE = "Checked the tracking: fine.";

registry.category("web_tour.tours").add("social_crm_chatter_send_tour", {
    steps: () => [
        {
            content: "The thread says it is public",
            trigger: ".o_field_widget[name='channel'] .badge:contains('Public')",
        },
        {
            content: "Open the chatter's Send message",
            trigger: "button.o-mail-Chatter-sendMessage",
            run: "click",
        },
        {
            content: "The composer says where it goes",
            trigger: ".o_social_crm_composer_target:contains('Public reply to @poster_tour on Demo')",
        },
        {
            content: "Pick a reply template",
            trigger: ".o_social_crm_template_picker",
            run() {
                const option = [...this.anchor.options].find((o) =>
                    o.text.includes("Thanks (English)")
                );
                this.anchor.value = option.value;
                this.anchor.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            content: "It is rendered for the poster",
            trigger: ".o-mail-Composer-input:value(/thank you for your message/)",
        },
        {
            content: "Write the reply",
            trigger: ".o-mail-Composer-input",
            run: `edit ${SENT}`,
        },
        {
            content: "The counter counts it live",
            trigger: `.o_social_crm_counter:contains('${SENT.length} / 500')`,
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "It shows in the chatter",
            trigger: `.o-mail-Message-body:contains('${SENT}')`,
        },
        {
            content: "and in the posts",
            trigger: `.o_field_widget[name=post_ids] .o_data_row:contains('${SENT}')`,
        },
        {
            content: "Now a note",
            trigger: "button.o-mail-Chatter-logNote",
            run: "click",
        },
        {
            content: "The composer says it stays internal",
            trigger: ".o_social_crm_composer_note",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: `edit ${NOTE}`,
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The note is in the chatter",
            trigger: `.o-mail-Message-body:contains('${NOTE}')`,
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_chatter_too_long_tour", {
    steps: () => [
        {
            trigger: ".o_field_widget[name=reply_draft] textarea",
            run: `edit ${"x".repeat(501)}`,
        },
        {
            content: "The reply box counts past the limit",
            trigger: ".o_social_crm_reply_counter.text-danger:contains('501 / 500')",
        },
        {
            trigger: "button.o-mail-Chatter-sendMessage",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: `edit ${"y".repeat(501)}`,
        },
        {
            content: "Send is off while too long",
            trigger: ".o_social_crm_counter.text-danger:contains('501 / 500')",
        },
        {
            trigger: ".o-mail-Composer-send:disabled",
        },
        {
            content: "Leave the draft unsaved",
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
    ],
});
