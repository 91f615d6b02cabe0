"""What a person agrees to on the consent page, word for word, per version.

A consent record stores the version and the exact text shown. A new text
gets a new version; old versions stay here so old records can be read.
"""

WORDING = {
    ("commercial", "en"): (
        "commercial-en-v1",
        "Yes, {company} may send me offers and news by e-mail. "
        "I can withdraw this at any time, with the link in the confirmation e-mail.",
    ),
    ("commercial", "nl"): (
        "commercial-nl-v1",
        "Ja, {company} mag mij aanbiedingen en nieuws per e-mail sturen. "
        "Ik kan dit altijd intrekken, met de link in de bevestigingsmail.",
    ),
    # recorded by an agent, who confirms the person agreed to this text
    ("content_reuse", "en"): (
        "content_reuse-en-v1",
        "Yes, {company} may show my post and photo on its website and social media, "
        "with my name or handle. I can withdraw this at any time.",
    ),
    ("content_reuse", "nl"): (
        "content_reuse-nl-v1",
        "Ja, {company} mag mijn bericht en foto tonen op de eigen website en sociale media, "
        "met mijn naam of gebruikersnaam. Ik kan dit altijd intrekken.",
    ),
    ("profile_enrichment", "en"): (
        "profile_enrichment-en-v1",
        "Yes, {company} may link my social media profile to my customer record.",
    ),
    ("profile_enrichment", "nl"): (
        "profile_enrichment-nl-v1",
        "Ja, {company} mag mijn sociale-mediaprofiel koppelen aan mijn klantgegevens.",
    ),
}

PAGE = {
    "en": {
        "title": "Stay in touch with {company}",
        "intro": "You were invited by {company} on {platform}. Here is what you agree to:",
        "email": "Your e-mail address",
        "phone": "Your phone number (optional)",
        "agree": "I agree",
        "submit": "Confirm",
        "check": "Almost done: we sent a message to {email}. Click the link in it to confirm.",
        "confirm_intro": "Press the button to confirm that {company} may send offers and news "
        "to {email}. You agree to:",
        "confirm_submit": "Confirm",
        "done": "Thank you! Your consent is recorded. You can withdraw it at any time.",
        "invalid": "This link is not valid (any more). Ask {company} for a new one.",
        "bad_email": "Please enter a valid e-mail address.",
        "must_agree": "Please tick the box to agree, or simply close this page.",
        "mail_subject": "Please confirm: messages from {company}",
        "mail_body": "Open this link and press Confirm, so that {company} may send you "
        "messages: {link}\n"
        "Did not ask for this? Ignore this message; nothing happens.",
        "done_subject": "Your consent for {company} is recorded",
        "done_body": "Thank you. {company} may now send you offers and news. "
        "Changed your mind? Withdraw at any time here: {link}",
        "withdraw_title": "Withdraw your consent",
        "withdraw_intro": "You agreed to the text below. Press the button and {company} "
        "sends you no more offers.",
        "withdraw_submit": "Withdraw my consent",
        "withdrawn": "Done: your consent is withdrawn. {company} sends you no more offers.",
        "privacy": "Privacy policy",
        "mail_button": "Confirm my e-mail address",
        "done_button": "Withdraw my consent",
        "mail_ignore": "Did not ask for this? Ignore this message; nothing happens.",
        "mail_intro": "Press the button to confirm your e-mail address, so that {company} "
        "may send you offers and news.",
        "done_intro": "Thank you. {company} may now send you offers and news. Changed your "
        "mind? You can withdraw your consent at any time with this button.",
        "link_fallback": "Button not working? Copy this address into your browser:",
        "code_subject": "Your verification code for {company}",
        "code_intro": "Hello {name}, someone asked {company} to link the social media account "
        "{identity} to your customer record. If that is you, reply to our message on that "
        "account with this code:",
        "code_valid": "The code is valid for 48 hours. If it was not you, ignore this "
        "e-mail: nothing is linked.",
    },
    "nl": {
        "title": "Blijf op de hoogte van {company}",
        "intro": "{company} nodigde je uit via {platform}. Hier geef je toestemming voor:",
        "email": "Je e-mailadres",
        "phone": "Je telefoonnummer (niet verplicht)",
        "agree": "Ik geef toestemming",
        "submit": "Bevestigen",
        "check": "Bijna klaar: we stuurden een bericht naar {email}. "
        "Klik op de link daarin om te bevestigen.",
        "confirm_intro": "Druk op de knop om te bevestigen dat {company} aanbiedingen en nieuws "
        "mag sturen naar {email}. Je geeft toestemming voor:",
        "confirm_submit": "Bevestigen",
        "done": "Dank je wel! Je toestemming is vastgelegd. Je kunt die altijd intrekken.",
        "invalid": "Deze link is niet (meer) geldig. Vraag {company} om een nieuwe.",
        "bad_email": "Vul een geldig e-mailadres in.",
        "must_agree": "Vink het vakje aan om toestemming te geven, of sluit deze pagina.",
        "mail_subject": "Graag bevestigen: berichten van {company}",
        "mail_body": "Open deze link en druk op Bevestigen, zodat {company} je berichten "
        "mag sturen: {link}\n"
        "Niet aangevraagd? Negeer dit bericht; er gebeurt dan niets.",
        "done_subject": "Je toestemming voor {company} is vastgelegd",
        "done_body": "Dank je wel. {company} mag je nu aanbiedingen en nieuws sturen. "
        "Toch liever niet? Trek je toestemming altijd in via: {link}",
        "withdraw_title": "Toestemming intrekken",
        "withdraw_intro": "Je gaf toestemming voor de tekst hieronder. Druk op de knop en "
        "{company} stuurt je geen aanbiedingen meer.",
        "withdraw_submit": "Toestemming intrekken",
        "withdrawn": "Gelukt: je toestemming is ingetrokken. {company} stuurt je geen "
        "aanbiedingen meer.",
        "privacy": "Privacyverklaring",
        "mail_button": "Mijn e-mailadres bevestigen",
        "done_button": "Toestemming intrekken",
        "mail_ignore": "Niet aangevraagd? Negeer dit bericht; er gebeurt dan niets.",
        "mail_intro": "Druk op de knop om je e-mailadres te bevestigen, zodat {company} je "
        "aanbiedingen en nieuws mag sturen.",
        "done_intro": "Dank je wel. {company} mag je nu aanbiedingen en nieuws sturen. Toch "
        "liever niet? Met deze knop trek je je toestemming altijd in.",
        "link_fallback": "Werkt de knop niet? Kopieer dit adres in je browser:",
        "code_subject": "Je verificatiecode voor {company}",
        "code_intro": "Hallo {name}, iemand vroeg {company} om het sociale-media-account "
        "{identity} aan je klantgegevens te koppelen. Ben jij dat? Antwoord dan op ons "
        "bericht op dat account met deze code:",
        "code_valid": "De code is 48 uur geldig. Was jij het niet? Negeer deze e-mail: er "
        "wordt niets gekoppeld.",
    },
}


#: platforms as a person names them ("via X (@hollandia)"); the demo
#: platform is no platform a person knows: only the handle is said
PLATFORM_NAMES = {
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
}
SOCIAL_MEDIA = {"en": "social media", "nl": "sociale media"}


def via(platform, handle, lang="en"):
    """Where the person was invited, as they would say it: "X (@hollandia)",
    "@hollandia" (demo), "Bluesky", or "social media"."""
    name = PLATFORM_NAMES.get(platform or "")
    handle = (handle or "").strip().lstrip("@")
    if name and handle:
        return f"{name} (@{handle})"
    if handle:
        return f"@{handle}"
    return name or SOCIAL_MEDIA.get(lang, SOCIAL_MEDIA["en"])


def mail_texts(lang, **values):
    """The e-mail texts of ``lang`` (nl or en), ``values`` filled in."""
    texts = PAGE[language(lang)]
    return {key: text.format_map(_Keep(values)) for key, text in texts.items()}


class _Keep(dict):
    """``format_map`` values that leave unknown placeholders as they are."""

    def __missing__(self, key):
        return "{%s}" % key


def language(lang):
    """nl for Dutch posts, English for everything else."""
    return "nl" if (lang or "").lower().startswith("nl") else "en"
