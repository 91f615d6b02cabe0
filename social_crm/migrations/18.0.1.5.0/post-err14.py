"""Errors are stored as words (a catalogue key and its parameters) and shown
in the reader's language (issue 14). The sentences stored before, in the
language of whoever ran the sync, move to the words columns without a key
(``{"text": ...}``) and are shown as they were: nothing is lost. The old
text columns are left in place, unused."""

MOVES = [
    # (table, old text column, new words column)
    ("social_crm_account", "error_message", "error_words"),
    ("social_crm_account", "follower_error", "follower_error_words"),
    ("social_crm_stream", "last_error", "last_error_words"),
    ("social_crm_outbound", "error", "error_words"),
]


def _has_column(cr, table, column):
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        [table, column],
    )
    return bool(cr.fetchone())


def migrate(cr, version):
    if not version:
        return
    for table, old, new in MOVES:
        if not (_has_column(cr, table, old) and _has_column(cr, table, new)):
            continue
        # identifiers from the list above, never from data
        cr.execute(
            f'UPDATE "{table}" SET "{new}" = jsonb_build_object(\'text\', "{old}") '  # noqa: S608
            f"WHERE \"{new}\" IS NULL AND COALESCE(\"{old}\", '') != ''"
        )
