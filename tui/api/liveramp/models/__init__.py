"""Pydantic models of the LiveRamp Clean Room API (reference: liveramp-api.md).

Parsing is deliberately liberal, because the platform is inconsistent and sparse:

- python names are snake_case, wire names camelCase (generated), plus ``AliasChoices`` wherever
  sources disagree (``ID``/``id``, ``displayID``/``displayId``, ``Status``/``status`` …);
- every field is optional with a default: zero/empty values are often left out, and ``null`` is
  treated like a missing key;
- statuses are plain ``str`` so unknown values survive as-is;
- timestamps accept ``Z``, ``+00:00``, millis/micros, ``""`` (→ None) and the live error format;
- unknown fields are ignored.

Credential ``value``s are never kept (see :class:`OrganizationCredential`, :class:`PartnerAccount`).

One module per resource group (``base``: the parsing rules and shared pieces; ``rooms``, ``questions``,
``runs``, ``exports`` (schedules, destinations, export jobs), ``flows``, ``organization``); this package
re-exports every model, so ``tui.api.liveramp.models`` is the one import point, and it is in
``sys.modules`` whenever any LiveRamp model is (tests/ui/test_home_imports.py counts on that).
"""

from __future__ import annotations

from ..lenient import as_text as _as_text  # noqa: F401  (importable from here, as it was)
from . import base, exports, flows, organization, questions, rooms, runs
from .base import *  # noqa: F403

# the lenient scalars, their readers and alias() stay importable from here, as they were (not in __all__)
from .base import LenientDate as LenientDate
from .base import LenientDatetime as LenientDatetime
from .base import StrList as StrList
from .base import StrMap as StrMap
from .base import _drop_values as _drop_values
from .base import _lenient_date as _lenient_date
from .base import _str_list as _str_list
from .base import _str_map as _str_map
from .base import alias as alias
from .exports import *  # noqa: F403
from .flows import *  # noqa: F403
from .organization import *  # noqa: F403
from .questions import *  # noqa: F403
from .rooms import *  # noqa: F403
from .runs import *  # noqa: F403

__all__ = [*base.__all__, *rooms.__all__, *questions.__all__, *runs.__all__, *exports.__all__, *flows.__all__,
           *organization.__all__]
