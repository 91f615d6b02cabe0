"""The funnel's stage order, without a database."""

import doctest

from social_crm import funnel


def test_doctests():
    assert doctest.testmod(funnel).failed == 0


def test_funnel_moves_forward_only():
    assert funnel.is_further(None, "engaged")
    assert not funnel.is_further("customer", "lead")
    assert not funnel.is_further("lead", "lead")
    assert funnel.skipped("engaged", "lead") == ["follower", "consented"]
    assert funnel.skipped("lead", "customer") == []
