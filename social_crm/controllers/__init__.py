from . import consent
from . import webhook
from . import content
from . import review
from . import oauth
