/** @odoo-module **/
import {Component} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {standardFieldProps} from "@web/views/fields/standard_field_props";

const WIDTH = 120;
const HEIGHT = 28;
const PAD = 2;

/**
 * How a watched post spread in its first day: a small line of its weighted
 * interactions (repost or quote 3, reply 2, like 1) at each reading, and the
 * velocity of the last interval. ``points`` is [[minutes, weighted], ...]
 * from the server, the post itself first.
 */
export class SpreadSparkline extends Component {
    static template = "social_crm.SpreadSparkline";
    static props = {
        points: {type: Array, optional: true},
        velocity: {type: Number, optional: true},
        compact: {type: Boolean, optional: true},
    };
    static defaultProps = {points: [], velocity: 0, compact: false};

    get width() {
        return WIDTH;
    }

    get height() {
        return HEIGHT;
    }

    get valid() {
        return (this.props.points || []).filter(
            (p) => Array.isArray(p) && p.length === 2 && isFinite(p[0]) && isFinite(p[1])
        );
    }

    get polyline() {
        const points = this.valid;
        if (points.length < 2) {
            return "";
        }
        const maxX = Math.max(...points.map((p) => p[0])) || 1;
        const maxY = Math.max(...points.map((p) => p[1])) || 1;
        return points
            .map(([x, y]) => {
                const px = PAD + (x / maxX) * (WIDTH - 2 * PAD);
                const py = HEIGHT - PAD - (y / maxY) * (HEIGHT - 2 * PAD);
                return `${px.toFixed(1)},${py.toFixed(1)}`;
            })
            .join(" ");
    }

    get velocityLabel() {
        return _t("%s /h", Math.round((this.props.velocity || 0) * 10) / 10);
    }

    get title() {
        const last = this.valid.at(-1);
        if (!last) {
            return "";
        }
        return _t(
            "%(total)s weighted interactions after %(minutes)s minutes; %(velocity)s in the last interval",
            {total: last[1], minutes: last[0], velocity: this.velocityLabel}
        );
    }
}

/** The sparkline as a field widget (a Json field of points). */
export class SpreadSparklineField extends Component {
    static template = "social_crm.SpreadSparklineField";
    static components = {SpreadSparkline};
    static props = {...standardFieldProps};

    get points() {
        return this.props.record.data[this.props.name] || [];
    }

    get velocity() {
        return this.props.record.data.spread_velocity || 0;
    }
}

export const spreadSparklineField = {
    component: SpreadSparklineField,
    supportedTypes: ["json"],
    fieldDependencies: [{name: "spread_velocity", type: "float"}],
};

registry.category("fields").add("social_crm_spread_sparkline", spreadSparklineField);
