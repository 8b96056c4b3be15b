"""The privacy notice at /privacy/, in English, French and Spanish.

Editors change its text in the admin like any page; the table of how long each kind of data is
kept is not in the text but drawn under it from the settings the daily purge reads
(templates/pages/privacy.html), so that the two cannot disagree.
"""

from django.db import migrations

PRIVACY = {
    "en": {
        "title": "Privacy notice",
        "nav_title": "Privacy",
        "summary": (
            "What personal data the GenMig website keeps, why, who sees it, how long it is "
            "kept, and how to ask for a copy or for its erasure."
        ),
        "body": """\
The GenMig website is run by the International Organization for Migration (IOM), which \
handles personal data according to the IOM Data Protection Principles.

## What we keep, and why

- **Enquiries.** What you write in the [contact form](/contact/): your name, email address, \
organization and its type, country, topic, message and the language of the form. We keep it \
only to answer you. It is sent by email to [research@iom.int](mailto:research@iom.int), where \
only the IOM staff who work on GenMig read it; the site keeps a record of whether that email \
went out.
- **A keyed hash of your address.** To limit how many enquiries one computer can send in an \
hour, the site keeps a code computed from your internet address with a secret key, never \
the address itself.
- **Staff accounts.** For IOM staff who edit the site: their name, email address, the \
records of their sign-ins (address and browser) and their name next to each change they make \
in the history of edits.
- **A session cookie**, only for staff signed in to the administration and for a form's \
message; visitors get no cookie for reading the site.

We do not sell or share this data, and we use no advertising or tracking.

## How long we keep it

Each kind is deleted automatically once its period, shown in the table below, has passed.

## Your rights

To get a copy of what we hold on you, to correct it or to have it erased, write to \
[research@iom.int](mailto:research@iom.int) from the address concerned. An erasure also \
holds if the site has to be restored from a backup made before it.
""",
    },
    "fr": {
        "title": "Politique de confidentialité",
        "nav_title": "Confidentialité",
        "summary": (
            "Les données personnelles que conserve le site de GenMig, pourquoi, qui les voit, "
            "combien de temps elles sont conservées, et comment en demander une copie ou "
            "l’effacement."
        ),
        "body": """\
Le site de GenMig est géré par l’Organisation internationale pour les migrations (OIM), qui \
traite les données personnelles conformément aux Principes de l’OIM relatifs à la protection \
des données.

## Ce que nous conservons, et pourquoi

- **Les demandes.** Ce que vous écrivez dans le [formulaire de contact](/fr/contact/) : votre \
nom, votre adresse électronique, votre organisation et son type, votre pays, le sujet, le \
message et la langue du formulaire. Nous le conservons uniquement pour vous répondre. Il est \
envoyé par courriel à [research@iom.int](mailto:research@iom.int), où seuls les membres du \
personnel de l’OIM qui travaillent pour GenMig le lisent ; le site garde trace de l’envoi de \
ce courriel.
- **Une empreinte chiffrée de votre adresse.** Pour limiter le nombre de demandes qu’un \
ordinateur peut envoyer en une heure, le site conserve un code calculé à partir de votre \
adresse internet avec une clé secrète, jamais l’adresse elle-même.
- **Les comptes du personnel.** Pour le personnel de l’OIM qui modifie le site : son nom, son \
adresse électronique, les traces de ses connexions (adresse et navigateur) et son nom à côté \
de chaque modification dans l’historique.
- **Un cookie de session**, uniquement pour le personnel connecté à l’administration et pour \
le message d’un formulaire ; la lecture du site ne dépose aucun cookie.

Nous ne vendons ni ne partageons ces données, et nous n’utilisons ni publicité ni suivi.

## Combien de temps nous les conservons

Chaque type de données est supprimé automatiquement à la fin de sa durée, indiquée dans le \
tableau ci-dessous.

## Vos droits

Pour obtenir une copie de ce que nous conservons sur vous, le faire corriger ou effacer, \
écrivez à [research@iom.int](mailto:research@iom.int) depuis l’adresse concernée. Un \
effacement reste acquis même si le site doit être restauré à partir d’une sauvegarde \
antérieure.
""",
    },
    "es": {
        "title": "Aviso de privacidad",
        "nav_title": "Privacidad",
        "summary": (
            "Qué datos personales conserva el sitio web de GenMig, por qué, quién los ve, "
            "durante cuánto tiempo y cómo pedir una copia o su supresión."
        ),
        "body": """\
El sitio web de GenMig está a cargo de la Organización Internacional para las Migraciones \
(OIM), que trata los datos personales conforme a los Principios de Protección de Datos de \
la OIM.

## Qué conservamos y por qué

- **Las consultas.** Lo que usted escribe en el [formulario de contacto](/es/contact/): su \
nombre, su dirección de correo electrónico, su organización y su tipo, su país, el tema, el \
mensaje y el idioma del formulario. Lo conservamos solo para responderle. Se envía por correo \
electrónico a [research@iom.int](mailto:research@iom.int), donde solo lo lee el personal de \
la OIM que trabaja en GenMig; el sitio registra si ese correo se envió.
- **Un código cifrado de su dirección.** Para limitar cuántas consultas puede enviar un \
ordenador en una hora, el sitio conserva un código calculado a partir de su dirección de \
internet con una clave secreta, nunca la dirección misma.
- **Las cuentas del personal.** Para el personal de la OIM que edita el sitio: su nombre, su \
dirección de correo electrónico, los registros de sus inicios de sesión (dirección y \
navegador) y su nombre junto a cada cambio en el historial de ediciones.
- **Una cookie de sesión**, solo para el personal que ha iniciado sesión en la administración \
y para el mensaje de un formulario; leer el sitio no deja ninguna cookie.

No vendemos ni compartimos estos datos, y no usamos publicidad ni seguimiento.

## Durante cuánto tiempo los conservamos

Cada tipo de datos se suprime automáticamente al terminar su plazo, indicado en la tabla \
siguiente.

## Sus derechos

Para obtener una copia de lo que conservamos sobre usted, corregirlo o suprimirlo, escriba a \
[research@iom.int](mailto:research@iom.int) desde la dirección de que se trate. Una supresión \
se mantiene aunque el sitio deba restaurarse a partir de una copia de seguridad anterior.
""",
    },
}


def forwards(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    if Page.objects.filter(slug="privacy").exists():
        return
    fields = {}
    for language, texts in PRIVACY.items():
        for name, text in texts.items():
            fields[f"{name}_{language}"] = text
    fields.update(PRIVACY["en"])
    Page.objects.create(
        slug="privacy", published=True, show_in_nav=False, nav_position=900, **fields
    )


def backwards(apps, schema_editor):
    apps.get_model("pages", "Page").objects.filter(slug="privacy").delete()


class Migration(migrations.Migration):
    dependencies = [("pages", "0014_audience")]

    operations = [migrations.RunPython(forwards, backwards)]
