/** @odoo-module **/
/* global luxon */
import {registry} from "@web/core/registry";

const TEXT = "Tour: kerstactie bij Hollandia!";

registry.category("web_tour.tours").add("social_crm_publish17", {
    steps: () => [
        {
            content: "The planned posts open in the calendar; switch to the list",
            trigger: ".o_calendar_view",
        },
        {
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Plan a new post",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Write it",
            trigger: ".o_field_widget[name=text] textarea",
            run: `edit ${TEXT}`,
        },
        {
            content: "Choose the demo account",
            trigger: ".o_field_widget[name=account_ids] input",
            run: "edit Tour demo",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour demo store')",
            run: "click",
        },
        {
            content: "Its line counts the text as the platform does",
            trigger: `.o_field_widget[name=line_ids] .o_data_row:contains('Tour demo store') .o_social_crm_post_counter:contains('${TEXT.length} / 500')`,
        },
        {
            content: "Publish it in an hour",
            trigger: ".o_field_widget[name=scheduled_at] input",
            run: async (helpers) => {
                const when = luxon.DateTime.now().plus({hours: 1}).toFormat("MM/dd/yyyy HH:mm:ss");
                await helpers.edit(when);
                await helpers.press("Enter");
            },
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Schedule it",
            trigger: ".o_form_saved button[name=action_schedule]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Scheduled')",
        },
        {
            content: "Back to the planned posts",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            trigger: ".o_switch_view.o_calendar",
            run: "click",
        },
        {
            content: "It is in the calendar",
            trigger: `.o_calendar_view .fc-event:contains('${TEXT}')`,
        },
        {
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open it",
            trigger: `.o_data_row:contains('${TEXT}') .o_data_cell`,
            run: "click",
        },
        {
            content: "Publish it now",
            trigger: "button[name=action_publish_now]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "It is published",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('Posted')",
        },
    ],
});
