# The page ladder's records serve the API ladder too.
from houbei.tests.test_persona_ladder import records  # noqa: F401
