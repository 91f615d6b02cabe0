/** @odoo-module **/
import {ReplyField} from "../triage/reply_field.esm";
import {registry} from "@web/core/registry";
import {useTypedText} from "./typed_text.esm";
import {textField} from "@web/views/fields/text/text_field";
import {textLength} from "./length.esm";

/**
 * The reply box with a live length counter: the platform's limit, counted
 * the way the platform counts (the server checks the same before sending).
 */
export class CountedReplyField extends ReplyField {
    static template = "social_crm.CountedReplyField";

    setup() {
        super.setup();
        this.typedText = useTypedText(this);
    }

    get shownText() {
        return this.typedText();
    }

    get maxLength() {
        return this.props.record.data.reply_max_length || 0;
    }

    get length() {
        return textLength(this.shownText, this.props.record.data.reply_length_rule || "chars");
    }
}

registry
    .category("fields")
    .add("social_crm_reply_counted", {...textField, component: CountedReplyField});
