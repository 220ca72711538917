"""Settings from the environment (prefix MOTCUA_) and the data directory layout."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "MotCua"


def default_data_dir() -> Path:
    """Where the counter keeps its database, logs and backups."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def demo_data_dir() -> Path:
    """A separate folder for the demo ward, so a demo never touches real data."""
    return default_data_dir() / "demo"


class Settings(BaseSettings):
    """Process-wide settings; everything about the ward itself lives in the database."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    log_level: str = "INFO"
    font_dir: Path | None = None

    @property
    def db_path(self) -> Path:
        """The SQLite file."""
        return self.data_dir / "counter.db"

    @property
    def backup_dir(self) -> Path:
        """Rotating copies of the database."""
        return self.data_dir / "backups"

    @property
    def log_dir(self) -> Path:
        """Rotating log files."""
        return self.data_dir / "logs"

    def ensure_dirs(self) -> None:
        """Create the data, backup and log folders."""
        for path in (self.data_dir, self.backup_dir, self.log_dir):
            path.mkdir(parents=True, exist_ok=True)
