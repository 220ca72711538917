"""Sync tunables from the environment (prefix ``MOTCUA_SYNC_``); tests shrink them."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from counter_app.sync.protocol import DEFAULT_PULL_LIMIT, MAX_BATCH, MAX_PULL_LIMIT


class SyncSettings(BaseSettings):
    """Batch sizes, timeouts and the schedule of the background worker."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_SYNC_", extra="ignore")

    batch_size: int = Field(default=MAX_BATCH, ge=1, le=MAX_BATCH)
    pull_limit: int = Field(default=DEFAULT_PULL_LIMIT, ge=1, le=MAX_PULL_LIMIT)
    connect_timeout_s: float = Field(default=10.0, gt=0)
    timeout_s: float = Field(default=60.0, gt=0)
    """Read timeout: a 500-event batch is ~1 MB, a minute on a poor link."""
    interval_s: float = Field(default=60.0, gt=0)
    """Between successful runs of the background worker."""
    backoff_base_s: float = Field(default=2.0, gt=0)
    backoff_cap_s: float = Field(default=300.0, gt=0)
    probe_interval_s: float = Field(default=15.0, gt=0)
    """While offline, how often /healthz is probed to notice the network is back."""
    max_passes: int = Field(default=5, ge=1)
    """``counter-app sync``: passes (with backoff between) before giving up."""
    transient_rejects: int = Field(default=5, ge=1)
    """A ``bad_hash`` verdict on an event whose stored hash is right means it was damaged in
    transit: resend it up to this many times before listing it for attention."""
    server_error_split_after: int = Field(default=2, ge=1)
    """A batch whose events were already sent this many times and that gets a 5xx again is
    split (like a 413/422) to find the one event the server cannot take."""
    server_error_rejects: int = Field(default=3, ge=1)
    """An event sent this many times that still gets a 5xx alone, while the server took other
    events in the same pass, is listed for attention instead of blocking the outbox."""
    skew_warn_s: float = 300.0
