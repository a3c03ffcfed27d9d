"""Kafka over TLS, as Amazon MSK serves it, for real on loopback.

The local broker (Tansu) speaks plaintext only, so a TLS terminator
(`devstack/tls_proxy.py`) stands in front of it with a certificate of a throwaway CA
(`trustme`), and the broker advertises the terminator's port: the bootstrap and every
connection after it go through TLS. The services' own clients (`plumbing/kafka.py`:
admin, producer through the outbox relay, idempotent consumer) connect with host name
and certificate verification on, and with a client certificate where the terminator
asks for one (mutual TLS, MSK's `SSL` on port 9094). A wrong CA, a wrong host name or
a missing client certificate fail at start-up with the reason in the error.

SASL is checked without a broker: Tansu has no SCRAM or IAM. The MSK IAM token is
signed for real by `aws-msk-iam-sasl-signer-python` with fake static credentials
(signing is local: nothing is sent to AWS).
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import trustme
from aiokafka.errors import KafkaConnectionError
from pydantic import ValidationError

from msgplat.contracts.topics import ALL_TOPICS
from msgplat.devstack.broker import TansuBroker, free_port
from msgplat.devstack.tls_proxy import TlsTerminator
from msgplat.plumbing.kafka import MskIamTokenProvider, client_security, ensure_topics
from msgplat.plumbing.settings import ServiceSettings
from msgplat_testsupport.waiting import eventually


@dataclass
class Pki:
    """A throwaway CA, the broker's certificate, a client certificate, as PEM files."""

    folder: Path
    ca: trustme.CA

    def ca_file(self) -> str:
        path = self.folder / f"ca-{uuid.uuid4().hex[:6]}.pem"
        self.ca.cert_pem.write_to_path(str(path))
        return str(path)

    def server_context(self, *hosts: str, client_ca: trustme.CA | None = None) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(*hosts).configure_cert(context)
        if client_ca is not None:  # mutual TLS: only clients with a certificate of it
            client_ca.configure_trust(context)
            context.verify_mode = ssl.CERT_REQUIRED
        return context

    def client_files(self, name: str = "msgplat-test-client") -> tuple[str, str]:
        cert = self.ca.issue_cert(name)
        certfile, keyfile = self.folder / "client.pem", self.folder / "client.key"
        cert.cert_chain_pems[0].write_to_path(str(certfile))
        cert.private_key_pem.write_to_path(str(keyfile))
        return str(certfile), str(keyfile)


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    return Pki(tmp_path, trustme.CA())


@dataclass
class TlsBroker:
    bootstrap_servers: str


@asynccontextmanager
async def tls_broker(context: ssl.SSLContext) -> AsyncIterator[TlsBroker]:
    """Tansu on a free port, reached only through a TLS terminator on another."""
    port, tls_port = free_port(), free_port()
    broker = TansuBroker(
        port, advertised_port=tls_port, log_file=Path("test-artifacts/logs") / f"tls-{port}.log"
    )
    await asyncio.to_thread(broker.start)
    terminator = TlsTerminator(tls_port, port, context)
    await terminator.start()
    try:
        yield TlsBroker(f"127.0.0.1:{tls_port}")
    finally:
        await terminator.cut()
        await asyncio.to_thread(broker.stop)


def settings_with(**kafka: Any) -> ServiceSettings:
    """A service's settings with these broker settings (no database is reached)."""
    return ServiceSettings(service_name="t", database_url="postgresql://u@h/d", **kafka)


def tls_settings(bootstrap: str, **overrides: Any) -> ServiceSettings:
    return ServiceSettings(
        service_name="tls-test",
        database_url="postgresql://unused@127.0.0.1/unused",
        kafka_bootstrap_servers=bootstrap,
        kafka_security_protocol="SSL",
        kafka_request_timeout_ms=5_000,
        **overrides,
    )


# --- Through the terminator -------------------------------------------------------------


async def test_events_flow_through_tls_with_verification(
    pki: Pki, make_plumbing: Callable[..., Awaitable[Any]]
) -> None:
    """Outbox relay -> TLS -> broker -> TLS -> idempotent consumer, certificates checked."""
    async with tls_broker(pki.server_context("127.0.0.1", "localhost")) as broker:
        plumbing = await make_plumbing(
            broker, kafka_security_protocol="SSL", kafka_ssl_cafile=pki.ca_file()
        )
        assert plumbing.settings.kafka_security_protocol == "SSL"
        consumer = plumbing.consumer("tls-group")
        plumbing.start(consumer.run(), "consumer")
        relay = await plumbing.relay()
        plumbing.start(relay.run(), "relay")
        sent = await plumbing.commit_events(uuid.uuid4(), range(5))

        async def all_applied() -> bool:
            return len(await plumbing.effects_per_event("tls-group")) == len(sent)

        await eventually(all_applied, timeout_s=30)
        assert set(await plumbing.effects_per_event("tls-group")) == {e.event_id for e in sent}
        producer = relay.producer
        assert producer.client._security_protocol == "SSL"
        assert producer.client._ssl_context.check_hostname is True
        assert producer.client._ssl_context.verify_mode == ssl.CERT_REQUIRED


async def test_mutual_tls_presents_the_client_certificate(pki: Pki) -> None:
    client_ca = trustme.CA()
    clients = Pki(pki.folder, client_ca)
    context = pki.server_context("127.0.0.1", client_ca=client_ca)
    async with tls_broker(context) as broker:
        certfile, keyfile = clients.client_files()
        settings = tls_settings(
            broker.bootstrap_servers,
            kafka_ssl_cafile=pki.ca_file(),
            kafka_ssl_certfile=certfile,
            kafka_ssl_keyfile=keyfile,
        )
        await ensure_topics(settings, ALL_TOPICS)  # the admin client, over mutual TLS

        without = tls_settings(broker.bootstrap_servers, kafka_ssl_cafile=pki.ca_file())
        with pytest.raises(KafkaConnectionError) as refused:
            await ensure_topics(without, ALL_TOPICS)
        assert "TLS to 127.0.0.1" in str(refused.value)


async def test_a_broker_certificate_of_another_ca_is_refused_with_the_reason(pki: Pki) -> None:
    async with tls_broker(pki.server_context("127.0.0.1")) as broker:
        stranger = Pki(pki.folder, trustme.CA())
        settings = tls_settings(broker.bootstrap_servers, kafka_ssl_cafile=stranger.ca_file())
        with pytest.raises(KafkaConnectionError) as failed:
            await ensure_topics(settings, ALL_TOPICS)
        message = str(failed.value)
        assert "certificate verify failed" in message.lower() or "CERTIFICATE_VERIFY_FAILED" in (
            message
        ), message
        assert "KAFKA_SSL_CAFILE" in message


async def test_a_broker_certificate_for_another_host_is_refused(pki: Pki) -> None:
    async with tls_broker(pki.server_context("kafka.example.internal")) as broker:
        settings = tls_settings(broker.bootstrap_servers, kafka_ssl_cafile=pki.ca_file())
        with pytest.raises(KafkaConnectionError) as failed:
            await ensure_topics(settings, ALL_TOPICS)
        assert "TLS to 127.0.0.1" in str(failed.value)
        assert "mismatch" in str(failed.value).lower() or "verify" in str(failed.value).lower()


# --- The settings refuse what cannot work ----------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        (
            {"kafka_security_protocol": "PLAINTEXT", "kafka_sasl_mechanism": "OAUTHBEARER"},
            "PLAINTEXT",
        ),
        ({"kafka_security_protocol": "PLAINTEXT", "kafka_sasl_username": "u"}, "PLAINTEXT"),
        ({"kafka_security_protocol": "SSL", "kafka_sasl_mechanism": "SCRAM-SHA-512"}, "SASL_SSL"),
        ({"kafka_security_protocol": "SASL_SSL"}, "needs KAFKA_SASL_MECHANISM"),
        (
            {"kafka_security_protocol": "SASL_SSL", "kafka_sasl_mechanism": "SCRAM-SHA-512"},
            "KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD",
        ),
        (
            {
                "kafka_security_protocol": "SASL_SSL",
                "kafka_sasl_mechanism": "OAUTHBEARER",
                "kafka_sasl_password": "p",
            },
            "SCRAM-SHA-512 only",
        ),
        ({"kafka_security_protocol": "SSL", "kafka_ssl_keyfile": "/etc/hosts"}, "CERTFILE"),
        ({"kafka_security_protocol": "SSL", "kafka_ssl_cafile": "/nowhere/ca.pem"}, "no such"),
        ({"kafka_security_protocol": "TLS"}, "PLAINTEXT"),
    ],
)
def test_a_wrong_combination_is_refused_at_start(
    overrides: dict[str, str], says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    with pytest.raises(ValidationError) as refused:
        settings_with(**overrides)
    assert says in str(refused.value)


def test_msk_iam_without_a_region_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    iam = {"kafka_security_protocol": "SASL_SSL", "kafka_sasl_mechanism": "OAUTHBEARER"}
    with pytest.raises(ValidationError, match="region"):
        settings_with(**iam)
    monkeypatch.setenv("AWS_REGION", "ap-northeast-2")  # what EKS sets with IRSA
    settings = settings_with(**iam)
    assert settings.kafka_region() == "ap-northeast-2"


def test_scram_and_iam_client_options() -> None:
    scram = settings_with(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="msgplat",
        kafka_sasl_password="secret",
    )
    options = client_security(scram)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == ("msgplat", "secret")
    assert options["ssl_context"].check_hostname  # system CAs: they sign MSK's brokers
    iam = settings_with(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="OAUTHBEARER",
        kafka_aws_region="ap-northeast-2",
    )
    options = client_security(iam)
    assert options["sasl_mechanism"] == "OAUTHBEARER"
    assert isinstance(options["sasl_oauth_token_provider"], MskIamTokenProvider)
    assert client_security(settings_with()) == {"security_protocol": "PLAINTEXT"}


async def test_the_msk_iam_token_is_signed_for_the_region_and_reused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    provider = MskIamTokenProvider("ap-northeast-2")
    token = await provider.token()
    url = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.hostname == "kafka.ap-northeast-2.amazonaws.com"
    assert query["Action"] == ["kafka-cluster:Connect"]
    assert query["X-Amz-Credential"][0].startswith("AKIDEXAMPLE/")
    assert await provider.token() == token, "reused until shortly before it expires"
