/** @odoo-module **/
import {Composer} from "@mail/core/common/composer";
import {cleanTerm} from "@mail/utils/common/format";
import {patch} from "@web/core/utils/patch";
import {SuggestionService} from "@mail/core/common/suggestion_service";
import {toRaw} from "@odoo/owl";

const TYPE = "social_crm";

/**
 * Reply templates as ":" suggestions in a social thread's composer: our own
 * provider (Odoo's canned responses are plain text), each template rendered
 * for the poster by the server (social_crm_render_template's rendering).
 */
patch(SuggestionService.prototype, {
    async fetchSuggestions(params, options = {}) {
        const thread = toRaw(options.thread);
        if (params.delimiter !== ":" || thread?.channel_type !== TYPE) {
            return super.fetchSuggestions(...arguments);
        }
        const info = thread.socialCrmInfo;
        if (info && !thread.socialCrmRendered) {
            thread.socialCrmRendered = await this.orm.silent.call(
                "social_crm.conversation",
                "social_crm_rendered_templates",
                [[info.conversation_id]]
            );
        }
    },
    searchSuggestions(params, options = {}) {
        const thread = toRaw(options.thread);
        if (params.delimiter !== ":" || thread?.channel_type !== TYPE) {
            return super.searchSuggestions(...arguments);
        }
        const term = cleanTerm(params.term);
        const suggestions = (thread.socialCrmRendered || [])
            .filter((t) => cleanTerm(t.name).includes(term))
            .map((t) => ({
                id: t.id,
                source: t.name,
                substitution: t.text,
                socialCrmTemplate: true,
            }));
        return {type: "mail.canned.response", suggestions};
    },
});

patch(Composer.prototype, {
    get postData() {
        const data = super.postData;
        const composer = toRaw(this.props.composer);
        // our templates are no canned responses: do not count them as used
        data.cannedResponseIds = (composer.cannedResponses || [])
            .filter((c) => !c.socialCrmTemplate)
            .map((c) => c.id);
        return data;
    },
});
