/** @odoo-module **/
import {TextField, textField} from "@web/views/fields/text/text_field";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useEffect} from "@odoo/owl";
import {useService} from "@web/core/utils/hooks";

const LOCK_EVERY_MS = 60 * 1000;

/**
 * The reply box: while the agent types, it tells the server (at most once a
 * minute) so that a colleague who opens the same conversation sees who is
 * answering, and cannot send over it by accident.
 */
export class ReplyField extends TextField {
    setup() {
        super.setup();
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.lockedAt = 0;
        useEffect(
            (el) => {
                if (!el) {
                    return;
                }
                const onInput = () => this.lock();
                el.addEventListener("input", onInput);
                return () => el.removeEventListener("input", onInput);
            },
            () => [this.textareaRef.el]
        );
    }

    async lock() {
        const resId = this.props.record.resId;
        const now = Date.now();
        if (!resId || now - this.lockedAt < LOCK_EVERY_MS) {
            return;
        }
        this.lockedAt = now;
        const holder = await this.orm.call("social_crm.conversation", "action_lock_reply", [
            [resId],
        ]);
        if (holder) {
            this.notification.add(_t("%s is already replying to this conversation.", holder), {
                type: "warning",
            });
        }
    }
}

registry.category("fields").add("social_crm_reply", {...textField, component: ReplyField});
