/** @odoo-module **/
import {registry} from "@web/core/registry";
import {rpc} from "@web/core/network/rpc";

registry.category("web_tour.tours").add("social_crm_live_inbox_tour", {
    url: "/odoo/social-inbox",
    steps: () => [
        {
            content: "The agent has the inbox open",
            trigger: ".o_kanban_record:contains('First question from Jan')",
            run() {
                window.socialCrmNoReload = true; // gone if the page reloads
            },
        },
        {
            content: "Search a handle (with its @)",
            trigger: ".o_searchview_input",
            run: "edit @yesican",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "The handle is searched as a person",
            trigger: ".o_searchview_facet:contains('Person'):contains('@yesican')",
            // a search is a server round trip: on a loaded CI machine it has
            // been seen to take longer than the default 10 s
            timeout: 30000,
        },
        {
            content: "Nothing matches yet, and the inbox says so (not 'no conversations yet')",
            trigger: ".o_view_nocontent .o_social_crm_no_match",
            timeout: 30000,
            run() {
                if (document.querySelector(".o_view_nocontent").textContent.includes("No conversations yet")) {
                    throw new Error("an empty search is shown as an empty inbox");
                }
            },
        },
        {
            content: "The customer posts (the stream is pulled, as the cron would)",
            trigger: ".o_social_crm_no_match",
            async run() {
                const [stream] = await rpc("/web/dataset/call_kw/social_crm.stream/search_read", {
                    model: "social_crm.stream",
                    method: "search_read",
                    args: [[["name", "=", "Live inbox stream"]]],
                    kwargs: {fields: ["id"]},
                });
                await rpc("/web/dataset/call_kw/social_crm.stream/action_sync_now", {
                    model: "social_crm.stream",
                    method: "action_sync_now",
                    args: [[stream.id]],
                    kwargs: {},
                });
                // The test server runs no bus dispatcher (no LISTEN/NOTIFY in
                // tests): ask the websocket for what is new, as a running
                // server pushes it by itself; again every second, in case the
                // socket was still (re)connecting on a busy machine.
                const bus = odoo.__WOWL_DEBUG__.root.env.services.bus_service;
                bus.forceUpdateChannels();
                window.socialCrmBusPoll = setInterval(() => bus.forceUpdateChannels(), 1000);
            },
        },
        {
            content: "The new post appears in the open inbox, without a reload",
            trigger: ".o_kanban_record:contains('wasmachine')",
            timeout: 30000, // a sync, then the bus; slow on a loaded machine
            run() {
                clearInterval(window.socialCrmBusPoll);
                if (!window.socialCrmNoReload) {
                    throw new Error("the page was reloaded");
                }
                if (document.querySelector(".o_view_nocontent")) {
                    throw new Error("the no-content helper is still shown");
                }
                const cards = document.querySelectorAll(".o_kanban_record:not(.o_kanban_ghost)");
                if ([...cards].some((card) => card.textContent.includes("First question from Jan"))) {
                    throw new Error("the agent's search was dropped by the reload");
                }
            },
        },
        {
            content: "The search is kept",
            trigger: ".o_searchview_facet:contains('@yesican')",
        },
        {
            content: "Take it from the card",
            trigger: ".o_kanban_record:contains('wasmachine') button[name=action_assign_to_me]",
            run: "click",
        },
        {
            content: "Assigning opens the conversation, in progress",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Open')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=user_id] input:value(Liv Live)",
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_empty_inbox_tour", {
    url: "/odoo/social-inbox",
    steps: () => [
        {
            content: "An inbox without any conversation invites to connect an account",
            trigger: ".o_view_nocontent:contains('No conversations yet')",
            run() {
                if (document.querySelector(".o_social_crm_no_match")) {
                    throw new Error("an empty inbox is shown as a failed search");
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_other_open_tour", {
    url: "/odoo/social-inbox",
    steps: () => [
        {
            content: "The card says the person has another open conversation",
            trigger:
                ".o_kanban_record:contains('Comment A from Tom') .o_social_crm_other_open:contains('+1 other open')",
            run: "click",
        },
        {
            content: "The form lists it",
            trigger: "div.o_social_crm_other_open .o_data_row:contains('Comment B from Tom')",
        },
        {
            content: "Merge them",
            trigger: "button[name=action_merge_other_open]",
            run: "click",
        },
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Both comments are in the older conversation now",
            trigger: ".o_field_widget[name=post_ids] .o_data_row:contains('Comment B from Tom')",
        },
        {
            trigger: ".o_form_view:not(:has(div.o_social_crm_other_open))",
        },
    ],
});
