"""The outbox and the SMS service's tables in the back office: read-only (messages are evidence)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from unfold.admin import ModelAdmin

from notifications.models import InboundSms, Outbox, SmsRegistration


class ReadOnlyAdmin(ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Outbox)
class OutboxAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "event", "channel", "recipient", "status", "attempts", "provider_id")
    list_filter = ("status", "channel", "event", "category")
    search_fields = ("provider_id", "event_key")
    date_hierarchy = "created_at"
    list_select_related = ()
    readonly_fields = [f.name for f in Outbox._meta.fields]


@admin.register(SmsRegistration)
class SmsRegistrationAdmin(ReadOnlyAdmin):
    list_display = ("participant", "registered_at")
    raw_id_fields = ("participant",)
    list_select_related = ("participant",)


@admin.register(InboundSms)
class InboundSmsAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "message_id", "command", "outcome")
    list_filter = ("outcome", "command")
    search_fields = ("message_id",)
