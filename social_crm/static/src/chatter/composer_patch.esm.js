/** @odoo-module **/
import {onMounted, useState} from "@odoo/owl";
import {Composer} from "@mail/core/common/composer";
import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";
import {textLength} from "./length.esm";
import {useService} from "@web/core/utils/hooks";

const CONVERSATION = "social_crm.conversation";

/**
 * One composer, two meanings, always explicit: in a social conversation's
 * chatter, "Send message" says where it goes ("Public reply to @anna on
 * X"), counts the platform's length live and offers the reply templates;
 * "Log note" says it stays in Odoo. A refused send keeps the text and the
 * composer usable.
 */
patch(Composer.prototype, {
    setup() {
        super.setup(...arguments);
        this.socialCrm = useState({info: null});
        this.socialCrmOrm = useService("orm");
        onMounted(() => this.socialCrmLoad());
    },

    get socialCrmThread() {
        const thread = this.props.composer?.thread;
        return thread?.model === CONVERSATION && thread.id && !this.props.composer.message
            ? thread
            : null;
    },

    async socialCrmLoad() {
        const thread = this.socialCrmThread;
        if (!thread) {
            return;
        }
        this.socialCrm.info = await this.socialCrmOrm.call(
            CONVERSATION,
            "social_crm_composer_info",
            [[thread.id]]
        );
    },

    get socialCrmSends() {
        return Boolean(this.socialCrm.info) && this.props.type === "message";
    },

    get socialCrmLength() {
        const info = this.socialCrm.info;
        return info ? textLength(this.props.composer.text, info.length_rule) : 0;
    },

    get socialCrmCounterTitle() {
        return this.socialCrmTooLong
            ? _t("Too long for this platform: shorten it")
            : _t("Characters, as the platform counts them");
    },

    get socialCrmTooLong() {
        const info = this.socialCrm.info;
        return this.socialCrmSends && info.max_length && this.socialCrmLength > info.max_length;
    },

    get placeholder() {
        const info = this.socialCrm?.info;
        if (info && !this.props.placeholder) {
            return this.props.type === "note"
                ? _t("Log an internal note: it stays in Odoo…")
                : `${info.label}…`;
        }
        return super.placeholder;
    },

    get isSendButtonDisabled() {
        return super.isSendButtonDisabled || Boolean(this.socialCrmTooLong);
    },

    async processMessage(cb) {
        if (!this.socialCrm.info) {
            return super.processMessage(cb);
        }
        try {
            return await super.processMessage(cb);
        } finally {
            // refused: the text stays, and so does a usable composer
            this.state.active = true;
        }
    },

    async socialCrmPickTemplate(ev) {
        const templateId = parseInt(ev.target.value, 10);
        ev.target.value = "";
        if (!templateId || !this.socialCrmThread) {
            return;
        }
        this.props.composer.text = await this.socialCrmOrm.call(
            CONVERSATION,
            "social_crm_render_template",
            [[this.socialCrmThread.id], templateId]
        );
    },
});
