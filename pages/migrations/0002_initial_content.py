"""The site's first content, from the GenMig page on the IOM website."""

from django.db import migrations

HOME_BODY = """\
GenMig – the Gender and Migration Research Policy Action Lab – is a multistakeholder \
initiative under the leadership of IOM Deputy Director General for Operations, Ugochi Daniels, \
which is focused on impact research for supporting gender-responsive policies, operations, \
programming and practices in migration.

While everyone should have the same opportunities for safe and regular migration in dignity, \
research highlights continuing systemic gender inequalities throughout the migration cycle. \
Building on IOM’s expertise and wide network, GenMig is committed to support the many actors \
involved in migration to improve gender equality for the benefit of migrants, as well as \
societies of origin and destination. The initiative also supports the realization of the \
2030 Agenda for Sustainable Development (particularly Sustainable Development Goals 5 and 10) \
and the implementation of the Global Compact for Safe, Orderly and Regular Migration.

Designed as a highly collaborative venture, GenMig brings together a global network of partners \
from research institutions, governments, intergovernmental organizations, non-governmental \
organizations and the private sector committed to gender equality.

## Stay informed

Stay tuned for updates on GenMig by regularly visiting this site and through our regular \
newsletter. For more information, please contact [research@iom.int](mailto:research@iom.int).

GenMig is supported by Immigration, Refugees and Citizenship Canada (IRCC).
"""

BACKGROUND_BODY = """\
The gap between male and female international migrants is growing. As highlighted in the \
[World Migration Report 2022](https://worldmigrationreport.iom.int/), in 2000, 49.4 per cent \
of international migrants were female, while in 2020 this proportion had declined to \
47.9 per cent. In other words, in those 20 years the share of women among international \
migrants fell by 1.5 percentage points, and the share of men rose by as much.

As part of broader socioeconomic, technological and geopolitical transformations occurring \
globally, the gender-related impacts of international migration and mobility are widening and \
deepening right the way through the migration cycle, affecting the people who migrate but also \
those who remain in (or return to) origin countries.
"""

PAGES = [
    {
        "slug": "home",
        "title": "Gender and Migration Research Policy Action Lab",
        "nav_title": "Home",
        "summary": (
            "GenMig is IOM’s multistakeholder initiative for impact research that supports "
            "gender-responsive policies, operations, programming and practices in migration."
        ),
        "body": HOME_BODY,
        "nav_position": 10,
    },
    {
        "slug": "background",
        "title": "The gender gap in migration",
        "nav_title": "Background",
        "summary": (
            "The gap between male and female international migrants is growing: women were "
            "49.4 per cent of international migrants in 2000 and 47.9 per cent in 2020."
        ),
        "body": BACKGROUND_BODY,
        "nav_position": 20,
    },
]


def create_pages(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    for fields in PAGES:
        slug = fields["slug"]
        defaults = {key: value for key, value in fields.items() if key != "slug"}
        Page.objects.get_or_create(
            slug=slug, defaults={**defaults, "published": True, "show_in_nav": True}
        )


def remove_pages(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    Page.objects.filter(slug__in=[fields["slug"] for fields in PAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]

    operations = [migrations.RunPython(create_pages, remove_pages)]
