/** @odoo-module **/
import {useEffect, useState} from "@odoo/owl";
import {textLength} from "./length.esm";

/**
 * The text a text field shows while the user types, for a live counter:
 * what is typed, until the record's value changes (saved, or a template
 * picked). ``component`` is a TextField (it has ``textareaRef``); returns a
 * function giving the text to count.
 */
export function useTypedText(component) {
    const typed = useState({text: null, over: null});
    useEffect(
        (el) => {
            if (!el) {
                return;
            }
            const onInput = () => {
                typed.over = component.props.record.data[component.props.name] || "";
                typed.text = el.value;
            };
            el.addEventListener("input", onInput);
            return () => el.removeEventListener("input", onInput);
        },
        () => [component.textareaRef.el]
    );
    return () => {
        const value = component.props.record.data[component.props.name] || "";
        return typed.text !== null && typed.over === value ? typed.text : value;
    };
}

/**
 * A text field class (``Base``) with a live length counter: the platform's
 * limit (the record's ``maxKey``) and the text counted the way the platform
 * counts (``ruleKey``; connectors/length.py checks the same on the server).
 */
export function withLengthCounter(Base, maxKey, ruleKey) {
    return class extends Base {
        setup() {
            super.setup();
            this.typedText = useTypedText(this);
        }

        get shownText() {
            return this.typedText();
        }

        get maxLength() {
            return this.props.record.data[maxKey] || 0;
        }

        get length() {
            return textLength(this.shownText, this.props.record.data[ruleKey] || "chars");
        }
    };
}
