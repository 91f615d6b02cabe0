/** @odoo-module **/
import {Component} from "@odoo/owl";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {DropdownItem} from "@web/core/dropdown/dropdown_item";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {standardFieldProps} from "@web/views/fields/standard_field_props";

/** the languages an agent can choose (the classifier's) */
export const LANGUAGES = [
    ["nl", _t("Dutch")],
    ["en", _t("English")],
    ["de", _t("German")],
    ["fr", _t("French")],
];
const COLORS = {
    complaint: "text-bg-danger",
    negative: "text-bg-danger",
    question: "text-bg-info",
    praise: "text-bg-success",
    positive: "text-bg-success",
};

/**
 * A post's (or conversation's) label as a badge; one click opens the other
 * labels, a second click corrects it: the server records the agent's
 * correction (the company's classifier learns from it) and sets the label.
 */
export class LabelCorrectField extends Component {
    static template = "social_crm.LabelCorrectField";
    static components = {Dropdown, DropdownItem};
    static props = {...standardFieldProps};

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
    }

    get value() {
        return this.props.record.data[this.props.name] || "";
    }

    get options() {
        const field = this.props.record.fields[this.props.name];
        return field.type === "selection" ? field.selection : LANGUAGES;
    }

    get label() {
        const option = this.options.find(([value]) => value === this.value);
        return option ? option[1] : this.value || _t("Not set");
    }

    get badgeClass() {
        return COLORS[this.value] || "text-bg-light";
    }

    async correct(value) {
        const record = this.props.record;
        if (value === this.value || !record.resId) {
            return;
        }
        await this.orm.call(record.resModel, "action_social_crm_correct", [
            [record.resId],
            this.props.name,
            value,
        ]);
        this.notification.add(_t("Corrected: your team's classifier learns from it."), {
            type: "success",
        });
        await record.model.root.load();
        record.model.notify();
    }
}

registry.category("fields").add("social_crm_label", {
    component: LabelCorrectField,
    supportedTypes: ["selection", "char"],
});
