/** @odoo-module **/
import {Composer} from "@mail/core/common/composer";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {DropdownItem} from "@web/core/dropdown/dropdown_item";
import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";
import {toRaw} from "@odoo/owl";

/**
 * The Discuss social thread shows the conversation's intent and sentiment;
 * one click on either corrects it (on the conversation's latest received
 * post, which the company's classifier learns from).
 */
Composer.components = {...Composer.components, Dropdown, DropdownItem};

patch(Composer.prototype, {
    get socialCrmLabels() {
        const thread = this.props.composer?.thread;
        if (thread?.channel_type !== "social_crm" || this.props.composer.message) {
            return null;
        }
        return thread.social_crm_labels || null;
    },
    socialCrmLabelName(field, value) {
        const choice = (this.socialCrmLabels?.choices?.[field] || []).find(
            (c) => c.value === value
        );
        return choice ? choice.label : value || _t("Not set");
    },
    async socialCrmCorrect(field, value) {
        const thread = toRaw(this.props.composer.thread);
        const labels = this.socialCrmLabels;
        if (!labels || labels[field] === value) {
            return;
        }
        await this.env.services.orm.call(
            "social_crm.conversation",
            "action_social_crm_correct",
            [[thread.social_crm.conversation_id], field, value]
        );
        thread.social_crm_labels = {...labels, [field]: value};
        this.env.services.notification.add(
            _t("Corrected: your team's classifier learns from it."),
            {type: "success"}
        );
    },
});
