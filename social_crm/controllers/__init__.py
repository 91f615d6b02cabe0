from . import consent
