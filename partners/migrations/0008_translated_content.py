"""Partner texts in French and Spanish.

Existing texts become the English version; the benefits of partnering and the name of
GenMig's supporter get their French and Spanish translations.
"""

from importlib import import_module

from django.db import migrations
from django.db.models import F

BENEFITS = {
    "fr": [
        "Des dialogues et discussions multipartites à huis clos sur les questions clés, les "
        "priorités en matière de genre et les actions efficaces",
        "La série de webinaires de GenMig sur les dernières avancées et conclusions de la "
        "recherche sur le genre et la migration",
        "Un appui à des événements publics ou privés spécifiques (sur demande)",
        "Des notes d’orientation, des études de cas et d’autres produits de recherche d’impact "
        "pour éclairer les politiques, les opérations, les programmes et les pratiques",
        "Des liens avec les opérations de terrain de l’OIM dans le monde entier",
        "Un accès aux partenaires de GenMig",
    ],
    "es": [
        "Diálogos y debates multipartitos a puerta cerrada sobre cuestiones clave, prioridades "
        "de género y medidas eficaces",
        "La serie de seminarios web de GenMig sobre los últimos avances y conclusiones de la "
        "investigación sobre género y migración",
        "Apoyo a determinados eventos públicos o privados (previa solicitud)",
        "Notas de orientación, estudios de caso y otros productos de investigación de impacto "
        "para fundamentar políticas, operaciones, programas y prácticas",
        "Contactos con las operaciones sobre el terreno de la OIM en todo el mundo",
        "Acceso a los asociados de GenMig",
    ],
}

SUPPORTER = {
    "fr": "Immigration, Réfugiés et Citoyenneté Canada (IRCC)",
    "es": "Inmigración, Refugiados y Ciudadanía de Canadá (IRCC)",
}


def forwards(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    Benefit = apps.get_model("partners", "Benefit")
    Partner.objects.update(name_en=F("name"), description_en=F("description"))
    Benefit.objects.update(text_en=F("text"))
    # The six benefits of the initial content, recognised by their English text.
    english = import_module("partners.migrations.0002_initial_content").BENEFITS
    for benefit in Benefit.objects.filter(text__in=english):
        index = english.index(benefit.text)
        benefit.text_fr = BENEFITS["fr"][index]
        benefit.text_es = BENEFITS["es"][index]
        benefit.save(update_fields=["text_fr", "text_es"])
    Partner.objects.filter(slug="ircc").update(name_fr=SUPPORTER["fr"], name_es=SUPPORTER["es"])


class Migration(migrations.Migration):
    dependencies = [("partners", "0007_enquiry_language")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
