"""Typed settings, read once from the environment (and an optional `.env`) at start-up."""

from __future__ import annotations

import re
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from bot.address_form import AddressForm
from bot.core.families import FamilyRule
from bot.errors import ConfigurationError
from bot.i18n import SUPPORTED_LOCALES
from bot.reports.push_config import (
    MIN_SECRET,
    PushConfig,
    ReportAuth,
    parse_headers,
    parse_schedule,
)
from bot.text import fold

SECRET_TOKEN_PATTERN = r"^[A-Za-z0-9_-]{1,256}$"  # noqa: S105 - a pattern, not a secret
# What @BotFather hands out: the bot's number, a colon, 35 letters, digits, - or _.
TELEGRAM_TOKEN_PATTERN = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{35}$")

Network = IPv4Network | IPv6Network
# The push's variables that mean nothing without HOCVUSO_REPORT_URL.
REPORT_ONLY = (
    "report_secret",
    "report_token_url",
    "report_client_id",
    "report_client_secret",
    "report_headers",
)


def _env(name: str) -> AliasChoices:
    """Platform variables keep the names the platforms' docs use (no HOCVUSO_ prefix)."""
    return AliasChoices(name, f"HOCVUSO_{name}")


class Settings(BaseSettings):
    """Every knob the operator can turn. Components receive this object; none reads os.environ."""

    model_config = SettingsConfigDict(
        env_prefix="HOCVUSO_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    database_url: str = "sqlite:///var/hocvuso.db"
    http_host: str = "127.0.0.1"
    http_port: Annotated[int, Field(ge=0, le=65535)] = 8080
    # Where learners reach this server from outside (behind a proxy: its https address). QR
    # codes on certificates and the links sent on Zalo point here. Default: http_host:http_port.
    public_url: Annotated[str, Field(validate_default=True)] = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    default_locale: str = "vi"
    # How the bot addresses learners in Vietnamese: "bác" (adults, the default, as the lessons
    # do) or "bạn" (a deployment for pupils and students). Accents optional: "bac", "ban".
    address_form: AddressForm = AddressForm.BAC
    # The self-check at the start (lessons/selfcheck.yaml): offered once to a learner starting
    # out, and /tukiemtra. Off: neither (a deployment that places learners itself).
    selfcheck: bool = True
    # Who must have completed the course for a family to be a "Gia đình số" (decision 40):
    # "adults" (every member aged 16 or over, the default) or "everyone" (children too).
    family_rule: FamilyRule = FamilyRule.ADULTS
    # Retention (bot.maintenance): processed inbox rows and processed-message keys must outlive
    # any redelivery (Telegram: 24 h; Zalo retries for hours), so at least 2 days; sent outbox
    # rows keep their de-duplication keys, so at least a week.
    retention_days: Annotated[int, Field(ge=2, le=3650)] = 14
    outbox_retention_days: Annotated[int, Field(ge=7, le=3650)] = 30
    # Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-Proto is
    # believed; anyone else could claim https and get the session cookie marked Secure on a
    # plain connection, or the opposite. Empty: no proxy is trusted.
    trusted_proxies: Annotated[tuple[Network, ...], NoDecode] = ()
    # Sites (origins, comma-separated) whose pages may frame the compact web chat (/chat/embed,
    # docs/embed.md): its CSP frame-ancestors. Empty: no site may; every other page never.
    embed_origins: Annotated[tuple[str, ...], NoDecode] = ()

    # Telegram (issue: Telegram channel). Setting the token turns the channel on.
    telegram_bot_token: SecretStr | None = Field(None, validation_alias=_env("TELEGRAM_BOT_TOKEN"))
    telegram_webhook_url: str | None = Field(None, validation_alias=_env("TELEGRAM_WEBHOOK_URL"))
    telegram_webhook_secret: SecretStr | None = Field(
        None, validation_alias=_env("TELEGRAM_WEBHOOK_SECRET")
    )
    telegram_api_base_url: str = Field(
        "https://api.telegram.org/bot", validation_alias=_env("TELEGRAM_API_BASE_URL")
    )

    # Zalo Official Account. All four of app id, secret key, app secret, refresh token.
    zalo_oa_app_id: str | None = Field(None, validation_alias=_env("ZALO_OA_APP_ID"))
    zalo_oa_secret_key: SecretStr | None = Field(None, validation_alias=_env("ZALO_OA_SECRET_KEY"))
    zalo_app_secret: SecretStr | None = Field(None, validation_alias=_env("ZALO_APP_SECRET"))
    zalo_oa_refresh_token: SecretStr | None = Field(
        None, validation_alias=_env("ZALO_OA_REFRESH_TOKEN")
    )
    zalo_oa_api_base_url: str = Field(
        "https://openapi.zalo.me", validation_alias=_env("ZALO_OA_API_BASE_URL")
    )
    zalo_oauth_base_url: str = Field(
        "https://oauth.zaloapp.com", validation_alias=_env("ZALO_OAUTH_BASE_URL")
    )

    # Zalo Bot Platform. The token turns it on; a webhook URL switches from polling to webhook.
    zalo_bot_token: SecretStr | None = Field(None, validation_alias=_env("ZALO_BOT_TOKEN"))
    zalo_bot_api_base_url: str = Field(
        "https://bot-api.zaloplatforms.com", validation_alias=_env("ZALO_BOT_API_BASE_URL")
    )
    zalo_bot_webhook_url: str | None = Field(None, validation_alias=_env("ZALO_BOT_WEBHOOK_URL"))
    zalo_bot_webhook_secret: SecretStr | None = Field(
        None, validation_alias=_env("ZALO_BOT_WEBHOOK_SECRET")
    )

    # Facebook Messenger (docs/messenger.md). All three of token, app secret and verify token.
    messenger_page_access_token: SecretStr | None = Field(
        None, validation_alias=_env("MESSENGER_PAGE_ACCESS_TOKEN")
    )
    messenger_app_secret: SecretStr | None = Field(
        None, validation_alias=_env("MESSENGER_APP_SECRET")
    )
    messenger_verify_token: SecretStr | None = Field(
        None, validation_alias=_env("MESSENGER_VERIFY_TOKEN")
    )
    messenger_graph_api_base_url: str = Field(
        "https://graph.facebook.com", validation_alias=_env("MESSENGER_GRAPH_API_BASE_URL")
    )
    messenger_api_version: str = Field("v25.0", validation_alias=_env("MESSENGER_API_VERSION"))

    # The push of the officials' summary to the provincial tracking system
    # (docs/reporting-api.md). The URL turns it on; the auth mode says which others are needed.
    report_url: str | None = None
    report_auth: ReportAuth = ReportAuth.HMAC
    report_secret: SecretStr | None = None
    report_token_url: str | None = None
    report_client_id: str | None = None
    report_client_secret: SecretStr | None = None
    report_headers: SecretStr | None = None
    report_schedule: str = "18:00"
    report_timeout: Annotated[float, Field(gt=0, le=300)] = 30.0
    # Optional xAPI sink: completion statements to a learning record store (HTTP Basic).
    xapi_url: str | None = None
    xapi_username: str | None = None
    xapi_password: SecretStr | None = None

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _telegram_token(cls, value: Any) -> Any:
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None  # an empty line in .env leaves Telegram off
            if not TELEGRAM_TOKEN_PATTERN.match(value):
                # Never echo the value: it may be a real token with a typo.
                raise ValueError(
                    "not shaped like a Telegram bot token (<digits>:<35 characters>, "
                    "e.g. 123456789:AAH…); copy it again from @BotFather"
                )
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        networks = []
        for item in re.split(r"[,\s]+", value.strip()):
            if not item:
                continue
            try:
                networks.append(ip_network(item, strict=False))
            except ValueError as exc:
                raise ValueError(
                    f"{item!r} is not an IP address or network; give addresses or CIDR "
                    "networks separated by commas, e.g. 127.0.0.1, 10.0.0.0/8"
                ) from exc
        return tuple(networks)

    @field_validator("embed_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return tuple(parse_origin(item) for item in re.split(r"[,\s]+", value.strip()) if item)

    @field_validator(
        "report_url",
        "report_token_url",
        "report_client_id",
        "report_secret",
        "report_client_secret",
        "report_headers",
        "xapi_url",
        "xapi_username",
        "xapi_password",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        # An empty line in .env leaves the variable unset, as for the channels' tokens.
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("report_url", "report_token_url", "xapi_url")
    @classmethod
    def _report_urls(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"must be an http:// or https:// address, got {value!r}")
        return value

    @field_validator("report_auth", mode="before")
    @classmethod
    def _report_auth(cls, value: Any) -> Any:
        if isinstance(value, str):
            modes = {mode.value: mode for mode in ReportAuth}
            found = modes.get(value.strip().lower())
            if found is None:
                raise ValueError(f"must be one of {', '.join(modes)}, got {value!r}")
            return found
        return value

    @field_validator("report_schedule")
    @classmethod
    def _report_schedule(cls, value: str) -> str:
        parse_schedule(value)
        return value.strip()

    @field_validator("report_headers")
    @classmethod
    def _report_headers(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_headers(value.get_secret_value())
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:", "postgres:")):
            raise ValueError(
                "must start with sqlite:/// (a file) or postgresql+psycopg:// (a server), "
                f"got {value.split(':', 1)[0]!r}"
            )
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip().rstrip("/")
        if not value:
            host, port = info.data.get("http_host", "127.0.0.1"), info.data.get("http_port", 8080)
            host = f"[{host}]" if ":" in str(host) else host
            return f"http://{host}:{port}"
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                f"must be the server's address as people open it, such as "
                f"https://hocvuso.example.vn, got {value!r}"
            )
        if parts.query or parts.fragment:
            raise ValueError(f"must have no ?query or #fragment, got {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}, e.g. Asia/Ho_Chi_Minh") from exc
        return value

    @field_validator("address_form", mode="before")
    @classmethod
    def _address_form(cls, value: object) -> object:
        if isinstance(value, str):
            forms = {fold(form.value): form for form in AddressForm}
            found = forms.get(fold(value))
            if found is None:
                raise ValueError(f"must be “bác” or “bạn”, got {value!r}")
            return found
        return value

    @field_validator("messenger_api_version")
    @classmethod
    def _graph_version(cls, value: str) -> str:
        if not re.fullmatch(r"v[0-9]{1,3}\.[0-9]{1,2}", value):
            raise ValueError(f"must be a Graph API version such as v25.0, got {value!r}")
        return value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}, got {value!r}")
        return value

    @model_validator(mode="after")
    def _webhooks_have_secrets(self) -> Settings:
        if self.telegram_webhook_url:
            secret = self.telegram_webhook_secret
            if secret is None or not re.match(SECRET_TOKEN_PATTERN, secret.get_secret_value()):
                raise ValueError(
                    "TELEGRAM_WEBHOOK_SECRET must be set with TELEGRAM_WEBHOOK_URL: 1-256 "
                    "characters of A-Z, a-z, 0-9, _ and -"
                )
        if self.zalo_bot_webhook_url:
            secret = self.zalo_bot_webhook_secret
            if secret is None or not 8 <= len(secret.get_secret_value()) <= 256:
                raise ValueError(
                    "ZALO_BOT_WEBHOOK_SECRET must be set with ZALO_BOT_WEBHOOK_URL (8-256 "
                    "characters)"
                )
        oa = {
            "ZALO_OA_APP_ID": self.zalo_oa_app_id,
            "ZALO_OA_SECRET_KEY": self.zalo_oa_secret_key,
            "ZALO_APP_SECRET": self.zalo_app_secret,
            "ZALO_OA_REFRESH_TOKEN": self.zalo_oa_refresh_token,
        }
        given = [name for name, value in oa.items() if value]
        if given and len(given) != len(oa):
            missing = ", ".join(name for name in oa if name not in given)
            raise ValueError(
                f"the Zalo Official Account needs all four variables; missing {missing}"
            )
        messenger = {
            "MESSENGER_PAGE_ACCESS_TOKEN": self.messenger_page_access_token,
            "MESSENGER_APP_SECRET": self.messenger_app_secret,
            "MESSENGER_VERIFY_TOKEN": self.messenger_verify_token,
        }
        given = [name for name, value in messenger.items() if value]
        if given and len(given) != len(messenger):
            missing = ", ".join(name for name in messenger if name not in given)
            raise ValueError(f"the Messenger channel needs all three variables; missing {missing}")
        self._report_consistent()
        xapi = (self.xapi_url, self.xapi_username, self.xapi_password)
        if any(value is not None for value in xapi) and any(value is None for value in xapi):
            raise ValueError(
                "the xAPI sink needs all of HOCVUSO_XAPI_URL (the LRS's xAPI endpoint), "
                "HOCVUSO_XAPI_USERNAME and HOCVUSO_XAPI_PASSWORD (its Basic credentials), or "
                "none"
            )
        return self

    def _report_consistent(self) -> None:
        """The push's variables fit together: each auth mode has what it needs."""
        if self.report_url is None:
            stray = [
                f"HOCVUSO_{name.upper()}"
                for name in REPORT_ONLY
                if getattr(self, name) is not None
            ]
            if stray:
                raise ValueError(
                    f"{', '.join(stray)} set but HOCVUSO_REPORT_URL is not; set "
                    "HOCVUSO_REPORT_URL to the receiver's address to turn the push on, or "
                    "remove them"
                )
            return
        if self.report_auth is ReportAuth.HMAC:
            secret = self.report_secret
            if secret is None or len(secret.get_secret_value()) < MIN_SECRET:
                raise ValueError(
                    f"HOCVUSO_REPORT_SECRET must be set (at least {MIN_SECRET} characters, "
                    "e.g. from `openssl rand -hex 32`) with HOCVUSO_REPORT_AUTH=hmac, the "
                    "default"
                )
        elif self.report_auth is ReportAuth.OAUTH2:
            needed = {
                "HOCVUSO_REPORT_TOKEN_URL": self.report_token_url,
                "HOCVUSO_REPORT_CLIENT_ID": self.report_client_id,
                "HOCVUSO_REPORT_CLIENT_SECRET": self.report_client_secret,
            }
            missing = [name for name, value in needed.items() if value is None]
            if missing:
                raise ValueError(
                    f"HOCVUSO_REPORT_AUTH=oauth2 needs {', '.join(missing)} (the token "
                    "address and the client id and secret the data-sharing platform issued)"
                )
        elif self.report_headers is None:
            raise ValueError(
                "HOCVUSO_REPORT_AUTH=headers needs HOCVUSO_REPORT_HEADERS, e.g. "
                "AppName=hocvuso;AccessKey=...;SecretKey=..."
            )

    @property
    def report_push(self) -> PushConfig | None:
        """The push's settings, or None when HOCVUSO_REPORT_URL is unset (no push)."""
        if self.report_url is None:
            return None
        secret, client, headers = self.report_secret, self.report_client_secret, None
        if self.report_headers is not None:
            headers = parse_headers(self.report_headers.get_secret_value())
        return PushConfig(
            url=self.report_url,
            auth=self.report_auth,
            at=parse_schedule(self.report_schedule),
            timeout=self.report_timeout,
            secret=secret.get_secret_value() if secret else None,
            token_url=self.report_token_url,
            client_id=self.report_client_id,
            client_secret=client.get_secret_value() if client else None,
            headers=headers or (),
        )

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone as a tzinfo."""
        return ZoneInfo(self.timezone)

    def sqlite_path(self) -> Path | None:
        """The database file for a SQLite URL, so start-up can create its folder."""
        if not self.database_url.startswith("sqlite:///"):
            return None
        raw = self.database_url.removeprefix("sqlite:///")
        return None if raw in ("", ":memory:") else Path(raw)


ORIGIN = re.compile(r"^https?://(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$")


def parse_origin(item: str) -> str:
    """One site allowed to frame the chat, as CSP writes it: `https://cong.tinh.gov.vn`,
    `http://localhost:8000`, or `https://*.tinh.gov.vn` for its subdomains.

    Raises:
        ValueError: anything else (a path, a quote, a bare `*`), named in plain words.
    """
    origin = item.strip().rstrip("/").lower()
    if not ORIGIN.match(origin):
        raise ValueError(
            f"{item!r} is not a site's origin; give scheme and host (and port), separated by "
            "commas, e.g. https://congthongtin.tinh.gov.vn, https://*.tinh.gov.vn"
        )
    return origin


def variable_name(location: tuple[int | str, ...]) -> str:
    """The environment variable behind a validation error's location: platform variables are
    reported by their aliases (TELEGRAM_BOT_TOKEN), ours by field name (http_port)."""
    if not location:
        return ""
    first = str(location[0])
    return first if first.isupper() else f"HOCVUSO_{first.upper()}"


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning validation errors into one line that names the variables.

    Raises:
        ConfigurationError: `VARIABLE: what is wrong` for each problem, on one line.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            message = error["msg"].removeprefix("Value error, ")
            name = variable_name(error["loc"])
            problems.append(f"{name}: {message}" if name else message)
        raise ConfigurationError(
            "; ".join(problems) + " (fix the environment variable or .env)"
        ) from exc
    except SettingsError as exc:
        # pydantic-settings could not even parse a value (JSON expected for a complex type).
        raise ConfigurationError(f"{exc} (fix the environment variable or .env)") from exc
