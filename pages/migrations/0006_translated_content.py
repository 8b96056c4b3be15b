"""The site's texts in French and Spanish.

Existing texts become the English version; the GenMig pages get their French and Spanish
translations. Official names: Organisation internationale pour les migrations (OIM) /
Organización Internacional para las Migraciones (OIM); Pacte mondial pour des migrations sûres,
ordonnées et régulières / Pacto Mundial para la Migración Segura, Ordenada y Regular;
objectifs de développement durable / Objetivos de Desarrollo Sostenible; Immigration,
Réfugiés et Citoyenneté Canada / Inmigración, Refugiados y Ciudadanía de Canadá.
"""

from django.db import migrations
from django.db.models import F

TRANSLATED = {
    "Page": ["title", "nav_title", "summary", "body"],
    "Resource": ["title", "summary"],
    "Update": ["title", "summary", "body"],
    "SiteSettings": ["video_caption"],
}

HOME = {
    "fr": {
        "title": "Laboratoire de recherche et d’action politique sur le genre et la migration",
        "nav_title": "Accueil",
        "summary": (
            "GenMig est l’initiative multipartite de l’OIM consacrée à la recherche d’impact "
            "au service de politiques, d’opérations, de programmes et de pratiques migratoires "
            "sensibles au genre."
        ),
        "body": """\
GenMig – le Laboratoire de recherche et d’action politique sur le genre et la migration \
(Gender and Migration Research Policy Action Lab) – est une initiative multipartite placée sous \
la direction de la Directrice générale adjointe chargée des opérations de l’Organisation \
internationale pour les migrations (OIM), Ugochi Daniels. Elle se consacre à la recherche \
d’impact au service de politiques, d’opérations, de programmes et de pratiques migratoires \
sensibles au genre.

Si chacun et chacune devrait avoir les mêmes possibilités de migrer de manière sûre et \
régulière, dans la dignité, la recherche met en évidence la persistance d’inégalités de genre \
systémiques tout au long du cycle migratoire. S’appuyant sur l’expertise et le vaste réseau de \
l’OIM, GenMig s’engage à aider les nombreux acteurs de la migration à faire progresser l’égalité \
des genres, au bénéfice des migrants comme des sociétés d’origine et de destination. \
L’initiative contribue également à la réalisation du Programme de développement durable à \
l’horizon 2030 (en particulier des objectifs de développement durable 5 et 10) et à la mise en \
œuvre du Pacte mondial pour des migrations sûres, ordonnées et régulières.

Conçu comme une entreprise résolument collaborative, GenMig réunit un réseau mondial de \
partenaires – institutions de recherche, gouvernements, organisations intergouvernementales, \
organisations non gouvernementales et secteur privé – engagés en faveur de l’égalité des genres.

## Restez informé

Suivez l’actualité de GenMig en consultant régulièrement ce site et grâce à notre lettre \
d’information. Pour en savoir plus, écrivez à [research@iom.int](mailto:research@iom.int).

GenMig bénéficie du soutien d’Immigration, Réfugiés et Citoyenneté Canada (IRCC).
""",
    },
    "es": {
        "title": "Laboratorio de Investigación y Acción Política sobre Género y Migración",
        "nav_title": "Inicio",
        "summary": (
            "GenMig es la iniciativa multipartita de la OIM dedicada a la investigación de "
            "impacto que respalda políticas, operaciones, programas y prácticas migratorias "
            "con perspectiva de género."
        ),
        "body": """\
GenMig –el Laboratorio de Investigación y Acción Política sobre Género y Migración (Gender and \
Migration Research Policy Action Lab)– es una iniciativa multipartita dirigida por la Directora \
General Adjunta de Operaciones de la Organización Internacional para las Migraciones (OIM), \
Ugochi Daniels, y centrada en la investigación de impacto para respaldar políticas, \
operaciones, programas y prácticas migratorias con perspectiva de género.

Aunque todas las personas deberían tener las mismas oportunidades de migrar de forma segura y \
regular, con dignidad, la investigación pone de relieve que persisten desigualdades de género \
sistémicas a lo largo de todo el ciclo migratorio. Sobre la base de la experiencia y la amplia \
red de la OIM, GenMig se compromete a apoyar a los numerosos actores que intervienen en la \
migración para mejorar la igualdad de género en beneficio de las personas migrantes y de las \
sociedades de origen y de destino. La iniciativa también contribuye al logro de la Agenda 2030 \
para el Desarrollo Sostenible (en particular, de los Objetivos de Desarrollo Sostenible 5 y 10) \
y a la aplicación del Pacto Mundial para la Migración Segura, Ordenada y Regular.

Concebido como una empresa eminentemente colaborativa, GenMig reúne una red mundial de \
asociados –instituciones de investigación, gobiernos, organizaciones intergubernamentales, \
organizaciones no gubernamentales y el sector privado– comprometidos con la igualdad de género.

## Manténgase informado

Siga las novedades de GenMig visitando este sitio con regularidad y a través de nuestro \
boletín. Para más información, escriba a [research@iom.int](mailto:research@iom.int).

GenMig cuenta con el apoyo de Inmigración, Refugiados y Ciudadanía de Canadá (IRCC).
""",
    },
}

BACKGROUND = {
    "fr": {
        "title": "L’écart entre les genres dans la migration",
        "nav_title": "Contexte",
        "summary": (
            "L’écart entre hommes et femmes parmi les migrants internationaux se creuse : les "
            "femmes représentaient 49,4 % des migrants internationaux en 2000 et 47,9 % en 2020."
        ),
        "body": """\
L’écart entre les hommes et les femmes parmi les migrants internationaux se creuse. Comme le \
souligne le rapport [État de la migration dans le monde 2022](https://worldmigrationreport.iom.int/), \
49,4 % des migrants internationaux étaient des femmes en 2000, alors qu’en 2020 cette \
proportion était tombée à 47,9 %. Autrement dit, en 20 ans, la part des femmes parmi les \
migrants internationaux a reculé de 1,5 point de pourcentage, et celle des hommes a progressé \
d’autant.

Dans le cadre de transformations socioéconomiques, technologiques et géopolitiques plus larges \
à l’échelle mondiale, les effets de la migration et de la mobilité internationales liés au \
genre s’étendent et s’approfondissent tout au long du cycle migratoire, touchant les personnes \
qui migrent, mais aussi celles qui restent dans leur pays d’origine (ou y retournent).
""",
    },
    "es": {
        "title": "La brecha de género en la migración",
        "nav_title": "Contexto",
        "summary": (
            "La brecha entre hombres y mujeres migrantes internacionales se amplía: las mujeres "
            "eran el 49,4 % de los migrantes internacionales en 2000 y el 47,9 % en 2020."
        ),
        "body": """\
La brecha entre hombres y mujeres migrantes internacionales se está ampliando. Como destaca el \
[Informe sobre las Migraciones en el Mundo 2022](https://worldmigrationreport.iom.int/), en \
2000 el 49,4 % de los migrantes internacionales eran mujeres, mientras que en 2020 esa \
proporción había descendido al 47,9 %. Dicho de otro modo, en esos 20 años la proporción de \
mujeres entre los migrantes internacionales cayó 1,5 puntos porcentuales, y la de hombres \
aumentó en la misma medida.

En el marco de transformaciones socioeconómicas, tecnológicas y geopolíticas más amplias que se \
producen en todo el mundo, los efectos de la migración y la movilidad internacionales \
relacionados con el género se amplían y se profundizan a lo largo de todo el ciclo migratorio, \
y afectan tanto a las personas que migran como a quienes permanecen en sus países de origen (o \
regresan a ellos).
""",
    },
}

PARTNERS = {
    "fr": {
        "title": "Les partenaires de GenMig",
        "nav_title": "Partenaires",
        "summary": (
            "GenMig réunit institutions de recherche, gouvernements, organisations "
            "intergouvernementales et non gouvernementales et secteur privé, engagés en faveur "
            "de l’égalité des genres dans la migration."
        ),
        "body": """\
GenMig réunit des partenaires issus d’institutions de recherche, de gouvernements, \
d’organisations intergouvernementales et non gouvernementales et du secteur privé. Les \
partenaires sont des institutions et des personnes qui partagent les mêmes valeurs, engagées en \
faveur de l’égalité des genres dans la migration et qui soutiennent la recherche d’impact au \
service d’un changement systémique des politiques, des opérations, des programmes et des \
pratiques migratoires.

Devenir partenaire de GenMig, c’est rejoindre un vaste réseau qui soutient l’impact de GenMig \
dans le monde entier. Les partenaires bénéficient d’un éventail d’activités de GenMig et du \
soutien de l’OIM.
""",
    },
    "es": {
        "title": "Asociados de GenMig",
        "nav_title": "Asociados",
        "summary": (
            "GenMig reúne a instituciones de investigación, gobiernos, organizaciones "
            "intergubernamentales y no gubernamentales y el sector privado, comprometidos con "
            "la igualdad de género en la migración."
        ),
        "body": """\
GenMig reúne a asociados de instituciones de investigación, gobiernos, organizaciones \
intergubernamentales y no gubernamentales y el sector privado. Los asociados son instituciones \
y personas afines comprometidas con la igualdad de género en la migración y que apoyan la \
investigación de impacto para lograr un cambio sistémico en las políticas, operaciones, \
programas y prácticas migratorias.

Asociarse con GenMig le permite unirse a una amplia red que respalda el impacto de GenMig en \
todo el mundo. Los asociados se benefician de diversas actividades de GenMig y del apoyo de la \
OIM.
""",
    },
}

PAGES = {"home": HOME, "background": BACKGROUND, "partners": PARTNERS}


def forwards(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        apps.get_model("pages", model_name).objects.update(
            **{f"{field}_en": F(field) for field in fields}
        )
    Page = apps.get_model("pages", "Page")
    for slug, languages in PAGES.items():
        for language, fields in languages.items():
            Page.objects.filter(slug=slug).update(
                **{f"{field}_{language}": value for field, value in fields.items()}
            )


def backwards(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    Page.objects.filter(slug__in=PAGES).update(
        **{
            f"{field}_{language}": ""
            for field in ["title", "summary", "body", "nav_title"]
            for language in ["fr", "es"]
        }  # fmt: skip
    )


class Migration(migrations.Migration):
    dependencies = [("pages", "0005_translations"), ("partners", "0002_initial_content")]

    operations = [migrations.RunPython(forwards, backwards)]
