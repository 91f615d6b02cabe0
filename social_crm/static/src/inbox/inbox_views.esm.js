/** @odoo-module **/
/**
 * The inbox's kanban and list views:
 * - reload when the server says conversations changed, keeping the user's
 *   search, filters, grouping and order (the model reloads its own config);
 * - tell "nothing matches your search" apart from "no conversations yet":
 *   the action's help is shown only when the user sees no conversation at all.
 */
import {markup, onWillUnmount} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useBus, useService} from "@web/core/utils/hooks";
import {escape} from "@web/core/utils/strings";
import {debounce} from "@web/core/utils/timing";
import {RelationalModel} from "@web/model/relational_model/relational_model";
import {KanbanController} from "@web/views/kanban/kanban_controller";
import {KanbanRenderer} from "@web/views/kanban/kanban_renderer";
import {kanbanView} from "@web/views/kanban/kanban_view";
import {ListController} from "@web/views/list/list_controller";
import {ListRenderer} from "@web/views/list/list_renderer";
import {listView} from "@web/views/list/list_view";

export class InboxModel extends RelationalModel {
    setup(params, services) {
        super.setup(params, services);
        // the sample data of an empty view swaps this.orm: keep the real one
        this.socialCrmOrm = this.orm;
        this.socialCrmHasAny = false;
    }

    async load(params = {}) {
        await super.load(params);
        if (this.orm === this.socialCrmOrm && !this.hasData()) {
            const count = await this.socialCrmOrm.searchCount(this.config.resModel, [], {
                limit: 1,
            });
            this.socialCrmHasAny = count > 0;
        }
    }
}

function noMatchHelp() {
    return markup(
        `<p class="o_view_nocontent_empty_folder o_social_crm_no_match">${escape(
            _t("No conversation matches your search")
        )}</p><p>${escape(
            _t(
                "Search a person by handle, name or customer number, or remove a filter: " +
                    '"To answer" hides replied and closed conversations.'
            )
        )}</p>`
    );
}

/** The helper to show: the action's help only when there is nothing at all. */
function inboxNoContentHelp(renderer) {
    const model = renderer.props.list.model;
    return model.socialCrmHasAny ? noMatchHelp() : renderer.props.noContentHelp;
}

/** Reload the view when the inbox changes (debounced: a batch sends once). */
function useLiveInbox(controller) {
    const inbox = useService("social_crm_inbox");
    const reload = debounce(async () => {
        const model = controller.model;
        const selection = model.root.selection;
        if (selection && selection.length) {
            return; // do not drop what the agent selected; the next change reloads
        }
        await model.load();
        if (model.hasData()) {
            model.useSampleModel = false;
        }
        model.notify();
    }, 250);
    useBus(inbox.bus, "update", reload);
    onWillUnmount(() => reload.cancel());
}

export class InboxKanbanRenderer extends KanbanRenderer {
    static template = "social_crm.InboxKanbanRenderer";
    get socialCrmNoContentHelp() {
        return inboxNoContentHelp(this);
    }
}

export class InboxListRenderer extends ListRenderer {
    static template = "social_crm.InboxListRenderer";
    get socialCrmNoContentHelp() {
        return inboxNoContentHelp(this);
    }
}

export class InboxKanbanController extends KanbanController {
    setup() {
        super.setup();
        useLiveInbox(this);
    }
}

export class InboxListController extends ListController {
    setup() {
        super.setup();
        useLiveInbox(this);
    }
}

registry.category("views").add("social_crm_inbox_kanban", {
    ...kanbanView,
    Model: InboxModel,
    Renderer: InboxKanbanRenderer,
    Controller: InboxKanbanController,
});

registry.category("views").add("social_crm_inbox_list", {
    ...listView,
    Model: InboxModel,
    Renderer: InboxListRenderer,
    Controller: InboxListController,
});
