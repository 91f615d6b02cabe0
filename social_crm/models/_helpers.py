"""Small helpers shared by the models (not a model)."""


def count_by(records, model, field):
    """``{record: n}``: how many ``model`` rows point to each of ``records``
    through ``field``, in one grouped query."""
    return dict(records.env[model]._read_group([(field, "in", records.ids)], [field], ["__count"]))


def window_action(records, xmlid, field):
    """The window action ``xmlid`` restricted to rows whose ``field`` is in ``records``."""
    action = records.env["ir.actions.act_window"]._for_xml_id(xmlid)
    action["domain"] = [(field, "in", records.ids)]
    return action
