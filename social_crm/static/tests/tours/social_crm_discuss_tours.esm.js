/** @odoo-module **/
import {registry} from "@web/core/registry";

const SENT = "It ships today, Dana!";
const NOTE = "Checked the warehouse: parcel is packed.";

registry.category("web_tour.tours").add("social_crm_discuss_tour", {
    steps: () => [
        {
            content: "Discuss has a Social category",
            trigger: ".o_social_crm_category:contains('Social')",
        },
        {
            content: "with the new post's conversation, its platform and poster's handle",
            trigger:
                ".o-mail-DiscussSidebarChannel:contains('Where is my Discuss parcel') .o_social_crm_handle:contains('@dana_discuss')",
        },
        {
            content: "unread, with its count",
            trigger:
                ".o-mail-DiscussSidebarChannel:contains('Where is my Discuss parcel') .o_social_crm_unread:contains('1')",
        },
        {
            content: "Open its thread",
            trigger: ".o-mail-DiscussSidebarChannel:contains('Where is my Discuss parcel')",
            run: "click",
        },
        {
            content: "The post is there, by the poster",
            trigger:
                ".o-mail-Message:contains('Where is my Discuss parcel') .o-mail-Message-author:contains('Dana')",
        },
        {
            content: "The composer sends to the poster by default, and says where",
            trigger: ".o_social_crm_composer_target:contains('Public reply to @dana_discuss on Demo')",
        },
        {
            content: "Type ':' and a reply template's name",
            trigger: ".o-mail-Composer-input",
            run: "edit :Thanks",
        },
        {
            content: "Our templates are suggested",
            trigger: ".o-mail-Composer-suggestion:contains('Thanks (English)')",
            run: "click",
        },
        {
            content: "and rendered for the poster",
            trigger: ".o-mail-Composer-input:value(/thank you for your message/)",
        },
        {
            content: "Write the answer",
            trigger: ".o-mail-Composer-input",
            run: `edit ${SENT}`,
        },
        {
            content: "The platform's length is counted live",
            trigger: `.o_social_crm_channel_counter:contains('${SENT.length} / 500')`,
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The thread shows it as sent",
            trigger: `.o-mail-Message:contains('${SENT}') .o_social_crm_sent_badge`,
        },
        {
            content: "Switch to Log note",
            trigger: ".o_social_crm_mode_note",
            run: "click",
        },
        {
            content: "The composer says it stays internal",
            trigger: ".o_social_crm_composer_note:contains('Internal note')",
        },
        {
            content: "Write the note",
            trigger: ".o-mail-Composer-input",
            run: `edit ${NOTE}`,
        },
        {
            content: "Log it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The thread shows it as an internal note",
            trigger: `.o-mail-Message:contains('${NOTE}') .o_social_crm_note_badge`,
        },
    ],
});
