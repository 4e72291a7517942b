"""taizhang (台账): read a campaign plan, keep the ledger, measure, warn and supervise."""

__version__ = "0.1.0"
