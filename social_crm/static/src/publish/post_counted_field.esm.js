/** @odoo-module **/
import {TextField, textField} from "@web/views/fields/text/text_field";
import {useEffect, useState} from "@odoo/owl";
import {registry} from "@web/core/registry";
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
        this.typed = useState({text: null, over: null});
        useEffect(
            (el) => {
                if (!el) {
                    return;
                }
                const onInput = () => {
                    this.typed.over = this.props.record.data[this.props.name] || "";
                    this.typed.text = el.value;
                };
                el.addEventListener("input", onInput);
                return () => el.removeEventListener("input", onInput);
            },
            () => [this.textareaRef.el]
        );
    }

    get shownText() {
        const value = this.props.record.data[this.props.name] || "";
        return this.typed.text !== null && this.typed.over === value ? this.typed.text : value;
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
