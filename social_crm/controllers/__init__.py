from . import consent
from . import webhook
