/** @odoo-module **/
import {TextField, textField} from "@web/views/fields/text/text_field";
import {registry} from "@web/core/registry";
import {withLengthCounter} from "../chatter/typed_text.esm";

/**
 * A planned post's text for one account, with a live length counter: the
 * platform's limit counted the way the platform counts (the server checks
 * the same before publishing: connectors/length.py).
 */
export class PostCountedField extends withLengthCounter(TextField, "max_length", "length_rule") {
    static template = "social_crm.PostCountedField";
}

registry
    .category("fields")
    .add("social_crm_post_counted", {...textField, component: PostCountedField});
