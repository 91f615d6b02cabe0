from . import social_crm_account
from . import social_crm_stream
from . import social_crm_identity
from . import social_crm_conversation
from . import social_crm_message
from . import social_crm_reply_template
from . import res_partner
