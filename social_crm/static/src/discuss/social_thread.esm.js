/** @odoo-module **/
import {Composer} from "@mail/core/common/composer";
import {Discuss} from "@mail/core/public_web/discuss";
import {DiscussApp} from "@mail/core/public_web/discuss_app_model";
import {Record} from "@mail/core/common/record";
import {Thread} from "@mail/core/common/thread_model";
import {_t} from "@web/core/l10n/translation";
import {deserializeDateTime} from "@web/core/l10n/dates";
import {patch} from "@web/core/utils/patch";
import {rpc} from "@web/core/network/rpc";
import {SpreadSparkline} from "../spread/spread_sparkline.esm";
import {textLength} from "../chatter/length.esm";
import {threadActionsRegistry} from "@mail/core/common/thread_actions";
import {toRaw} from "@odoo/owl";

const {DateTime} = luxon;
const TYPE = "social_crm";
const CONVERSATION = "social_crm.conversation";

/**
 * Discuss is a place to work: a "Social" category in the sidebar lists the
 * threads of the agent's social conversations (one per conversation, of
 * channel type "social_crm"); the thread's composer has an explicit toggle
 * between "Send" (to the poster on the platform) and "Log note" (internal).
 */
patch(DiscussApp.prototype, {
    setup(env) {
        super.setup(env);
        this.socialCrmCategory = Record.one("DiscussAppCategory", {
            compute() {
                return {
                    extraClass: "o_social_crm_category",
                    icon: "fa fa-share-alt",
                    hideWhenEmpty: false,
                    id: "social_crm.category",
                    name: _t("Social"),
                    sequence: 5,
                };
            },
        });
        this.socialCrmThreads = Record.many("Thread", {inverse: "appAsSocialCrm"});
    },
});

patch(Thread.prototype, {
    setup() {
        super.setup(...arguments);
        this.appAsSocialCrm = Record.one("DiscussApp", {
            compute() {
                return this.channel_type === TYPE ? this.store.discuss : null;
            },
        });
        /** what the composer does with the next message: "send" or "note" */
        this.socialCrmMode = "send";
    },
    _computeDiscussAppCategory() {
        if (this.channel_type === TYPE) {
            return this.appAsSocialCrm?.socialCrmCategory;
        }
        return super._computeDiscussAppCategory();
    },
    get canLeave() {
        return this.channel_type !== TYPE && super.canLeave;
    },
    get canUnpin() {
        return this.channel_type !== TYPE && super.canUnpin;
    },
    get hasMemberList() {
        return this.channel_type !== TYPE && super.hasMemberList;
    },
    get allowCalls() {
        return this.channel_type !== TYPE && super.allowCalls;
    },
    get socialCrmInfo() {
        return this.channel_type === TYPE ? this.social_crm || null : null;
    },
    /** the conversation's spread: {velocity, points} (points empty if untracked) */
    get socialCrmSpread() {
        return this.channel_type === TYPE ? this.social_crm_spread || null : null;
    },
});

// the social thread's header shows how fast the conversation spreads
Discuss.components = {...Discuss.components, SpreadSparkline};

patch(Composer.prototype, {
    get socialCrmChannel() {
        const thread = this.props.composer?.thread;
        return thread?.channel_type === TYPE && !this.props.composer.message ? thread : null;
    },
    get socialCrmSendMode() {
        return this.socialCrmChannel?.socialCrmMode === "send";
    },
    /** Meta's 24-hour window, as the server said; passed once its end is
     * (checked again at each render, e.g. while the agent types). */
    get socialCrmWindow() {
        const info = this.socialCrmChannel?.social_crm_reply_window;
        if (!info) {
            return null;
        }
        if (info.open && info.ends_at && deserializeDateTime(info.ends_at) <= DateTime.now()) {
            return {open: false, text: info.passed_text};
        }
        return info;
    },
    socialCrmSetMode(mode) {
        this.socialCrmChannel.socialCrmMode = mode;
    },
    get socialCrmTarget() {
        const info = this.socialCrmChannel?.socialCrmInfo;
        if (!info) {
            return "";
        }
        const who = info.handle ? `@${info.handle}` : info.poster || _t("the poster");
        return info.private
            ? _t("Private message to %(who)s on %(platform)s", {who, platform: info.platform_label})
            : _t("Public reply to %(who)s on %(platform)s", {who, platform: info.platform_label});
    },
    get socialCrmChannelLength() {
        const info = this.socialCrmChannel?.socialCrmInfo;
        return info ? textLength(this.props.composer.text, info.length_rule) : 0;
    },
    get socialCrmChannelTooLong() {
        const info = this.socialCrmChannel?.socialCrmInfo;
        return Boolean(
            this.socialCrmSendMode &&
                info?.max_length &&
                this.socialCrmChannelLength > info.max_length
        );
    },
    get isSendButtonDisabled() {
        return super.isSendButtonDisabled || this.socialCrmChannelTooLong;
    },
    get placeholder() {
        if (this.socialCrmChannel && !this.props.placeholder) {
            return this.socialCrmSendMode
                ? `${this.socialCrmTarget}…`
                : _t("Log an internal note: it stays in Odoo…");
        }
        return super.placeholder;
    },
    async processMessage(cb) {
        if (!this.socialCrmChannel) {
            return super.processMessage(cb);
        }
        try {
            return await super.processMessage(cb);
        } finally {
            // refused: the text stays, and so does a usable composer
            this.state.active = true;
        }
    },
    async _sendMessage(value, postData, extraData) {
        const thread = toRaw(this.socialCrmChannel);
        if (!thread || !this.socialCrmSendMode) {
            // a note: the server stores anything without the explicit flag as one
            return super._sendMessage(value, postData, extraData);
        }
        // a send waits for the platform: a refusal raises and keeps the text
        const params = await this.store.getMessagePostParams({body: value, postData, thread});
        params.post_data.social_crm_send = true;
        const data = await rpc("/mail/message/post", params);
        const {Message: messages = []} = this.store.insert(data, {html: true});
        if (messages[0]) {
            thread.messages.add(messages[0]);
        }
        this.suggestion?.clearRawMentions();
    },
    async socialCrmPickChannelTemplate(ev) {
        const templateId = parseInt(ev.target.value, 10);
        ev.target.value = "";
        const info = this.socialCrmChannel?.socialCrmInfo;
        if (!templateId || !info) {
            return;
        }
        this.props.composer.text = await this.env.services.orm.call(
            CONVERSATION,
            "social_crm_render_template",
            [[info.conversation_id], templateId]
        );
    },
});

threadActionsRegistry.add("social-crm-card", {
    condition(component) {
        return component.thread?.channel_type === TYPE && component.thread.socialCrmInfo;
    },
    icon: "fa fa-fw fa-id-card-o",
    iconLarge: "fa fa-fw fa-lg fa-id-card-o",
    name: _t("Customer card"),
    open(component) {
        component.env.services.action.doAction({
            type: "ir.actions.act_window",
            res_model: CONVERSATION,
            res_id: component.thread.socialCrmInfo.conversation_id,
            views: [[false, "form"]],
            target: "current",
        });
    },
    sequence: 5,
    sequenceGroup: 5,
});
