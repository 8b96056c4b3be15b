"""Who may do what with a draft: Content editors write and submit; Publishers (and superusers)
approve and publish, or send back, but not their own draft unless REVIEW_SELF_APPROVAL."""

from django.conf import settings

PUBLISHERS = "Publishers"


def is_publisher(user):
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=PUBLISHERS).exists()


def own(user, draft):
    return user.pk in (draft.author_id, draft.submitted_by_id)


def may_approve(user, draft):
    return is_publisher(user) and (settings.REVIEW_SELF_APPROVAL or not own(user, draft))


def may_publish_directly(user):
    """Whether “Publish now” on a live item's form (without a draft's review) is offered."""
    return not settings.REVIEW_REQUIRED or is_publisher(user)
