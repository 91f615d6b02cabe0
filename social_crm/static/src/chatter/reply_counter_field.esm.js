/** @odoo-module **/
import {ReplyField} from "../triage/reply_field.esm";
import {registry} from "@web/core/registry";
import {textField} from "@web/views/fields/text/text_field";
import {withLengthCounter} from "./typed_text.esm";

/**
 * The reply box with a live length counter: the platform's limit, counted
 * the way the platform counts (the server checks the same before sending).
 */
export class CountedReplyField extends withLengthCounter(
    ReplyField,
    "reply_max_length",
    "reply_length_rule"
) {
    static template = "social_crm.CountedReplyField";
}

registry
    .category("fields")
    .add("social_crm_reply_counted", {...textField, component: CountedReplyField});
