"""One social profile type, for the connectors and the matching engine alike.

Plain Python, no Odoo import and no HTTP library, so that :mod:`.matching`
and the command line can use it without the connectors' dependencies.

A connector fills what the platform says of a person (``user_id`` first);
the identity model adds ``id`` (the identity's database id, echoed in match
results), ``platform`` and ``texts`` (the person's latest posts) before it
asks :func:`social_crm.matching.match`.
"""

import dataclasses

#: keys of the matcher's JSON input that name a field differently
_INPUT_ALIASES = {"url": "profile_url"}


@dataclasses.dataclass
class Profile:
    """A social identity as the platform describes it."""

    user_id: str = ""
    handle: str = ""
    display_name: str = ""
    profile_url: str = ""
    avatar_url: str = ""
    bio: str = ""
    location: str = ""
    followers: int = 0
    verified: bool = False
    #: our platform code ("x", "mastodon", ...), where known
    platform: str = ""
    #: the caller's own id of this profile (an identity id, a JSON line's id)
    id: str = ""
    #: the person's own words (posts, messages, reviews), newest first
    texts: list = dataclasses.field(default_factory=list)

    def __post_init__(self):
        self.id = str(self.id)

    @classmethod
    def from_dict(cls, data):
        """Build from a JSON object (``python -m social_crm.cli match``):
        unknown keys and nulls are ignored; ``url`` is ``profile_url``."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {}
        for key, value in data.items():
            key = _INPUT_ALIASES.get(key, key)
            if key in names and value is not None:
                values[key] = value
        return cls(**values)
