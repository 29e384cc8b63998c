"""People in a family, on the web chat and Telegram of one running bot (`tests.roster.world`):
creating a family, joining it by link or typed code, passing the small course."""

from __future__ import annotations

import re

from tests.roster.world import Person

CODE = re.compile(r"/giadinh (GD[A-Z0-9]{6})")


def family_code(text: str) -> str:
    found = CODE.search(text)
    assert found is not None, text
    return found.group(1)


async def newcomer(person: Person, first: str = "/start") -> str:
    """Write first and agree; skip the profile questions unless a family notice came."""
    await person.say(first)
    said = await person.tap("Đồng ý")
    if "Bỏ qua phần này" in "".join(person.labels()):
        said = await person.tap("Bỏ qua phần này")
    return said


async def create_family(person: Person, alias: str) -> str:
    """`/giadinh` → "Tạo gia đình" → the alias (and the age band when the profile has none);
    the family's code."""
    await person.say("/giadinh")
    said = await person.tap("Tạo gia đình")
    assert "Gia đình gọi bác là gì" in said, said
    said = await person.say(alias)
    if "nhóm tuổi nào" in said:
        said = await person.tap("Từ 36 đến 59 tuổi")
    assert "Đã tạo gia đình, bác là người giúp" in said, said
    return family_code(said)


async def join_family(person: Person, alias: str, age: str | None) -> str:
    """On the family's notice: agree, the alias, the age band (when asked)."""
    said = await person.tap("Tôi đồng ý, tham gia")
    assert "Gia đình gọi bác là gì" in said, said
    said = await person.say(alias)
    if age is not None:
        assert "nhóm tuổi nào" in said, said
        said = await person.tap(age)
    assert f"Chào mừng {alias} vào gia đình" in said, said
    return said


async def pass_course(person: Person) -> str:
    """Read and pass A1 and A2 of the small catalog; what the last answer said."""
    await person.say("/menu")
    await person.tap("Học bài")
    while any("Tiếp tục" in label for label in person.labels()):
        await person.tap("Tiếp tục")
    await person.tap("Làm bài kiểm tra")
    await person.tap("Nút nguồn")
    await person.tap("Sai")
    await person.say("1, 2")  # the multiple-choice question, typed
    said = await person.say("nút nguồn")
    assert "qua bài này" in said, said
    await person.say("/menu")
    await person.tap("Học bài")
    while any("Tiếp tục" in label for label in person.labels()):
        await person.tap("Tiếp tục")
    await person.tap("Làm bài kiểm tra")
    said = await person.say("má")
    assert "qua bài này" in said, said
    return said
