"""Profiles, paths and secrets.

A profile file is TOML under platformdirs' user config dir (``config.toml``)::

    default = "prod"

    [profiles.prod]
    platform = "liveramp"                 # or "infosum"
    base_url = "https://api.habu.com"     # the client adds /v1 (LiveRamp) or /api/v1|v2 (InfoSum)
    client_id = "0oa1b2c3"                # LiveRamp only
    secret_env = "LIVERAMP_CLIENT_SECRET" # where the secret / API key comes from: an env var ...
    # secret_file = "~/.config/cleanroom-tui/prod.secret"   # ... or a file only you can read (0600)
    read_only = false
    timezone = "Europe/London"
    color = "red"                         # the header's profile badge (prod red); any Rich colour
    stale_after = "15m"                   # "as of" turns visibly stale after this (s, m or h)
    ca_bundle = "/etc/ssl/corp-ca.pem"    # custom CA; TLS verification is never switched off

    [profiles.prod.budget]
    creates_per_hour = 20
    status_reads_per_object_per_hour = 20
    min_status_interval_s = 300
    tokens_per_day = 2

Secrets are never accepted on the command line and never stored in this file.
``key_env``/``key_file`` are accepted as spellings of ``secret_env``/``secret_file`` for InfoSum.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path

APP_NAME = "cleanroom-tui"
PLATFORMS = ("liveramp", "infosum")
DEFAULT_BASE_URLS = {"liveramp": "https://api.habu.com", "infosum": "https://api.infosum.com"}
#: base_url of a profile that talks to the in-process emulator (the demo)
EMBEDDED = "embedded:"

# Fixed demo identities (DESIGN.md): the emulator accepts these, README lists them.
DEMO_LIVERAMP_CLIENT_ID = "demo-client"
DEMO_LIVERAMP_SECRET = "demo-secret"
DEMO_INFOSUM_KEY = "demo-key"


class ConfigError(Exception):
    """A profile file or secret that cannot be used; the message says what to fix."""


# --------------------------------------------------------------------------- paths

def _dir(env: str, kind: str) -> Path:
    override = os.environ.get(env)
    if override:
        return Path(override).expanduser()
    import platformdirs  # imported lazily: only needed when no override is set

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return _dir("CLEANROOM_TUI_CONFIG_DIR", "config")


def cache_dir() -> Path:
    return _dir("CLEANROOM_TUI_CACHE_DIR", "cache")


def state_dir() -> Path:
    """Tokens live here, not in the cache dir: ``cache clear`` must never burn the token budget."""
    return _dir("CLEANROOM_TUI_STATE_DIR", "state")


def config_file() -> Path:
    override = os.environ.get("CLEANROOM_TUI_CONFIG")
    return Path(override).expanduser() if override else config_dir() / "config.toml"


def ensure_private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a file atomically with mode 0600 (created that way, never chmod-ed after)."""
    ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def is_private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


# --------------------------------------------------------------------------- profiles

@dataclass(frozen=True)
class Budget:
    """Per-profile API budgets (LiveRamp's published limits by default)."""

    creates_per_hour: int = 20
    status_reads_per_object_per_hour: int = 20
    min_status_interval_s: float = 300.0
    tokens_per_day: int = 2
    #: seconds per budget "hour": 3600 for real platforms, shorter for a fast demo clock
    hour_s: float = 3600.0

    def scaled(self, speed: float) -> Budget:
        """The same budget on a clock that runs ``speed`` times faster (the demo)."""
        if speed <= 1:
            return self
        return replace(self, min_status_interval_s=self.min_status_interval_s / speed,
                       hour_s=self.hour_s / speed)


@dataclass(frozen=True)
class Profile:
    name: str
    platform: str
    base_url: str
    client_id: str | None = None
    secret_env: str | None = None
    secret_file: str | None = None
    read_only: bool = False
    timezone: str | None = None
    color: str | None = None
    #: seconds after which cached data is shown as stale, on the clock that stamps "as of" (the wall
    #: clock, also in the demo; a test's manual clock in tests)
    stale_after_s: float = 900.0
    ca_bundle: str | None = None
    budget: Budget = field(default_factory=Budget)
    #: a literal secret: only ever set for the built-in demo profiles
    _demo_secret: str | None = field(default=None, repr=False, compare=False)

    @property
    def embedded(self) -> bool:
        return self.base_url.startswith(EMBEDDED)

    def secret(self) -> str:
        """The client secret (LiveRamp) or API key (InfoSum). Raises ConfigError if unavailable."""
        if self._demo_secret is not None:
            return self._demo_secret
        if self.secret_env:
            value = os.environ.get(self.secret_env)
            if not value:
                raise ConfigError(
                    f"profile {self.name!r}: environment variable {self.secret_env} is not set")
            return value.strip()
        if self.secret_file:
            path = Path(self.secret_file).expanduser()
            if not path.exists():
                raise ConfigError(f"profile {self.name!r}: secret file {path} does not exist")
            if not is_private(path):
                # like ssh with a private key: refuse rather than use a secret others can read
                raise ConfigError(
                    f"profile {self.name!r}: secret file {path} is readable by others; "
                    f"run: chmod 600 {path}")
            return path.read_text().strip()
        raise ConfigError(f"profile {self.name!r}: set secret_env or secret_file")

    def __repr__(self) -> str:  # never shows a secret, even the demo one
        return (f"Profile(name={self.name!r}, platform={self.platform!r}, "
                f"base_url={self.base_url!r}, client_id={self.client_id!r})")


@dataclass
class Config:
    profiles: dict[str, Profile]
    default: str | None = None
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def get(self, name: str | None) -> Profile:
        name = name or self.default
        if name is None:
            raise ConfigError("no profile given and no default set")
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ConfigError(f"unknown profile {name!r} (known: {known})") from None


def _duration(profile: str, key: str, value: object) -> float:
    """Seconds from ``900``, ``"90s"``, ``"15m"`` or ``"2h"``."""
    units = {"s": 1, "m": 60, "h": 3600}
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, (int, float)):
            seconds = float(value)
        else:
            text = str(value).strip().lower()
            factor = units.get(text[-1:])
            seconds = float(text[:-1]) * factor if factor else float(text)
    except (ValueError, IndexError):
        raise ConfigError(f"profile {profile!r}: {key} must be seconds or like \"15m\", \"2h\"") from None
    if seconds <= 0:
        raise ConfigError(f"profile {profile!r}: {key} must be positive")
    return seconds


def _color(profile: str, value: object) -> str | None:
    """A Rich colour name or hex (``red``, ``#ff5f00``); checked here so a typo is a config error,
    not a broken header."""
    if value in (None, ""):
        return None
    from rich.color import Color, ColorParseError  # only when a profile asks for a colour

    try:
        Color.parse(str(value))
    except ColorParseError:
        raise ConfigError(f"profile {profile!r}: unknown color {value!r} (try red, yellow, #ff5f00)") from None
    return str(value)


#: keys people reach for to turn certificate checks off: refused, never silently ignored (issue 10)
TLS_OFF_KEYS = ("verify", "insecure", "ssl_verify", "tls_verify", "verify_ssl", "verify_tls", "no_verify")


def _check_tls(name: str, t: dict) -> None:
    for key in TLS_OFF_KEYS:
        if key in t:
            raise ConfigError(f"profile {name!r}: {key!r}: TLS certificate verification cannot be switched off; "
                              "to trust a corporate proxy's CA, set ca_bundle = \"/path/to/ca.pem\"")
    if "ca_bundle" not in t:
        return
    bundle = t["ca_bundle"]
    if not isinstance(bundle, str) or not bundle.strip():
        raise ConfigError(f"profile {name!r}: ca_bundle must be the path of a PEM file of CA certificates "
                          "(verification itself cannot be switched off)")
    if not Path(bundle).expanduser().is_file():
        raise ConfigError(f"profile {name!r}: ca_bundle {bundle} does not exist or is not a file")


def _profile_from_table(name: str, t: dict) -> Profile:
    platform = str(t.get("platform", "")).lower()
    if platform not in PLATFORMS:
        raise ConfigError(f"profile {name!r}: platform must be one of {', '.join(PLATFORMS)}")
    for bad in ("secret", "client_secret", "api_key", "key"):
        if bad in t:
            raise ConfigError(
                f"profile {name!r}: do not put secrets in the profile file; "
                f"use secret_env or secret_file instead of {bad!r}")
    _check_tls(name, t)
    budget_t = t.get("budget", {}) or {}
    known_budget = set(Budget.__dataclass_fields__)
    unknown = set(budget_t) - known_budget
    if unknown:
        raise ConfigError(f"profile {name!r}: unknown budget keys {sorted(unknown)}")
    if platform == "liveramp" and not t.get("client_id"):
        raise ConfigError(f"profile {name!r}: LiveRamp profiles need client_id")
    return Profile(
        name=name,
        platform=platform,
        base_url=str(t.get("base_url") or DEFAULT_BASE_URLS[platform]),
        client_id=t.get("client_id"),
        secret_env=t.get("secret_env") or t.get("key_env"),
        secret_file=t.get("secret_file") or t.get("key_file"),
        read_only=bool(t.get("read_only", False)),
        timezone=t.get("timezone"),
        color=_color(name, t.get("color")),
        stale_after_s=_duration(name, "stale_after", t.get("stale_after", 900)),
        ca_bundle=str(Path(t["ca_bundle"]).expanduser()) if t.get("ca_bundle") else None,
        budget=Budget(**budget_t),
    )


def load_config(path: Path | None = None) -> Config:
    """Read the profile file; a missing file is an empty config (the app then runs the demo)."""
    path = path or config_file()
    if not path.exists():
        return Config(profiles={}, path=path)
    import tomllib  # only when there is a file to read (the demo's first start has none)

    try:
        raw = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    warnings = []
    if not is_private(path):
        warnings.append(f"{path} is readable by other users; consider chmod 600")
    profiles = {name: _profile_from_table(name, t) for name, t in (raw.get("profiles") or {}).items()}
    default = raw.get("default")
    if default is not None and default not in profiles:
        raise ConfigError(f"{path}: default profile {default!r} is not defined")
    if default is None and len(profiles) == 1:
        default = next(iter(profiles))
    return Config(profiles=profiles, default=default, path=path, warnings=warnings)


def demo_profiles(speed: float = 60.0) -> list[Profile]:
    """The two built-in profiles of the demo: both platforms on the in-process emulator."""
    budget = Budget().scaled(speed)
    # "as of" is stamped by the wall clock even in the demo (only the world's clock runs fast)
    stale = 900.0
    return [
        Profile(name="demo-liveramp", platform="liveramp", base_url=EMBEDDED,
                client_id=DEMO_LIVERAMP_CLIENT_ID, budget=budget, stale_after_s=stale,
                _demo_secret=DEMO_LIVERAMP_SECRET),
        Profile(name="demo-infosum", platform="infosum", base_url=EMBEDDED,
                budget=budget, stale_after_s=stale, _demo_secret=DEMO_INFOSUM_KEY),
    ]
