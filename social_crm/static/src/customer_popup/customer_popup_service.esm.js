/** @odoo-module **/
/**
 * Pops up a notification when a known customer posts.
 *
 * The server pushes "social_crm/customer_post" to the agents of the
 * conversation's team (or of its company when it has no team) and to the
 * customer's salesperson (res.users._bus_send). Who may not open the
 * conversation gets no conversation_id: the button opens the contact. The
 * post text is shown as plain text: the notification service escapes strings.
 */
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

export const customerPopupService = {
    dependencies: ["bus_service", "notification", "action"],
    start(env, {bus_service, notification, action}) {
        bus_service.subscribe("social_crm/customer_post", (payload) => {
            const close = notification.add(payload.text, {
                title: payload.title,
                type: "info",
                sticky: true,
                className: "o_social_crm_customer_popup",
                buttons: [
                    {
                        name: _t("Open"),
                        primary: true,
                        onClick: () => {
                            close();
                            action.doAction({
                                type: "ir.actions.act_window",
                                res_model: payload.conversation_id
                                    ? "social_crm.conversation"
                                    : "res.partner",
                                res_id: payload.conversation_id || payload.partner_id,
                                views: [[false, "form"]],
                                target: "current",
                            });
                        },
                    },
                    ...(payload.channel_id
                        ? [
                              {
                                  name: _t("Open in Discuss"),
                                  onClick: () => {
                                      close();
                                      const activeId = `discuss.channel_${payload.channel_id}`;
                                      action.doAction({
                                          type: "ir.actions.client",
                                          tag: "mail.action_discuss",
                                          context: {active_id: activeId},
                                          params: {active_id: activeId},
                                      });
                                  },
                              },
                          ]
                        : []),
                ],
            });
        });
        bus_service.start();
    },
};

registry.category("services").add("social_crm_customer_popup", customerPopupService);
