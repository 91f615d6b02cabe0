/** @odoo-module **/
/**
 * First run (issue 14): an inbox without any conversation shows, next to the
 * action's own help, a setup checklist that ticks itself off. The server says
 * what is done (social_crm.conversation.social_crm_setup_checklist); only
 * users who may act get the buttons.
 */
import {Component, onWillStart, useState} from "@odoo/owl";
import {useService} from "@web/core/utils/hooks";
import {patch} from "@web/core/utils/patch";
import {InboxKanbanRenderer} from "../inbox/inbox_views.esm";

export class SetupChecklist extends Component {
    static template = "social_crm.SetupChecklist";
    static props = {reload: {type: Function, optional: true}};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({steps: [], done: false, loaded: false, busy: false});
        onWillStart(() => this.load());
    }

    async load() {
        const result = await this.orm.call(
            "social_crm.conversation",
            "social_crm_setup_checklist",
            []
        );
        Object.assign(this.state, result, {loaded: true});
    }

    async open(step) {
        if (step.action === "import") {
            return this.action.doAction({
                type: "ir.actions.client",
                tag: "import",
                params: {model: "res.partner", context: {}},
            });
        }
        return this.action.doAction(step.action);
    }

    async startDemo() {
        this.state.busy = true;
        try {
            await this.orm.call("social_crm.conversation", "action_social_crm_start_demo", []);
            await this.load();
            if (this.props.reload) {
                await this.props.reload();
            }
        } finally {
            this.state.busy = false;
        }
    }
}

const checklistRenderer = {
    /** No conversation at all (not just none matching the search). */
    get socialCrmShowChecklist() {
        return !this.props.list.model.socialCrmHasAny;
    },
    async socialCrmReload() {
        const model = this.props.list.model;
        await model.load();
        if (model.hasData()) {
            model.useSampleModel = false;
        }
        model.notify();
    },
};

InboxKanbanRenderer.components = {...InboxKanbanRenderer.components, SetupChecklist};
patch(InboxKanbanRenderer.prototype, checklistRenderer);
