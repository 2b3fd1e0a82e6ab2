"""The one Settings object (style.md §6.6 item 7): embedded defaults, overridable by KAOPING_* variables."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from rules import RULES_DIR

if TYPE_CHECKING:
    from engine.memos.context import OfficeInfo
    from engine.memos.isolation import Budget
    from engine.office_file import Limits

MiB = 1024 * 1024


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
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="largest request body the API accepts (and template file)"
    )
    # An uploaded template inflates to many times its size (XML compresses 10-20 fold): the parts and
    # their total are capped from the sizes the zip declares, before anything is inflated.
    template_part_bytes: int = Field(
        default=8 * MiB, ge=64 * 1024, description="largest inflated part of an uploaded template"
    )
    template_total_bytes: int = Field(
        default=32 * MiB, ge=64 * 1024, description="largest inflated total of an uploaded template"
    )
    template_parts: int = Field(default=500, ge=10, description="most parts an uploaded template may have")
    render_cpu_seconds: int = Field(
        default=2, ge=1, description="CPU time one memo render (or template check) may use, in seconds"
    )
    render_memory_mb: int = Field(
        default=256, ge=128, description="address space one memo render (or template check) may use, MB"
    )
    header_timeout: float = Field(
        default=20.0,
        gt=0,
        description="seconds a request's headers may take to arrive (from the connection"
        " or the previous response)",
    )
    body_min_rate: int = Field(
        default=2048, ge=0, description="bytes per second a request body must average after the grace period"
    )
    body_grace: float = Field(
        default=10.0, ge=0, description="seconds a request body may take before its average rate counts"
    )
    max_connections: int = Field(
        default=1000, ge=1, description="concurrent connections one worker holds (the oldest idle one goes)"
    )
    max_upload_bytes: int = Field(
        default=21 * 1_048_576,
        description="largest body of a deliverable upload (multipart; the file itself: at most 20 MiB)",
    )
    # 1,000: twenty pages of 50, more than a town office's cases in a year, so the usual filtered
    # lists (a year, an agency) get exact totals, while a count stops after that many index entries
    # however many cases match (the cost of an exact count: docs/performance.md).
    list_count_cap: int = Field(
        default=1_000,
        ge=1,
        description="GET /cases counts matching cases up to this many past the offset (count=exact: all)",
    )

    session_hours: float = Field(
        default=8, gt=0, le=24 * 30, description="hours a signed-in browser stays signed in (the web pages)"
    )

    @property
    def template_limits(self) -> Limits:
        """The Office-file guard's caps on an uploaded template."""
        from engine.office_file import Limits  # noqa: PLC0415 - lxml: only the server needs it

        return Limits(
            file_bytes=self.max_body_bytes,
            part_bytes=self.template_part_bytes,
            total_bytes=self.template_total_bytes,
            parts=self.template_parts,
        )

    @property
    def render_budget(self) -> Budget:
        """What one memo render may use (its child process's limits)."""
        from engine.memos.isolation import Budget  # noqa: PLC0415 - the renderer: only the server needs it

        return Budget(cpu_seconds=self.render_cpu_seconds, memory_bytes=self.render_memory_mb * MiB)

    @property
    def office(self) -> OfficeInfo:
        """The issuing office printed on memos."""
        from engine.memos.context import OfficeInfo  # noqa: PLC0415 - the memos: only their commands need them

        return OfficeInfo(
            name=self.office_name,
            number_prefix=self.document_number_prefix,
            district_bureau=self.district_bureau,
            red_header=self.red_header,
            red_header_text=self.red_header_text,
        )

    @property
    def effective_database_url(self) -> str:
        """The SQLAlchemy URL in use: DATABASE_URL, else the embedded SQLite file."""
        return self.database_url or f"sqlite:///{self.data_dir / 'kaoping.sqlite3'}"


@cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
