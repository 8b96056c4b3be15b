from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from drafts import review
from drafts.models import Draft, DraftEvent
from drafts.publishing import BaseChanged, publish


class Command(BaseCommand):
    help = "Publish the drafts approved for a time that has come (run every minute)."

    def handle(self, *args, **options):
        due = Draft.objects.filter(state=Draft.State.SCHEDULED, publish_at__lte=timezone.now())
        for draft in due.select_related("author"):
            approver = draft.events.filter(action="scheduled").select_related("user").last()
            user = approver.user if approver else None
            try:
                publish(draft, user, approved_by=user)
            except ValidationError as error:
                self.stderr.write(f"Draft {draft.pk} not published: {' '.join(error.messages)}")
                if isinstance(error, BaseChanged) and wait_for_review(draft):
                    review.notify(None, draft, review.HELD, actor=user)
            else:
                self.stdout.write(f"Published the draft of {draft.item_repr}.")
                review.notify(None, draft, DraftEvent.Action.PUBLISHED, actor=user)


def wait_for_review(draft):
    """Back among the drafts waiting for review, unscheduled, unless it changed meanwhile."""
    scheduled = Draft.objects.filter(pk=draft.pk, state=Draft.State.SCHEDULED)
    return (
        scheduled.update(state=Draft.State.SUBMITTED, publish_at=None, updated=timezone.now()) == 1
    )
