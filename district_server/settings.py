"""Server settings from the environment (prefix ``DISTRICT_``) or the command line."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "admin", "password",
                                 "changethis", "token"})
MIN_ADMIN_TOKEN_LEN = 24


def default_data_dir() -> Path:
    """Where the server keeps its SQLite file when no database URL is given."""
    return Path(user_data_dir("mot-cua-district-server", "mot-cua"))


class ServerSettings(BaseSettings):
    """Everything the server needs; placeholder secrets are refused unless ``debug``."""

    model_config = SettingsConfigDict(env_prefix="DISTRICT_", extra="ignore")

    db_url: str = ""
    data_dir: Path = Field(default_factory=default_data_dir)
    admin_token: str = ""
    debug: bool = False
    max_request_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    lookup_rate_per_minute: int = Field(default=30, ge=1)
    enrol_rate_per_minute: int = Field(default=10, ge=1)
    enrol_code_ttl_hours: int = Field(default=72, ge=1)
    db_pool_size: int = Field(default=10, ge=1)
    # Pushes applied at once by one server process; more wait their turn in arrival order.
    # A burst of devices then queues in the process instead of opening ever more database
    # connections (overflow connections are opened and closed again: a fresh PostgreSQL
    # backend and its plan cache per burst). Two cores are kept busy by 4.
    push_concurrency: int = Field(default=4, ge=1)

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> ServerSettings:
        token = self.admin_token.strip()
        weak = token.lower() in PLACEHOLDER_SECRETS or len(token) < MIN_ADMIN_TOKEN_LEN
        # An empty token simply disables the admin API; a weak one is refused outright.
        if token and weak and not self.debug:
            raise ValueError(
                "DISTRICT_ADMIN_TOKEN is a placeholder or shorter than "
                f"{MIN_ADMIN_TOKEN_LEN} characters; generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`")
        return self

    @property
    def database_url(self) -> str:
        """The configured URL, or a SQLite file in the data directory."""
        if self.db_url:
            return self.db_url
        return f"sqlite:///{self.data_dir / 'district.db'}"

    @property
    def admin_enabled(self) -> bool:
        """The admin API answers only when a token is configured."""
        return bool(self.admin_token.strip())
