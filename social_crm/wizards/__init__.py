from . import social_crm_consent_wizard
