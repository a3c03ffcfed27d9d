"""The generated docs stay in step with the code: events.md and the README's settings."""

from __future__ import annotations

from pathlib import Path

from msgplat.contracts.events import CATALOGUE
from msgplat.contracts.topics import PRODUCERS
from msgplat.devstack import eventdocs, settingsdocs

ROOT = Path(__file__).resolve().parents[1]


def test_events_md_is_generated_from_the_code() -> None:
    written = (ROOT / "docs" / "events.md").read_text()
    assert written == eventdocs.render(), (
        "docs/events.md differs from the event catalogue and subscriptions: run `make docs`"
    )


def test_readme_settings_table_is_generated_from_the_settings() -> None:
    readme = (ROOT / "README.md").read_text()
    assert settingsdocs.START_MARKER in readme and settingsdocs.END_MARKER in readme
    assert settingsdocs.table_in(readme) == settingsdocs.render(), (
        "the settings table in README.md differs from the settings classes: run `make docs`"
    )


def test_every_setting_has_a_description() -> None:
    missing = [v.name for v in settingsdocs.variables() if not v.description]
    assert not missing, f"undocumented settings {missing}: give each field a Field(description=...)"


def test_every_catalogued_event_has_a_producing_topic() -> None:
    orphans = {name: cls.topic for name, cls in CATALOGUE.items() if cls.topic not in PRODUCERS}
    assert not orphans, f"events on topics without a producer in contracts.topics: {orphans}"


def test_catalogue_names_match_their_classes() -> None:
    for name, cls in CATALOGUE.items():
        assert cls.event_type == name
        assert cls.schema_version >= 1
        missing = [v for v in range(1, cls.schema_version) if v not in cls.upcasts]
        assert not missing, f"{name}: versions {missing} have no upcast to the next"


def test_every_subscribed_event_is_in_the_catalogue() -> None:
    """A consumer parses by catalogue name: an uncatalogued class would never arrive."""
    for cls, subscribers in eventdocs.subscriptions().items():
        assert CATALOGUE.get(cls.event_type) is cls, (
            f"{cls.__name__} is subscribed by {subscribers} but not in the catalogue"
        )


def test_consumer_group_names_are_unique_across_services() -> None:
    """Two services sharing a group would split one topic's events between them."""
    owners: dict[str, set[str]] = {}
    for subscribers in eventdocs.subscriptions().values():
        for sub in subscribers:
            owners.setdefault(sub.group, set()).add(sub.service)
    shared = {group: services for group, services in owners.items() if len(services) > 1}
    assert not shared, f"consumer groups used by more than one service: {shared}"
