/** @odoo-module **/
import {registry} from "@web/core/registry";

const TITLE = "Spreading parcel complaint";

registry.category("web_tour.tours").add("social_crm_spread_discuss_tour", {
    steps: () => [
        {
            content: "Open the spreading conversation's thread",
            trigger: `.o-mail-DiscussSidebarChannel:contains('${TITLE}')`,
            run: "click",
        },
        {
            content: "The thread header shows how fast it spreads: a sparkline and the velocity",
            trigger:
                ".o-mail-Discuss-header .o_social_crm_discuss_spread .o_social_crm_spread_sparkline polyline",
        },
        {
            content: "with the velocity of the last interval",
            trigger: ".o-mail-Discuss-header .o_social_crm_spread_velocity:contains('420 /h')",
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_spread_form_tour", {
    steps: () => [
        {
            content: "The conversation form shows the sparkline",
            trigger: ".o_form_view .o_field_social_crm_spread_sparkline .o_social_crm_spread_sparkline polyline",
        },
        {
            content: "and the velocity",
            trigger: ".o_form_view .o_social_crm_spread_velocity:contains('420 /h')",
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_spread_inbox_tour", {
    steps: () => [
        {
            content: "The inbox list has a spread column",
            trigger: ".o_list_view th[data-name='spread_velocity']",
            run: "click",
        },
        {
            content: "Sorted by spread, slowest first: click again for the fastest first",
            trigger: ".o_list_view th[data-name='spread_velocity'] .fa-angle-up",
            run: "click",
        },
        {
            content: "Fastest first",
            trigger: ".o_list_view th[data-name='spread_velocity'] .fa-angle-down:not(.opacity-0)",
        },
        {
            content: "The fastest spreading conversation comes first",
            trigger: `.o_list_view .o_data_row:first-child:contains('${TITLE}')`,
        },
    ],
});
