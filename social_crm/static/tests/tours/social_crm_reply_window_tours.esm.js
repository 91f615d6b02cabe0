/** @odoo-module **/
import {registry} from "@web/core/registry";

const PASSED =
    "The 24-hour window has passed: Facebook no longer accepts a private reply. Reply publicly or wait for their next message.";

/* Meta's 24-hour window is in the thread before the agent types, and an
   e-mailed reply is visibly not sent. */
registry.category("web_tour.tours").add("social_crm_reply_window_tour", {
    steps: () => [
        {
            content: "Open the Messenger conversation that is still in its window",
            trigger: ".o-mail-DiscussSidebarChannel:contains('Kan ik nog ruilen')",
            run: "click",
        },
        {
            content: "The composer says until when a private reply is possible",
            trigger: ".o_social_crm_reply_window:not(.o_social_crm_reply_window_passed):contains('You can reply privately until'):contains('h left')",
        },
        {
            content: "Open the one whose window has passed",
            trigger: ".o-mail-DiscussSidebarChannel:contains('Waar blijft mijn bon')",
            run: "click",
        },
        {
            content: "It says so plainly, before anything is typed",
            trigger: `.o_social_crm_reply_window_passed:contains('${PASSED}')`,
        },
        {
            content: "The reply an agent e-mailed in is marked as not sent",
            // (an e-mail's body is shown in a shadow root: :contains() cannot see it)
            trigger: ".o-mail-Message:contains('Wanda Window') .o_social_crm_email_badge",
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_reply_window_form_tour", {
    steps: () => [
        {
            content: "The conversation form says the window has passed, above the reply box",
            trigger: `.o_social_crm_reply_window_passed:contains('${PASSED}')`,
        },
    ],
});
