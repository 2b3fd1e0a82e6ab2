"""The one Settings object (style.md §6.6 item 7): embedded defaults, overridable by KAOPING_* variables."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from rules import RULES_DIR


def _default_data_dir() -> Path:
    return Path.cwd() / "var"


class Settings(BaseSettings):
    """Runtime configuration. Nothing else in kaoping reads the environment."""

    model_config = SettingsConfigDict(env_prefix="KAOPING_", env_ignore_empty=True, extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="where the SQLite file lives")
    database_url: str | None = Field(
        default=None,
        validation_alias="DATABASE_URL",
        description="postgresql+psycopg://... for PostgreSQL; default: SQLite in data_dir",
    )
    rules_dir: Path = Field(
        default=RULES_DIR, description="the rule data (default: the rules shipped with kaoping)"
    )
    office_name: str = Field(default="七宝镇财政所", description="the issuing office printed on memos")
    document_number_prefix: str = Field(
        default="七财评", description="prefix of memo numbers: 七财评〔2024〕7号"
    )
    district_bureau: str = Field(default="闵行区财政局", description="addressee of referral letters")
    red_header: bool = Field(
        default=False, description="print the red issuing-office header (红头, GB/T 9704) on memos"
    )
    red_header_text: str = Field(
        default="", description="the red header's words, e.g. 七宝镇财政所文件 (default: office_name)"
    )
    max_body_bytes: int = Field(default=1_048_576, description="largest request body the API accepts")
    # 1,000: twenty pages of 50, more than a town office's cases in a year, so the usual filtered
    # lists (a year, an agency) get exact totals, while a count stops after that many index entries
    # however many cases match (the cost of an exact count: docs/performance.md).
    list_count_cap: int = Field(
        default=1_000,
        ge=1,
        description="GET /cases counts matching cases up to this many past the offset (count=exact: all)",
    )

    @property
    def effective_database_url(self) -> str:
        """The SQLAlchemy URL in use: DATABASE_URL, else the embedded SQLite file."""
        return self.database_url or f"sqlite:///{self.data_dir / 'kaoping.sqlite3'}"


@cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
