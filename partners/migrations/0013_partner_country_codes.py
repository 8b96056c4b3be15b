# Partners' countries, typed as free text until now, become codes of django-countries' list, so
# that each visitor reads them in their own language. Names that mean no one country ("Global")
# become empty, and the migration says so; a name it cannot read stops the migration, naming the
# partner, so that no country is lost: correct it in the admin, then migrate again.

from django.db import migrations

from partners.countries import country_code


def names_to_codes(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    unknown, emptied = [], []
    changes = []
    for partner in Partner.objects.exclude(country="").order_by("pk"):
        code = country_code(partner.country)
        if code is None:
            unknown.append(f"  {partner.name} (id {partner.pk}): {partner.country!r}")
        else:
            if code == "":
                emptied.append(f"  {partner.name} (id {partner.pk}): {partner.country!r}")
            changes.append((partner.pk, code))
    if unknown:
        raise RuntimeError(
            "These partners' countries are not names of countries; write each as a country's "
            "name (in English, French or Spanish) or leave it empty, then migrate again:\n"
            + "\n".join(unknown)
        )
    for pk, code in changes:
        Partner.objects.filter(pk=pk).update(country=code)
    if emptied:
        print(
            "\nPartners working worldwide, now without a country:\n" + "\n".join(emptied),
        )


def codes_to_names(apps, schema_editor):
    from django_countries import countries

    Partner = apps.get_model("partners", "Partner")
    for partner in Partner.objects.exclude(country=""):
        name = dict(countries).get(partner.country)
        if name:
            Partner.objects.filter(pk=partner.pk).update(country=str(name))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0012_cache_recent_submissions"),
    ]

    operations = [migrations.RunPython(names_to_codes, codes_to_names)]
