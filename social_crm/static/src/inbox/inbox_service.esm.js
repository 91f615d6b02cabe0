/** @odoo-module **/
/**
 * Live inbox: the server sends "social_crm.inbox" to the agents of a
 * company when its conversations are created or change. This service
 * relays it on its own bus; the inbox views reload when they hear it.
 * Only conversation ids travel: the views reload with the user's rights.
 */
import {EventBus} from "@odoo/owl";
import {registry} from "@web/core/registry";

export const INBOX_NOTIFICATION = "social_crm.inbox";

export const inboxService = {
    dependencies: ["bus_service"],
    start(env, {bus_service}) {
        const bus = new EventBus();
        bus_service.subscribe(INBOX_NOTIFICATION, (payload) => {
            bus.trigger("update", payload);
        });
        bus_service.start();
        return {bus};
    },
};

registry.category("services").add("social_crm_inbox", inboxService);
