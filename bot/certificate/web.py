"""The certificate's web routes: the verification page and the files.

    GET /verify/{code}            genuine (what it certifies, for whom) or not found (404);
                                  JSON with ?format=json or Accept: application/json
    GET /verify?code=…            the form on the page: redirects to /verify/<CODE>
    GET /certificate/{code}.png   the picture (404 when there is no such certificate)
    GET /certificate/{code}.pdf   the PDF, as a download
    GET /certificate/static/…     the page's stylesheet

The page shows what the certificate shows and nothing else about the learner. Whatever the
visitor typed is never written back unescaped; a malformed code is simply not found.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from string import Template

from aiohttp import web

from bot.certificate.media import (
    CertificateFiles,
    Kind,
    pdf_path,
    png_path,
    verify_path,
)
from bot.certificate.sheet import DISCLAIMER, NO_NAME, OFFICIAL_SITE, clean_name, module_titles
from bot.errors import StorageError
from bot.i18n import N_, Translator, translator
from storage import (
    AttemptRecord,
    CertificateRecord,
    ContestRecord,
    FamilyCertificateRecord,
    is_family_certificate,
    normalise_code,
)

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
PAGE = Template((HERE / "verify.html").read_text(encoding="utf-8"))
STATIC_DIR = HERE / "static"
# The page holds a name: no search engine, no referrer to other sites, nothing but our
# stylesheet (stricter than every other page's policy, bot/security.py).
HEADERS = {
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
}

GENUINE = N_("Genuine certificate")
GENUINE_WHAT = N_(
    "This certificate of course completion was issued by the Học vụ số chatbot. It certifies "
    "that the learner below completed all {lessons} lessons of its basic digital skills course."
)
ISSUED_TO = N_("Issued to")
ISSUED_ON = N_("Issued on")
MODULES = N_("Modules completed")
LESSONS = N_("Lessons completed")
CODE_LABEL = N_("Verification code")
OFFICIAL_PATH = N_(
    "The official recognition of digital skills is on the Bình dân học vụ số platform and VNeID:"
)
PICTURE = N_("Picture (PNG)")
NOT_FOUND = N_("Certificate not found")
NOT_FOUND_TEXT = N_(
    "No certificate of Học vụ số has this code. Check the code printed under the QR code and "
    "type it again: it has only letters and digits."
)
CHECK = N_("Check")
FAMILY_GENUINE = N_("Genuine family certificate: Gia đình số")
FAMILY_WHAT = N_(
    "This family met the rule of a “Gia đình số” on Học vụ số: its members who count completed "
    "the course ({members} members when it was issued). Members are not named."
)
# A contest's participation certificate (decision 41): a code, no name, no picture.
PARTICIPATION = N_("Genuine participation certificate")
PARTICIPATION_WHAT = N_(
    "This code was given by the Học vụ số chatbot to a learner who answered every question of "
    "the contest “{title}” ({questions} questions)."
)
FINISHED_ON = N_("Finished on")
PARTICIPATION_NOTE = N_(
    "It is not the official certification of the Bình dân học vụ số platform "
    "(binhdanhocvuso.gov.vn) or of VNeID."
)
UNAVAILABLE = N_("Sorry, certificates cannot be checked right now. Please try again later.")


class CertificateRoutes:
    """The verification page and the certificate files of one server.

    Args:
        files: where certificates are read and rendered.
        public_url: the server's public address (`HOCVUSO_PUBLIC_URL`), printed in QR codes;
            None: the address the request came to.
        default_locale: the page's language when the browser asks for none we have.
    """

    def __init__(
        self, files: CertificateFiles, *, public_url: str | None, default_locale: str = "vi"
    ) -> None:
        self.files, self.public_url, self.default_locale = files, public_url, default_locale

    def add_routes(self, app: web.Application) -> None:
        """Register the page and the files."""
        app.router.add_get("/verify", self.form)
        app.router.add_get("/verify/{code}", self.verify)
        app.router.add_get("/certificate/{code}.png", self.png)
        app.router.add_get("/certificate/{code}.pdf", self.pdf)
        app.router.add_static("/certificate/static/", STATIC_DIR)

    def base_url(self, request: web.Request) -> str:
        """Where this server is reached from outside."""
        return self.public_url or str(request.url.origin())

    def _t(self, request: web.Request) -> Translator:
        first = request.headers.get("Accept-Language", "").split(",", 1)[0].split(";", 1)[0]
        return translator(first.strip() or None, self.default_locale)

    # -- the page ------------------------------------------------------------------------------

    async def form(self, request: web.Request) -> web.StreamResponse:
        """The code typed into the page's form: on to its page (or not found)."""
        code = normalise_code(request.query.get("code", ""))
        if code is None:
            return self._page(request, None, status=404)
        raise web.HTTPSeeOther(verify_path(code))

    async def verify(self, request: web.Request) -> web.Response:
        """Whether the certificate with this code is genuine, and what it certifies."""
        wants_json = _wants_json(request)
        code = request.match_info["code"]
        try:
            record = await self.files.record(code)
            family = None
            if record is None and is_family_certificate(code):
                family = await self.files.storage.families.certificate(code)
        except StorageError:
            log.exception("certificate check failed: database unavailable")
            if wants_json:
                return web.json_response({"error": "unavailable"}, status=503, headers=HEADERS)
            return self._page(request, None, status=503)
        if family is not None:
            return self._family(request, family, wants_json=wants_json)
        if record is None:
            try:
                played = await self.files.storage.contests.by_certificate(code)
            except StorageError:
                played = None
            if played is not None:
                return self._participation(request, *played, wants_json=wants_json)
        if wants_json:
            return self._json(record)
        return self._page(request, record, status=200 if record else 404)

    def _family(
        self, request: web.Request, record: FamilyCertificateRecord, *, wants_json: bool
    ) -> web.Response:
        """A family's certificate (Gia đình số): no names, the date and how many members."""
        issued = record.issued_at.astimezone(self.files.zone)
        if wants_json:
            body = {
                "valid": True,
                "kind": "family",
                "code": record.code,
                "issued_on": issued.date().isoformat(),
                "members": record.members,
                "commune": record.commune,
                "issuer": "hocvuso",
                "official": False,
            }
            return web.json_response(body, headers=HEADERS)
        t = self._t(request)
        title = t.gettext(FAMILY_GENUINE)
        what = t.gettext(FAMILY_WHAT).format(members=t.number(record.members))
        body_html = "\n".join(
            (
                f"<h1>✓ {_e(title)}</h1>",
                f"<p>{_e(what)}</p>",
                "<dl>",
                f"<dt>{_e(t.gettext(ISSUED_ON))}</dt>"
                f"<dd>{_e(t.day(record.issued_at, self.files.zone))}</dd>",
                f"<dt>{_e(t.gettext(CODE_LABEL))}</dt><dd>{_e(record.code)}</dd>",
                "</dl>",
                f'<div class="note"><p>{_e(t.gettext(DISCLAIMER))}</p></div>',
                _files(record.code, t),
            )
        )
        page = PAGE.substitute(lang=t.locale, title=_e(title), kind="genuine", body=body_html)
        return web.Response(
            text=page, status=200, content_type="text/html", charset="utf-8", headers=HEADERS
        )

    def _participation(
        self,
        request: web.Request,
        contest: ContestRecord,
        attempt: AttemptRecord,
        *,
        wants_json: bool,
    ) -> web.Response:
        """A contest's participation code: the contest and the day, never a name."""
        finished = attempt.finished_at or attempt.started_at
        day = finished.astimezone(self.files.zone).date()
        if wants_json:
            body = {
                "valid": True,
                "kind": "contest_participation",
                "code": attempt.certificate_code,
                "contest": contest.title,
                "questions": len(contest.questions),
                "finished_on": day.isoformat(),
                "issuer": "hocvuso",
                "official": False,
            }
            return web.json_response(body, headers=HEADERS)
        t = self._t(request)
        title = t.gettext(PARTICIPATION)
        what = t.gettext(PARTICIPATION_WHAT).format(
            title=contest.title, questions=t.number(len(contest.questions))
        )
        body_html = "\n".join(
            (
                f"<h1>✓ {_e(title)}</h1>",
                f"<p>{_e(what)}</p>",
                "<dl>",
                f"<dt>{_e(t.gettext(FINISHED_ON))}</dt><dd>{_e(t.day(day))}</dd>",
                f"<dt>{_e(t.gettext(CODE_LABEL))}</dt>"
                f"<dd>{_e(attempt.certificate_code or '')}</dd>",
                "</dl>",
                f'<div class="note"><p>{_e(t.gettext(PARTICIPATION_NOTE))}</p></div>',
                _files(attempt.certificate_code or "", t),
            )
        )
        page = PAGE.substitute(lang=t.locale, title=_e(title), kind="genuine", body=body_html)
        return web.Response(text=page, content_type="text/html", charset="utf-8", headers=HEADERS)

    def _json(self, record: CertificateRecord | None) -> web.Response:
        if record is None:
            return web.json_response({"valid": False}, status=404, headers=HEADERS)
        titles = module_titles(record, self.files.titles)
        body = {
            "valid": True,
            "code": record.code,
            "display_name": clean_name(record.display_name),
            "issued_on": record.issued_at.astimezone(self.files.zone).date().isoformat(),
            "modules": [
                {"id": module, "title": title}
                for module, title in zip(record.modules, titles, strict=True)
            ],
            "lessons": record.lessons,
            "content_version": record.content_version,
            "issuer": "hocvuso",
            # A completion of our course, never the national certification.
            "official": False,
        }
        return web.json_response(body, headers=HEADERS)

    def _page(
        self, request: web.Request, record: CertificateRecord | None, *, status: int
    ) -> web.Response:
        t = self._t(request)
        if record is not None:
            title, kind, body = t.gettext(GENUINE), "genuine", self._genuine(record, t)
        elif status == 503:
            title, kind = t.gettext(UNAVAILABLE), "unknown"
            body = f"<h1>{_e(title)}</h1>"
        else:
            title, kind, body = t.gettext(NOT_FOUND), "unknown", self._not_found(t)
        page = PAGE.substitute(lang=t.locale, title=_e(title), kind=kind, body=body)
        return web.Response(
            text=page, status=status, content_type="text/html", charset="utf-8", headers=HEADERS
        )

    def _genuine(self, record: CertificateRecord, t: Translator) -> str:
        name = clean_name(record.display_name)
        shown = (
            f'<dd class="name">{_e(name)}</dd>' if name else f"<dd>{_e(t.gettext(NO_NAME))}</dd>"
        )
        modules = "".join(
            f"<li>{_e(title)}</li>" for title in module_titles(record, self.files.titles)
        )
        lessons = t.number(record.lessons)
        return "\n".join(
            (
                f"<h1>✓ {_e(t.gettext(GENUINE))}</h1>",
                f"<p>{_e(t.gettext(GENUINE_WHAT).format(lessons=lessons))}</p>",
                "<dl>",
                f"<dt>{_e(t.gettext(ISSUED_TO))}</dt>{shown}",
                f"<dt>{_e(t.gettext(ISSUED_ON))}</dt>"
                f"<dd>{_e(t.day(record.issued_at, self.files.zone))}</dd>",
                f"<dt>{_e(t.gettext(MODULES))}</dt><dd><ul>{modules}</ul></dd>",
                f"<dt>{_e(t.gettext(LESSONS))}</dt><dd>{_e(lessons)}</dd>",
                f"<dt>{_e(t.gettext(CODE_LABEL))}</dt><dd>{_e(record.code)}</dd>",
                "</dl>",
                f'<div class="note"><p>{_e(t.gettext(DISCLAIMER))}</p>',
                f"<p>{_e(t.gettext(OFFICIAL_PATH))} "
                f'<a href="{OFFICIAL_SITE}" rel="noopener">binhdanhocvuso.gov.vn</a></p></div>',
                _files(record.code, t),
            )
        )

    def _not_found(self, t: Translator) -> str:
        return "\n".join(
            (
                f"<h1>✗ {_e(t.gettext(NOT_FOUND))}</h1>",
                f"<p>{_e(t.gettext(NOT_FOUND_TEXT))}</p>",
                '<form method="get" action="/verify">',
                f'<label for="code">{_e(t.gettext(CODE_LABEL))}</label>',
                '<input id="code" name="code" maxlength="24" autocomplete="off" required>',
                f'<button type="submit">{_e(t.gettext(CHECK))}</button>',
                "</form>",
                f'<div class="note"><p>{_e(t.gettext(OFFICIAL_PATH))} '
                f'<a href="{OFFICIAL_SITE}" rel="noopener">binhdanhocvuso.gov.vn</a></p></div>',
            )
        )

    # -- the files -----------------------------------------------------------------------------

    async def png(self, request: web.Request) -> web.Response:
        """The certificate's picture."""
        return await self._file(request, "png")

    async def pdf(self, request: web.Request) -> web.Response:
        """The certificate's PDF, offered as a download."""
        return await self._file(request, "pdf")

    async def _file(self, request: web.Request, kind: Kind) -> web.Response:
        try:
            found = await self.files.file(request.match_info["code"], kind, self.base_url(request))
        except StorageError:
            log.exception("certificate file not served: database unavailable")
            return self._page(request, None, status=503)
        if found is None:
            return self._page(request, None, status=404)
        disposition = "attachment" if kind == "pdf" else "inline"
        headers = {
            "X-Robots-Tag": "noindex",
            "Content-Disposition": f'{disposition}; filename="{found.filename}"',
            # Erasing one's data deletes the certificate: caches must not keep it for long.
            "Cache-Control": "private, max-age=300",
        }
        return web.Response(body=found.content, content_type=found.content_type, headers=headers)


def _files(code: str, t: Translator) -> str:
    """Links to the certificate's picture and PDF (every kind has both)."""
    return "\n".join(
        (
            '<div class="files">',
            f'<a href="{_e(png_path(code))}">{_e(t.gettext(PICTURE))}</a>',
            f'<a href="{_e(pdf_path(code))}">PDF</a>',
            "</div>",
        )
    )


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _wants_json(request: web.Request) -> bool:
    if request.query.get("format") == "json":
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


__all__ = ["CertificateRoutes"]
