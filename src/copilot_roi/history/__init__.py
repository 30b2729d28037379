"""A usage history per customer: exports kept exactly once, pseudonymised at rest, read back as usage.

Opt-in: nothing is written unless a user asks to keep an export in a customer's history (the
app's button, ``copilot-roi history add``). See ``store`` for the layout and the concurrency
design, ``rows`` for the row key and the aliases, ``backends`` for where objects live.
"""

from copilot_roi.history.backends import AzureContainer, Backend, LocalFolder, backend_from_env
from copilot_roi.history.customers import check_customer, customer_slug
from copilot_roi.history.store import AddResult, HistoryStore, HistorySummary, dataset_of

__all__ = [
    "AddResult",
    "AzureContainer",
    "Backend",
    "HistoryStore",
    "HistorySummary",
    "LocalFolder",
    "backend_from_env",
    "check_customer",
    "customer_slug",
    "dataset_of",
]
