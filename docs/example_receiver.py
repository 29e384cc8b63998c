#!/usr/bin/env python3
"""An example receiver of hocvuso's summary snapshots (docs/reporting-api.md), in the standard
library only: it checks the `X-Hocvuso-Signature` (HMAC-SHA256, timestamps within 5 minutes),
stores each snapshot once per `Idempotency-Key` in a SQLite file, and answers

    200  a new snapshot, stored
    409  a key it has already (hocvuso counts that as delivered)
    401  no signature, a wrong one, or a timestamp more than 5 minutes off
    400  not a hocvuso.summary/1 document, or its idempotency_key differs from the header's

Run it with the secret hocvuso signs with (HOCVUSO_REPORT_SECRET on both sides):

    HOCVUSO_REPORT_SECRET=... python3 docs/example_receiver.py --port 8099 --db snapshots.db

and point hocvuso at it: HOCVUSO_REPORT_URL=http://127.0.0.1:8099/snapshots.
hocvuso's tests run this very file.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import os
import sqlite3
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE = 300  # seconds a signature's timestamp may be off: replays older than this fail
MAX_BODY = 20 * 1024 * 1024
SCHEMA = "hocvuso.summary/1"


def verify(header: str | None, body: bytes, secret: str, now: float) -> bool:
    """Whether `header` (t=<unix>,v1=<hex>) signs `body` with `secret` within the tolerance."""
    fields = dict(part.strip().split("=", 1) for part in (header or "").split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > TOLERANCE:
        return False
    signed = f"{timestamp}.".encode() + body
    expected = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields.get("v1", ""))


class Store:
    """Snapshots by idempotency key, in one SQLite file."""

    def __init__(self, path: str) -> None:
        self.path, self._lock = path, threading.Lock()
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS snapshot (key TEXT PRIMARY KEY, "
                "received_at REAL NOT NULL, body TEXT NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def add(self, key: str, body: str) -> bool:
        """Store a snapshot; False when its key was stored before."""
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO snapshot (key, received_at, body) VALUES (?, ?, ?)",
                (key, time.time(), body),
            )
            return cursor.rowcount == 1


def handler(store: Store, secret: str) -> type[BaseHTTPRequestHandler]:
    """The request handler class for a store and a secret."""

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_BODY:
                return self._answer(400, "a JSON body is required")
            body = self.rfile.read(length)
            if not verify(self.headers.get("X-Hocvuso-Signature"), body, secret, time.time()):
                return self._answer(401, "bad or missing signature")
            key = self.headers.get("Idempotency-Key", "")
            try:
                document = json.loads(body)
            except ValueError:
                return self._answer(400, "the body is not JSON")
            if not isinstance(document, dict) or document.get("schema") != SCHEMA:
                return self._answer(400, f"the body is not a {SCHEMA} document")
            if not key or document.get("idempotency_key") != key:
                return self._answer(400, "Idempotency-Key and idempotency_key differ")
            if store.add(key, body.decode("utf-8")):
                return self._answer(200, "stored")
            return self._answer(409, "already stored")

        def _answer(self, status: int, message: str) -> None:
            raw = json.dumps({"status": status, "message": message}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            sys.stderr.write(f"receiver: {format % args}\n")

    return Receiver


def main() -> int:
    parser = argparse.ArgumentParser(description="Receive hocvuso's summary snapshots.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--db", default="snapshots.db", help="the SQLite file to store in")
    args = parser.parse_args()
    secret = os.environ.get("HOCVUSO_REPORT_SECRET", "")
    if not secret:
        print("set HOCVUSO_REPORT_SECRET to the secret hocvuso signs with", file=sys.stderr)
        return 2
    server = ThreadingHTTPServer((args.host, args.port), handler(Store(args.db), secret))
    print(f"listening on http://{args.host}:{args.port}/", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
