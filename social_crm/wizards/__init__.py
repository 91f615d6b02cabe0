from . import social_crm_consent_wizard
from . import social_crm_consent_ask_wizard
from . import social_crm_oauth_wizard
