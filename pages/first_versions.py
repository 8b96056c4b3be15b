"""Every item of editors' content has a version in the history from the moment it exists.

An item saved in the admin gets its version there (pages/history.py). An item created
anywhere else (a management command, the shell) gets one when it is first saved;
content written by migrations, or before the history was kept, gets one after each migrate
(and once, from a data migration, for what existed then). So the first edit of any item can be
undone.
"""

import json

import reversion
from django.apps import apps as project_apps
from django.core import serializers
from django.utils import timezone
from django.utils.translation import gettext_noop

# Stored as written and translated when shown (templates/reversion/object_history.html).
INITIAL = gettext_noop("Initial version: the text as it was when the history began to be kept.")
# Django's own record of an addition, shown as "Added." in the reader's language.
ADDED = json.dumps([{"added": {}}])


def is_current(model):
    """Whether a model is the project's own, not one as a migration knows it (which reversion
    takes for the same, but whose columns may differ from the database's)."""
    return model._meta.apps is project_apps and reversion.is_registered(model)


def describe(obj):
    """What the history names an item by: the model's own __str__, which a model as migrations
    know it lacks, so it is read from a copy of the item made with the project's model."""
    if is_current(type(obj)):
        return str(obj)
    try:
        model = project_apps.get_model(obj._meta.label)
        copy = model()
        names = {field.attname for field in model._meta.concrete_fields}
        for field in obj._meta.concrete_fields:
            if field.attname in names:
                setattr(copy, field.attname, getattr(obj, field.attname))
        return str(copy)
    except Exception:  # noqa: BLE001 (a name to show; the item's number will do)
        return str(obj)


def record_missing(apps, using="default", comment=INITIAL):
    """Give every registered item that has no version one, in one revision; returns how many.

    `apps` is the registry of the models as the database has them (a migration's, or the one
    after migrate), so that this works whatever migrations are still to come.
    """
    try:
        content_types = apps.get_model("contenttypes", "ContentType")
        revisions = apps.get_model("reversion", "Revision")
        versions = apps.get_model("reversion", "Version")
    except LookupError:
        return 0
    revision = None
    added = 0
    for registered in reversion.get_registered_models():
        try:
            model = apps.get_model(registered._meta.label)
        except LookupError:
            continue
        opts = model._meta
        content_type, _created = content_types.objects.using(using).get_or_create(
            app_label=opts.app_label, model=opts.model_name
        )
        kept = set(
            versions.objects.using(using)
            .filter(content_type=content_type)
            .values_list("object_id", flat=True)
        )
        for obj in model._base_manager.using(using).order_by("pk"):
            if str(obj.pk) in kept:
                continue
            if revision is None:
                revision = revisions.objects.using(using).create(
                    date_created=timezone.now(), comment=comment
                )
            versions.objects.using(using).create(
                revision=revision,
                object_id=str(obj.pk),
                content_type=content_type,
                db=using,
                format="json",
                serialized_data=serializers.serialize("json", [obj]),
                object_repr=describe(obj)[:1000],
            )
            added += 1
    return added


def after_migrate(sender, using="default", apps=None, **kwargs):
    """Content that a migration wrote gets its first version."""
    if apps is not None:
        record_missing(apps, using)


def record_creation(sender, instance, created, using, raw=False, **kwargs):
    """An item created outside any revision (the admin has one) gets its first version; not one
    loaded as it was stored (loaddata, a restored database), whose versions come with it."""
    if raw or not created or not is_current(sender) or reversion.is_active():
        return
    # The row as stored: an instance may hold values as they were given ("2024-03-08" for a
    # date), which the database converts but the serializer cannot.
    stored = sender._base_manager.using(using).get(pk=instance.pk)
    with reversion.create_revision(using=using):
        reversion.set_comment(ADDED)
        reversion.add_to_revision(stored, model_db=using)
