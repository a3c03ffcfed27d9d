"""Every rule of a new reservation without I/O: purpose, advertising, lead time,
templates and personalised recipients (validation.validate)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from msgplat.plumbing.errors import RequestInvalid
from msgplat.reservation.schemas import MsgReqCreate, TemplateWrite
from msgplat.reservation.settings import ReservationSettings
from msgplat.reservation.validation import StoredTemplate, Validated, validate
from msgplat_testsupport.reservations import overridden

NOW = datetime(2030, 5, 1, 3, 0, tzinfo=UTC)  # 12:00 in Seoul
SETTINGS = ReservationSettings(
    database_url="postgresql://unused/x",
    reserve_min_lead_s=600,
    ad_sending_hours="08:00-21:00",
    ad_sending_timezone="Asia/Seoul",
)
AD = "(광고) 봄 세일 무료거부 080-123-4567"
HANGUL = "가"  # 2 bytes in EUC-KR


def command(**fields: Any) -> MsgReqCreate:
    data: dict[str, Any] = {
        "userId": "u1",
        "msgTitle": "공지",
        "msgContent": "안녕하세요",
        "dstNum": ["01012345678"],
        "callbackNum": "0212345678",
    }
    return MsgReqCreate.model_validate(overridden(data, fields))


SENDERS = frozenset({"0212345678"})  # the customer's verified sender numbers


def ok(cmd: MsgReqCreate, template: StoredTemplate | None = None) -> Validated:
    return validate(SETTINGS, cmd, now=NOW, senders=SENDERS, template=template)


def refused(
    cmd: MsgReqCreate, template: StoredTemplate | None = None, senders: frozenset[str] = SENDERS
) -> dict[Any, str]:
    with pytest.raises(RequestInvalid) as caught:
        validate(SETTINGS, cmd, now=NOW, senders=senders, template=template)
    return {error.loc: error.msg for error in caught.value.errors}


def at_seoul(hour: int, minute: int = 0, days: int = 0) -> str:
    return (datetime(2030, 5, 1, hour, minute) + timedelta(days=days)).isoformat()


# --- the callback number: a verified sender of the customer's ----------------------------


def test_the_callback_number_must_be_a_verified_sender_of_the_customer() -> None:
    assert ok(command(callbackNum="02-1234-5678")).callback == "0212345678"
    message = refused(command(callbackNum="02-2345-6789"))[("body", "callbackNum")]
    assert "not a verified sender number" in message and "POST /senders" in message
    assert ("body", "callbackNum") in refused(command(), senders=frozenset())
    # A malformed number is named for its form, not for its registration.
    assert "registered" not in refused(command(callbackNum="02-123"))[("body", "callbackNum")]


# --- purpose and advertising ------------------------------------------------------------


def test_purpose_defaults_to_normal() -> None:
    assert ok(command()).purpose == "normal"
    assert ok(command(purpose="authentication")).purpose == "authentication"


def test_advertising_names_each_missing_part_on_msg_content() -> None:
    errors = refused(command(purpose="advertising", msgContent="봄 세일"))
    message = errors[("body", "msgContent")]
    assert "must start with (광고)" in message
    assert "opt-out number" in message
    only_number = refused(command(purpose="advertising", msgContent="(광고) 봄 세일"))
    assert "opt-out number" in only_number[("body", "msgContent")]
    assert "must start with" not in only_number[("body", "msgContent")]


def test_normal_messages_need_no_marker() -> None:
    assert ok(command(msgContent="봄 세일")).purpose == "normal"


def test_advertising_within_the_hours_is_accepted() -> None:
    v = ok(command(purpose="advertising", msgContent=AD, reserveDt=at_seoul(20, 59)))
    assert v.purpose == "advertising"
    assert ok(command(purpose="advertising", msgContent=AD, reserveDt=...)).reserve_dt == NOW


def test_advertising_due_at_night_gives_the_rule_and_the_earliest_time() -> None:
    errors = refused(command(purpose="advertising", msgContent=AD, reserveDt=at_seoul(21, 0)))
    message = errors[("body", "reserveDt")]
    assert "advertising may only be sent 08:00-21:00 Asia/Seoul" in message
    assert "earliest accepted reserveDt is 2030-05-02T08:00:00+09:00" in message


def test_advertising_sent_now_at_night_is_refused_on_reserve_dt() -> None:
    night = datetime(2030, 5, 1, 14, 0, tzinfo=UTC)  # 23:00 in Seoul
    with pytest.raises(RequestInvalid) as caught:
        validate(
            SETTINGS, command(purpose="advertising", msgContent=AD), now=night, senders=SENDERS
        )
    [error] = caught.value.errors
    assert error.loc == ("body", "reserveDt")
    assert error.msg.startswith("cannot be sent now (23:00)")
    assert "2030-05-02T08:00:00+09:00" in error.msg


# --- lead time and horizon --------------------------------------------------------------


def test_a_reserve_dt_sooner_than_the_lead_time_is_refused() -> None:
    errors = refused(command(reserveDt=at_seoul(12, 5)))
    assert "RESERVE_MIN_LEAD_S" in errors[("body", "reserveDt")]
    assert "2030-05-01T03:10:00+00:00" in errors[("body", "reserveDt")]
    assert ok(command(reserveDt=at_seoul(12, 10))).reserve_dt == NOW + timedelta(minutes=10)


def test_beyond_the_horizon_gives_the_latest_accepted() -> None:
    errors = refused(command(reserveDt=at_seoul(12, 1, days=90)))
    assert "the latest accepted is 2030-07-30T03:00:00+00:00" in errors[("body", "reserveDt")]


# --- templates --------------------------------------------------------------------------

TEMPLATE = StoredTemplate(
    id=uuid.uuid4(), title="안내", content="#{name}님, 안녕하세요", purpose="normal"
)


def test_a_template_gives_the_title_content_and_purpose() -> None:
    cmd = command(
        msgTitle=...,
        msgContent=...,
        dstNum=...,
        templateId=str(TEMPLATE.id),
        recipients=[{"dstNum": "01012345678", "variables": {"name": "김"}}],
    )
    v = ok(cmd, TEMPLATE)
    assert (v.title, v.content, v.template_id) == ("안내", TEMPLATE.content, TEMPLATE.id)
    assert v.texts == ["김님, 안녕하세요"]


def test_template_and_content_together_are_refused() -> None:
    cmd = command(templateId=str(TEMPLATE.id))
    errors = refused(cmd, TEMPLATE)
    assert "give either templateId or msgContent" in errors[("body", "msgContent")]
    assert "give either templateId or msgTitle" in errors[("body", "msgTitle")]


def test_an_unknown_template_is_named() -> None:
    cmd = command(msgTitle=..., msgContent=..., templateId=str(uuid.uuid4()))
    assert "no such template" in refused(cmd, None)[("body", "templateId")]


def test_a_purpose_other_than_the_templates_is_refused() -> None:
    ad = StoredTemplate(id=uuid.uuid4(), title="t", content=AD, purpose="advertising")
    cmd = command(msgTitle=..., msgContent=..., templateId=str(ad.id), purpose="normal")
    assert "for advertising messages" in refused(cmd, ad)[("body", "purpose")]
    cmd = command(msgTitle=..., msgContent=..., templateId=str(ad.id))
    assert ok(cmd, ad).purpose == "advertising"


def test_a_broken_advertising_template_is_reported_on_template_id() -> None:
    ad = StoredTemplate(id=uuid.uuid4(), title="t", content="세일", purpose="advertising")
    cmd = command(msgTitle=..., msgContent=..., templateId=str(ad.id))
    assert "must start with (광고)" in refused(cmd, ad)[("body", "templateId")]


def test_without_template_title_and_content_are_required() -> None:
    with pytest.raises(ValueError, match="Field required \\(or give templateId\\)"):
        command(msgContent=...)


# --- personalised recipients ------------------------------------------------------------


def recipients(*variables: dict[str, str], numbers: list[str] | None = None) -> list[Any]:
    numbers = numbers or [f"010{1000_0000 + i:08d}" for i in range(len(variables))]
    return [{"dstNum": n, "variables": v} for n, v in zip(numbers, variables, strict=True)]


def test_each_recipient_gets_its_own_text_and_type() -> None:
    cmd = command(
        msgContent="#{name}님 #{memo}",
        dstNum=...,
        recipients=recipients({"name": "김", "memo": "hi"}, {"name": "이", "memo": HANGUL * 60}),
    )
    v = ok(cmd)
    assert v.personalised
    assert v.texts == ["김님 hi", "이님 " + HANGUL * 60]
    assert v.msg_types == ["SMS", "LMS"]
    assert v.msg_type == "LMS"
    assert v.msg_counts == {"SMS": 1, "LMS": 1}
    assert v.content == "#{name}님 #{memo}"


def test_duplicates_are_dropped_keeping_the_first_and_its_variables() -> None:
    cmd = command(
        msgContent="#{n}",
        dstNum=...,
        recipients=recipients(
            {"n": "first"},
            {"n": "second"},
            {"n": "third"},
            numbers=["010-1111-2222", "01011112222", "01033334444"],
        ),
    )
    v = ok(cmd)
    assert v.recipients.numbers == ["+821011112222", "+821033334444"]
    assert v.recipients.duplicates_dropped == 1
    assert v.texts == ["first", "third"]


def test_a_missing_variable_is_reported_at_the_recipient_index_and_name() -> None:
    cmd = command(
        msgContent="#{a} #{b}",
        dstNum=...,
        recipients=recipients({"a": "1", "b": "2"}, {"a": "1"}, {}),
    )
    errors = refused(cmd)
    assert set(errors) == {
        ("body", "recipients", 1, "variables", "b"),
        ("body", "recipients", 2, "variables", "a"),
        ("body", "recipients", 2, "variables", "b"),
    }
    assert "#{b}" in errors[("body", "recipients", 1, "variables", "b")]


def test_an_over_long_rendering_is_reported_at_the_recipient() -> None:
    cmd = command(
        msgContent="#{x}",
        dstNum=...,
        recipients=recipients({"x": "ok"}, {"x": HANGUL * 1001}, {"x": "😀"}),
    )
    errors = refused(cmd)
    assert "is 2002 bytes in EUC-KR" in errors[("body", "recipients", 1)]
    assert "cannot be sent by carriers" in errors[("body", "recipients", 2)]


def test_a_bad_recipient_number_is_named_at_its_dst_num() -> None:
    cmd = command(
        msgContent="#{x}",
        dstNum=...,
        recipients=recipients({"x": "1"}, {"x": "2"}, numbers=["01012345678", "0212345678"]),
    )
    assert ("body", "recipients", 1, "dstNum") in refused(cmd)


def test_variables_need_recipients_not_dst_num() -> None:
    assert "give recipients" in refused(command(msgContent="#{name}"))[("body", "dstNum")]


def test_dst_num_and_recipients_together_are_refused() -> None:
    cmd = command(recipients=recipients({}))
    assert "either dstNum or recipients" in refused(cmd)[("body", "recipients")]


def test_recipients_without_variables_in_the_text_are_not_personalised() -> None:
    v = ok(command(dstNum=..., recipients=recipients({"x": "1"}, {})))
    assert not v.personalised and v.texts is None
    assert v.msg_counts == {"SMS": 2, "LMS": 0}


def test_title_variables_are_refused() -> None:
    errors = refused(command(msgTitle="#{name}님"))
    assert "cannot hold variables (#{name})" in errors[("body", "msgTitle")]


def test_a_malformed_variable_is_refused() -> None:
    errors = refused(command(msgContent="#{고객 명}님"))
    assert "#{고객 명} is not a variable" in errors[("body", "msgContent")]


def test_advertising_is_checked_on_the_text_before_rendering() -> None:
    cmd = command(
        purpose="advertising",
        msgContent="#{ad} 세일",
        dstNum=...,
        recipients=recipients({"ad": "(광고) 080-123-4567"}),
    )
    message = refused(cmd)[("body", "msgContent")]
    assert "must start with (광고)" in message and "opt-out number" in message


def test_a_hundred_thousand_personalised_recipients_are_checked_quickly() -> None:
    import time

    many = [{"dstNum": f"010{i:08d}", "variables": {"name": f"고객{i}"}} for i in range(100_000)]
    cmd = command(msgContent="#{name}님, 주문이 도착했습니다.", dstNum=..., recipients=many)
    started = time.perf_counter()
    v = ok(cmd)
    assert time.perf_counter() - started < 5
    assert len(v.texts or []) == 100_000
    assert v.texts and v.texts[99_999] == "고객99999님, 주문이 도착했습니다."


# --- template text ----------------------------------------------------------------------


def test_template_bodies_use_camel_case_and_default_to_normal() -> None:
    body = TemplateWrite.model_validate({"name": "n", "msgTitle": "t", "msgContent": "c"})
    assert body.purpose == "normal"
