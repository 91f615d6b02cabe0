from . import (
    res_partner,
    social_crm_account,
    social_crm_conversation,
    social_crm_identity,
    social_crm_message,
    social_crm_reply_template,
    social_crm_stream,
)
