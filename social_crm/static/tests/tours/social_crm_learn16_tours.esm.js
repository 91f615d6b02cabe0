/** @odoo-module **/
import {registry} from "@web/core/registry";

/** An agent corrects an intent with one click in the inbox, then on the post. */
registry.category("web_tour.tours").add("social_crm_correct_intent_tour", {
    url: "/odoo/social-inbox",
    steps: () => [
        {
            content: "The conversation is read as a question",
            trigger: ".o_kanban_record:contains('Learn16 blank screen') .o_social_crm_label_toggle:contains('Question')",
            run: "click",
        },
        {
            content: "One click: it is a complaint",
            trigger: ".dropdown-menu .o_social_crm_label_complaint",
            run: "click",
        },
        {
            content: "The inbox shows the new label",
            trigger: ".o_kanban_record:contains('Learn16 blank screen') .o_social_crm_label_toggle:contains('Complaint')",
        },
        {
            content: "Open the conversation",
            trigger: ".o_kanban_record:contains('Learn16 blank screen')",
            run: "click",
        },
        {
            content: "Its post carries the corrected intent too; correct its sentiment",
            trigger: ".o_field_x2many_list .o_data_row:contains('Learn16 blank screen') [name='sentiment'] .o_social_crm_label_toggle",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .o_social_crm_label_negative",
            run: "click",
        },
        {
            content: "The post shows the new labels",
            trigger: ".o_field_x2many_list .o_data_row:contains('Learn16 blank screen') [name='sentiment'] .o_social_crm_label_toggle:contains('Negative')",
        },
        {
            trigger: ".o_field_x2many_list .o_data_row:contains('Learn16 blank screen') [name='intent'] .o_social_crm_label_toggle:contains('Complaint')",
        },
    ],
});

/** The same one click in the Discuss social thread. */
registry.category("web_tour.tours").add("social_crm_correct_intent_discuss_tour", {
    steps: () => [
        {
            content: "Open the social thread",
            trigger: ".o-mail-DiscussSidebarChannel:contains('Learn16 Discuss blank screen')",
            run: "click",
        },
        {
            content: "The thread shows the intent: a question",
            trigger: ".o_social_crm_discuss_labels .o_social_crm_label_intent:contains('Question')",
            run: "click",
        },
        {
            content: "One click: it is a complaint",
            trigger: ".dropdown-menu .o_social_crm_label_complaint",
            run: "click",
        },
        {
            content: "The thread shows the new label",
            trigger: ".o_social_crm_discuss_labels .o_social_crm_label_intent:contains('Complaint')",
        },
    ],
});
