"""`Caller.scope_one`: what is always one customer's (a balance, their statistics)."""

from __future__ import annotations

import pytest

from msgplat.plumbing.caller import INTERNAL, Caller
from msgplat.plumbing.errors import NotFound, RequestInvalid


def test_a_customer_gets_their_own_and_an_operator_the_one_named() -> None:
    alice = Caller(role="customer", user_id="alice")
    assert alice.scope_one(None, "account") == "alice"
    assert alice.scope_one("alice", "account") == "alice"
    assert Caller(role="operator", user_id="op").scope_one("bob", "account") == "bob"
    with pytest.raises(NotFound):
        alice.scope_one("bob", "account")


def test_an_operator_naming_none_is_told_to_name_one() -> None:
    with pytest.raises(RequestInvalid) as refused:
        INTERNAL.scope_one(None, "customer")
    [error] = refused.value.errors
    assert (error.loc, error.msg) == (("query", "userId"), "name the customer: userId=...")
