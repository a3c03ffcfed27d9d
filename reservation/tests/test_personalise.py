"""Personalised texts without I/O: finding #{variables} and filling them in."""

from __future__ import annotations

import pytest

from msgplat.reservation.domain import MissingVariables, malformed, render, variables


def test_variables_are_listed_once_in_order_of_first_use() -> None:
    text = "#{name}님, #{고객_번호2} 주문이 #{name}님께 #{date}에 도착"
    assert variables(text) == ["name", "고객_번호2", "date"]


def test_text_without_variables_has_none() -> None:
    assert variables("안녕하세요 {name} #name #{ }") == []


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("#{고객 명}", ["#{고객 명}"]),
        ("#{}", ["#{}"]),
        ("#{a-b} and #{ok} and #{x.y}", ["#{a-b}", "#{x.y}"]),
        ("#{😀}", ["#{😀}"]),
    ],
)
def test_braces_around_a_bad_name_are_malformed(text: str, bad: list[str]) -> None:
    assert malformed(text) == bad
    assert variables(text) == ([] if "ok" not in text else ["ok"])


def test_well_formed_text_has_nothing_malformed() -> None:
    assert malformed("#{name} #{이름} #{A_1} # { } {x}") == []


def test_render_fills_each_variable_every_time_it_is_used() -> None:
    assert render("#{a}-#{b}-#{a}", {"a": "1", "b": "김", "c": "unused"}) == "1-김-1"


def test_render_of_text_without_variables_is_the_text() -> None:
    assert render("plain (광고) text", {}) == "plain (광고) text"


def test_values_are_inserted_as_they_are() -> None:
    # A value holding #{...} is not expanded again.
    assert render("hi #{name}", {"name": "#{name}"}) == "hi #{name}"
    assert render("#{v}", {"v": ""}) == ""


def test_every_missing_variable_is_named_once() -> None:
    with pytest.raises(MissingVariables) as caught:
        render("#{a} #{b} #{a} #{c}", {"b": "x"})
    assert caught.value.names == ["a", "c"]
