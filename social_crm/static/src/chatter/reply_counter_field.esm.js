/** @odoo-module **/
import {useEffect, useState} from "@odoo/owl";
import {ReplyField} from "../triage/reply_field.esm";
import {registry} from "@web/core/registry";
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
        this.typed = useState({text: "", over: null});
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
        // what is typed, until the record's value changes (saved, or a template picked)
        return this.typed.over === value ? this.typed.text : value;
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
