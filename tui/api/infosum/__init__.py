"""InfoSum API client: ``InfoSumClient`` (client/), pydantic models (models/), filter builder (filters.py)."""

from .client import MAX_PER_PAGE, QUERY_APIS, InfoSumClient, QueryNotReady, validate_dataset_name

__all__ = ["MAX_PER_PAGE", "QUERY_APIS", "InfoSumClient", "QueryNotReady", "validate_dataset_name"]
