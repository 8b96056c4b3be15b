"""The partners introduction, the six benefits of partnering and GenMig's supporter,
from the GenMig page on the IOM website. No partner organizations are invented."""

from django.db import migrations

INTRO = {
    "slug": "partners",
    "title": "GenMig partners",
    "nav_title": "Partners",
    "summary": (
        "GenMig gathers research institutions, governments, intergovernmental and "
        "non-governmental organizations and the private sector, committed to gender "
        "equality in migration."
    ),
    "body": """\
GenMig gathers partners from research institutions, governments, intergovernmental and \
non-governmental organizations and the private sector. Partners are like-minded institutions \
and individuals committed to gender equality in migration and supporting impact research for \
systemic change in policies, operations, programming and practices in migration.

Partnering with GenMig enables you to join a wide network that supports GenMig impact \
globally. Partners benefit from a range of GenMig activities and IOM support.
""",
    "nav_position": 30,
}

BENEFITS = [
    "Closed multi-stakeholder dialogues and discussions on key issues, gender priorities and "
    "effective actions",
    "GenMig webinar series on the latest developments and findings in research on gender and "
    "migration",
    "Support to specific public/private events (upon request)",
    "Policy briefs, case studies and other impact research outputs to inform policies, "
    "operations, programming and practices",
    "Connections to IOM’s global field operations",
    "Access to GenMig partners",
]


def create_content(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    Benefit = apps.get_model("partners", "Benefit")
    Partner = apps.get_model("partners", "Partner")
    defaults = {key: value for key, value in INTRO.items() if key != "slug"}
    Page.objects.get_or_create(
        slug=INTRO["slug"], defaults={**defaults, "published": True, "show_in_nav": True}
    )
    if not Benefit.objects.exists():
        for position, text in enumerate(BENEFITS, start=1):
            Benefit.objects.create(text=text, position=position * 10, published=True)
    Partner.objects.get_or_create(
        slug="ircc",
        defaults={
            "name": "Immigration, Refugees and Citizenship Canada (IRCC)",
            "role": "supporter",
            "type": "government",
            "country": "Canada",
            "website": "https://www.canada.ca/en/immigration-refugees-citizenship.html",
            "published": True,
            "position": 10,
        },
    )


def remove_content(apps, schema_editor):
    apps.get_model("pages", "Page").objects.filter(slug=INTRO["slug"]).delete()
    apps.get_model("partners", "Benefit").objects.filter(text__in=BENEFITS).delete()
    apps.get_model("partners", "Partner").objects.filter(slug="ircc").delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial"), ("pages", "0002_initial_content")]

    operations = [migrations.RunPython(create_content, remove_content)]
