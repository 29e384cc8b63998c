"""An invite's QR code as each channel shows it, and the QR code read back from its picture."""

from __future__ import annotations

import io

from PIL import Image

from bot.channels.telegram.render import Outgoing
from bot.channels.telegram.render import render as telegram_render
from bot.channels.webchat.render import render_reply as webchat_render
from bot.channels.zalo_bot.render import Photo
from bot.channels.zalo_bot.render import render_reply as zalo_bot_render
from bot.channels.zalo_oa.render import render_reply as zalo_oa_render
from bot.core import Reply
from bot.core.ambassador_flow import invite_image
from bot.i18n import translator
from bot.invites import invite_code
from bot.invites.media import qr_png
from tests.certificate.helpers import expected_matrix, read_matrix
from tests.dialog import fixture_catalog

PUBLIC = "https://hocvuso.example.vn"
REPLY = Reply("📣 Lời mời của bác.", image=invite_image("ABC234"))


def test_the_image_name_is_read_back_and_nothing_else_is() -> None:
    assert invite_code("invite/ABC234.png") == "ABC234"
    assert invite_code("invite/abc234.png") == "ABC234"
    for other in ("certificate/ABC234.png", "a1/phone.png", "invite/../x.png", None):
        assert invite_code(other) is None


def test_the_qr_code_encodes_the_web_chat_link() -> None:
    url = f"{PUBLIC}/?start=ABC234"
    image = Image.open(io.BytesIO(qr_png(url)))
    expected = expected_matrix(url)
    assert read_matrix(image, len(expected)) == expected
    assert image.width >= 300  # printable


def test_each_channel_shows_the_invite() -> None:
    t = translator("vi")
    web = webchat_render(REPLY, t)
    assert web["image"] == "/invite/ABC234.png"
    assert web["links"] == [{"url": "/invite/ABC234.png", "label": "Mở mã QR (để in)"}]

    units = telegram_render(REPLY, fixture_catalog().lessons_dir)
    assert units[0] == Outgoing(invite="ABC234") and units[1].text == REPLY.text

    [message] = zalo_oa_render("u1", REPLY, "vi", public_url=PUBLIC)
    assert message["message"]["text"].endswith(
        f"Mã QR để cho xem hoặc in: {PUBLIC}/invite/ABC234.png"
    )

    photo, text = zalo_bot_render(REPLY, public_url=PUBLIC, locale="vi")
    assert photo == Photo(f"{PUBLIC}/invite/ABC234.png", "Mã QR lời mời của bác")
    assert isinstance(text, str) and f"{PUBLIC}/invite/ABC234.png" in text
    # Zalo fetches pictures only from https: on http the address alone.
    [only] = zalo_bot_render(REPLY, public_url="http://127.0.0.1:8080", locale="vi")
    assert isinstance(only, str) and "http://127.0.0.1:8080/invite/ABC234.png" in only
