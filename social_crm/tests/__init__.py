from . import test_ingest
from . import test_matching
from . import test_popup
from . import test_reply
from . import test_security
from . import test_tour
