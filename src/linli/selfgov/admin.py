"""Admin: read-mostly. Ballots, rolls and results are written only by the services."""

from django.contrib import admin

from .models import (
    Ballot,
    BallotEvent,
    Committee,
    CommitteeMember,
    CompoundSettings,
    Nomination,
    Owner,
    Ownership,
    Proposal,
    Vote,
)


@admin.register(CompoundSettings)
class CompoundSettingsAdmin(admin.ModelAdmin):
    list_display = ["compound", "notice_days", "follow_majority"]


@admin.register(Owner)
class OwnerAdmin(admin.ModelAdmin):
    list_display = ["name", "compound", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "compound__name"]
    raw_id_fields = ["compound", "resident", "user"]


@admin.register(Ownership)
class OwnershipAdmin(admin.ModelAdmin):
    list_display = ["household", "owner", "position", "source"]
    raw_id_fields = ["owner", "household"]


class MemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    raw_id_fields = ["owner", "replaced_by"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["compound", "term", "term_start", "term_end", "ended_at"]
    inlines = [MemberInline]
    raw_id_fields = ["compound", "elected_by"]


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["nominee", "post", "compound", "proposal", "created_at"]
    raw_id_fields = ["compound", "nominee", "replaces", "proposal"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "compound", "item", "status", "created_at", "published_at"]
    list_filter = ["status", "item"]
    raw_id_fields = ["compound", "proposed_by", "proposer_owner"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnly):
    list_display = ["proposal", "compound", "item", "opens_at", "closes_at", "status"]
    list_filter = ["status", "item"]


@admin.register(Ballot)
class BallotAdmin(ReadOnly):
    list_display = ["vote", "owner", "choice", "channel", "cast_at", "changed_at"]
    list_filter = ["choice", "channel"]


@admin.register(BallotEvent)
class BallotEventAdmin(ReadOnly):
    list_display = ["ballot", "action", "choice", "channel", "at", "actor"]
