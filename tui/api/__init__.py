"""Platform API clients (httpx + pydantic models; no Textual)."""

import sys

# httpx's package __init__ imports its command-line client (``httpx._main``), which pulls in click,
# pygments and rich.syntax when they happen to be installed: ~35 ms per start for a CLI never used
# here. A ``None`` entry makes that import fail the way httpx expects; it then defines a stub ``main``.
sys.modules.setdefault("httpx._main", None)
