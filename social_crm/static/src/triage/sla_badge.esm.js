/** @odoo-module **/
import {Component} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {standardFieldProps} from "@web/views/fields/standard_field_props";

const CLASSES = {
    running: "text-bg-info",
    warning: "text-bg-warning",
    breached: "text-bg-danger",
    met: "text-bg-success",
};

/**
 * The SLA state as a coloured badge with the business time left ("45 min
 * left") or overdue ("1 h 5 min late"), from the server's business-hours
 * count.
 */
export class SlaBadge extends Component {
    static template = "social_crm.SlaBadge";
    static props = {...standardFieldProps};

    get state() {
        return this.props.record.data[this.props.name];
    }

    get badgeClass() {
        return CLASSES[this.state] || "text-bg-light";
    }

    get label() {
        const field = this.props.record.fields[this.props.name];
        const option = (field.selection || []).find(([value]) => value === this.state);
        return option ? option[1] : "";
    }

    get countdown() {
        const minutes = this.props.record.data.sla_remaining_minutes;
        if (!["running", "warning", "breached"].includes(this.state) || !minutes) {
            return "";
        }
        const abs = Math.abs(minutes);
        const hours = Math.floor(abs / 60);
        const rest = abs % 60;
        const text = hours ? `${hours} h${rest ? ` ${rest} min` : ""}` : `${abs} min`;
        return minutes > 0 ? _t("%s left", text) : _t("%s late", text);
    }
}

export const slaBadge = {
    component: SlaBadge,
    supportedTypes: ["selection"],
    fieldDependencies: [{name: "sla_remaining_minutes", type: "integer"}],
};

registry.category("fields").add("social_crm_sla", slaBadge);
