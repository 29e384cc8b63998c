"""docs/example_receiver.py run as the docs say (a subprocess on loopback): a good signature is
stored once (a repeat is 409), a bad one, a missing one and a stale timestamp are 401; the
push delivers to it end to end; the worked HMAC example in docs/reporting-api.md is what the
code computes."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.reports.auth import SIGNATURE_HEADER, signature
from bot.reports.delivery import SnapshotDelivery
from bot.reports.push import idempotency_key, queue_snapshot
from bot.reports.push_config import PushConfig, ReportAuth
from bot.service import utc_now
from storage import Storage
from tests.conftest import ROOT, free_port
from tests.reports.push_world import EXAMPLE, SECRET, sample_document


@dataclass
class Receiver:
    url: str
    db: Path

    def stored(self) -> list[str]:
        with sqlite3.connect(self.db) as db:
            return [key for (key,) in db.execute("SELECT key FROM snapshot ORDER BY key")]


@pytest.fixture
def example_receiver(tmp_path: Path) -> Iterator[Receiver]:
    port, db = free_port(), tmp_path / "snapshots.db"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "docs" / "example_receiver.py"), "--port", str(port)]
        + ["--db", str(db)],
        env={**os.environ, "HOCVUSO_REPORT_SECRET": SECRET},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().decode().startswith("listening on")
        yield Receiver(f"http://127.0.0.1:{port}/snapshots", db)
    finally:
        process.terminate()
        process.wait(timeout=10)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def signed(document: dict[str, object], *, at: float | None = None, secret: str = SECRET):
    key = idempotency_key(document)
    body = json.dumps({**document, "idempotency_key": key}).encode()
    stamp = int(time.time() if at is None else at)
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        SIGNATURE_HEADER: signature(secret, stamp, body),
    }
    return key, body, headers


def test_the_example_receiver_stores_good_snapshots_once_and_refuses_bad_signatures(
    example_receiver: Receiver,
) -> None:
    url = example_receiver.url
    key, body, headers = signed(sample_document())
    assert post(url, body, headers) == 200
    assert post(url, body, headers) == 409
    # A wrong secret, a changed body, no signature, a timestamp 6 minutes old or ahead.
    _, _, forged = signed(sample_document(), secret="another-secret-0123456789")
    assert post(url, body, forged) == 401
    assert post(url, body.replace(b'"enrolled": 40', b'"enrolled": 41'), headers) == 401
    assert post(url, body, {**headers, SIGNATURE_HEADER: ""}) == 401
    other = sample_document(enrolled=7)
    for skew in (-360, 360):
        _, stale_body, stale = signed(other, at=time.time() + skew)
        assert post(url, stale_body, stale) == 401
    # Within the tolerance it is fine; a key that is not the body's is refused.
    other_key, other_body, recent = signed(other, at=time.time() - 240)
    assert post(url, other_body, {**recent, "Idempotency-Key": key}) == 400
    assert post(url, other_body, recent) == 200
    assert example_receiver.stored() == sorted([key, other_key])


async def test_the_push_delivers_to_the_example_receiver_and_a_replay_is_409(
    storage: Storage, example_receiver: Receiver
) -> None:
    config = PushConfig(url=example_receiver.url, auth=ReportAuth.HMAC, secret=SECRET)
    delivery = SnapshotDelivery(storage, config, clock=utc_now)
    try:
        first = await queue_snapshot(storage, sample_document(), utc_now())
        second = await queue_snapshot(storage, sample_document(enrolled=99), utc_now())
        assert await delivery.deliver_due() == {"sent": 2}
        assert first.id is not None
        assert await storage.outbox.requeue(first.id, utc_now(), channel="report")
        assert await delivery.deliver_due() == {"sent": 1}
        wrong = SnapshotDelivery(
            storage,
            PushConfig(url=example_receiver.url, auth=ReportAuth.HMAC, secret="x" * 20),
            clock=utc_now,
        )
        try:
            refused = await queue_snapshot(storage, sample_document(enrolled=5), utc_now())
            assert await wrong.deliver_due() == {"dead": 1}
        finally:
            await wrong.close()
    finally:
        await delivery.close()
    assert example_receiver.stored() == sorted([first.key, second.key])
    assert refused.id is not None
    row = await storage.outbox.entry(refused.id)
    assert row is not None and row.status == "dead"
    assert "401" in (row.last_error or "") and "bad or missing signature" in (row.last_error or "")


def test_the_worked_hmac_example_in_the_docs_is_what_the_code_computes() -> None:
    text = (ROOT / "docs" / "reporting-api.md").read_text(encoding="utf-8")

    def line(name: str) -> str:
        found = re.search(rf"^{name} +(.+)$", text, flags=re.MULTILINE)
        assert found, f"docs/reporting-api.md: no `{name}` line in the worked example"
        return found.group(1)

    secret, stamp, body = line("secret"), int(line("t")), line("body").encode()
    assert line("signed") == f"{stamp}.{body.decode()}"
    expected = signature(secret, stamp, body)
    assert line("header") == f"{SIGNATURE_HEADER}: {expected}"
    header = expected
    assert EXAMPLE.verify(header, body, secret, stamp + 299)
    assert not EXAMPLE.verify(header, body, secret, stamp + 301)
    assert not EXAMPLE.verify(header, body + b" ", secret, stamp)
