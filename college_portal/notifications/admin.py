from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Notification
from .services import retry_failed, send_uncertain_again


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "email", "language", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["email", "event_key"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields] + ["message_id"]
    actions = ["retry_selected", "send_uncertain_again"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("Message-ID"))
    def message_id(self, obj):
        return obj.message_id

    @admin.action(description=_("Try failed notifications again"))
    def retry_selected(self, request, queryset):
        self._queued(request, retry_failed(queryset))

    @admin.action(
        description=_("Send uncertain notifications again (the recipient may get a second copy)")
    )
    def send_uncertain_again(self, request, queryset):
        self._queued(request, send_uncertain_again(queryset))

    def _queued(self, request, count):
        self.message_user(
            request,
            ngettext(
                "%(count)d notification queued again.",
                "%(count)d notifications queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
