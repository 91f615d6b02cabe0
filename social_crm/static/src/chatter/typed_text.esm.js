/** @odoo-module **/
import {useEffect, useState} from "@odoo/owl";

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
