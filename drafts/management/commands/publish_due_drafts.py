from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from drafts.models import Draft
from drafts.publishing import publish


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
            else:
                self.stdout.write(f"Published the draft of {draft.item_repr}.")
