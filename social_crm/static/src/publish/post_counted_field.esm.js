/** @odoo-module **/
import {TextField, textField} from "@web/views/fields/text/text_field";
import {registry} from "@web/core/registry";
import {useTypedText} from "../chatter/typed_text.esm";
import {textLength} from "../chatter/length.esm";

/**
 * A planned post's text for one account, with a live length counter: the
 * platform's limit counted the way the platform counts (the server checks
 * the same before publishing: connectors/length.py).
 */
export class PostCountedField extends TextField {
    static template = "social_crm.PostCountedField";

    setup() {
        super.setup();
        this.typedText = useTypedText(this);
    }

    get shownText() {
        return this.typedText();
    }

    get maxLength() {
        return this.props.record.data.max_length || 0;
    }

    get length() {
        return textLength(this.shownText, this.props.record.data.length_rule || "chars");
    }
}

registry
    .category("fields")
    .add("social_crm_post_counted", {...textField, component: PostCountedField});
