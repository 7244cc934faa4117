"""TLS: certificate verification is always on for real platforms; a custom CA bundle is the only knob.

The emulator is served over HTTPS with a certificate from a private CA (as behind a corporate
TLS-inspecting proxy): without ``ca_bundle`` every client refuses it with a readable error (no
traceback, no silent fallback); with ``ca_bundle`` naming that CA it works — the async clients and
the headless quick path alike. Config keys that would switch verification off are refused.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from tui.api.http import ApiError
from tui.api.infosum import InfoSumClient
from tui.api.liveramp import LiveRampClient
from tui.cli import main
from tui.config import ConfigError, Profile, load_config, write_private
from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.app import create_app


def _make_ca_and_cert(folder: Path) -> tuple[Path, Path, Path]:
    """A private CA and a server certificate for 127.0.0.1 signed by it (ca.pem, cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Drill Corporate Proxy CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    import ipaddress

    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@pytest.fixture(scope="module")
def https_emu(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    ca, cert, key = _make_ca_and_cert(folder)
    app = create_app(EmulatorOptions(seed=7, clock=ManualClock(dt.datetime.now(dt.UTC))))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", access_log=False, lifespan="off",
                                           ssl_certfile=str(cert), ssl_keyfile=str(key)))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield f"https://127.0.0.1:{port}", ca
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture(autouse=True)
def _secrets(monkeypatch):
    monkeypatch.setenv("TLS_LR_SECRET", "demo-secret")
    monkeypatch.setenv("TLS_IS_KEY", "demo-key")


def _profiles(base_url: str, ca: Path | None) -> tuple[Profile, Profile]:
    bundle = str(ca) if ca else None
    return (Profile(name="tls-lr", platform="liveramp", base_url=base_url, client_id="demo-client",
                    secret_env="TLS_LR_SECRET", ca_bundle=bundle),
            Profile(name="tls-is", platform="infosum", base_url=base_url, secret_env="TLS_IS_KEY", ca_bundle=bundle))


async def test_an_unknown_ca_is_refused_with_a_readable_error(https_emu):
    base_url, _ca = https_emu
    lr, inf = _profiles(base_url, None)
    async with LiveRampClient(lr) as client:
        with pytest.raises(ApiError) as refused:
            await client.list_cleanrooms()
        # regression: this was an "offline" error, retried 4 times, with the hint "unreachable"
        assert sum(client.calls.values()) == 1
    assert refused.value.code == "TLS" and not refused.value.offline and not refused.value.retryable
    assert "ca_bundle" in refused.value.hint
    assert "certificate" in str(refused.value).lower()
    async with InfoSumClient(inf) as client:
        with pytest.raises(ApiError) as refused:
            await client.list_collaborations()
    assert "certificate" in str(refused.value).lower()


async def test_a_custom_ca_bundle_is_trusted_and_still_verified(https_emu):
    base_url, ca = https_emu
    lr, inf = _profiles(base_url, ca)
    async with LiveRampClient(lr) as client:
        assert await client.list_cleanrooms()
    async with InfoSumClient(inf) as client:
        assert await client.list_collaborations()


def _config(tmp_path: Path, base_url: str, extra: str = "") -> Path:
    text = f"""
[profiles.tls-lr]
platform = "liveramp"
base_url = "{base_url}"
client_id = "demo-client"
secret_env = "TLS_LR_SECRET"
{extra}
"""
    path = tmp_path / "config.toml"
    write_private(path, text.encode())
    return path


@pytest.mark.parametrize("bundle", [False, True])
def test_headless_over_tls(https_emu, tmp_path, monkeypatch, capsys, fast_retries, bundle):
    base_url, ca = https_emu
    extra = f'ca_bundle = "{ca}"' if bundle else ""
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(_config(tmp_path, base_url, extra)))
    for _ in range(2):  # the second call goes through the quick path (token cached)
        code = main(["rooms", "--json"])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        if bundle:
            assert code == 0, err
        else:
            assert code == 3 and "certificate" in err.lower(), err


@pytest.mark.parametrize("line", ["verify = false", "insecure = true", "ssl_verify = false",
                                  "tls_verify = false", "verify_ssl = false", "ca_bundle = false"])
def test_config_cannot_switch_verification_off(tmp_path, line):
    with pytest.raises(ConfigError) as refused:
        load_config(_config(tmp_path, "https://api.habu.com", line))
    assert "ca_bundle" in str(refused.value)


def test_a_missing_ca_bundle_is_a_config_error_not_a_crash(tmp_path, monkeypatch, capsys):
    path = _config(tmp_path, "https://127.0.0.1:9", f'ca_bundle = "{tmp_path / "nope.pem"}"')
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert "nope.pem" in str(refused.value)
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(path))
    assert main(["rooms", "--json"]) == 2
    assert "Traceback" not in capsys.readouterr().err
