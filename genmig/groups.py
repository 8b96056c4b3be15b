"""Staff groups and their permissions, set up by data migrations."""

from django.contrib.auth.management import create_permissions


def grant(apps, group_name, permissions):
    """Give the group (created if need be) permissions {app_label: {model: [actions]}}.

    Permissions are normally created after all migrations have run; a migration that hands
    them out needs them now, so they are created here first.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=group_name)
    for app_label, models in permissions.items():
        for model, actions in models.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )
