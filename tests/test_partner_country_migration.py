"""The migration that turns partners' typed countries into codes of the list: every name it
reads becomes a code, a name meaning no one country becomes empty and is reported, and a name
it cannot read stops it, named, with nothing lost."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("restore_migrated_content"),
]

BEFORE = [("partners", "0012_cache_recent_submissions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def add_partners(apps, countries):
    Partner = apps.get_model("partners", "Partner")
    for index, country in enumerate(countries):
        Partner.objects.create(
            name=f"Partner {index}", slug=f"partner-{index}", type="research", country=country
        )


def countries_now():
    from partners.models import Partner

    return dict(Partner.objects.filter(slug__startswith="partner-").values_list("slug", "country"))


def test_typed_names_become_codes_and_worldwide_ones_are_reported(capsys):
    old = migrate(BEFORE)
    add_partners(old, ["Kenya", "Pérou", "Alemania", "Global", ""])
    migrate(latest())
    assert countries_now() == {
        "partner-0": "KE",
        "partner-1": "PE",
        "partner-2": "DE",
        "partner-3": "",
        "partner-4": "",
    }
    assert "Partner 3 (id" in capsys.readouterr().out


def test_a_name_that_is_no_country_stops_the_migration_and_is_kept(capsys):
    old = migrate(BEFORE)
    add_partners(old, ["Kenya", "Atlantis"])
    with pytest.raises(RuntimeError, match=r"Partner 1 \(id \d+\): 'Atlantis'"):
        migrate(latest())
    Partner = old.get_model("partners", "Partner")
    # Nothing was changed: the typed names are all still there.
    assert sorted(Partner.objects.values_list("country", flat=True)) == ["Atlantis", "Kenya"]
    Partner.objects.filter(country="Atlantis").update(country="Chile")
    migrate(latest())
    assert countries_now() == {"partner-0": "KE", "partner-1": "CL"}


def test_going_back_gives_the_names_again():
    migrate(latest())
    from partners.models import Partner

    Partner.objects.create(name="Partner 0", slug="partner-0", type="research", country="SN")
    old = migrate(BEFORE)
    assert old.get_model("partners", "Partner").objects.get(slug="partner-0").country == "Senegal"
    migrate(latest())
    assert countries_now() == {"partner-0": "SN"}
