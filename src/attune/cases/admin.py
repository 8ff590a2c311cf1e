from django.contrib import admin

from attune.cases.models import Adult, Case, Cycle, HelpingQuestion
from attune.core.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline


class AdultInline(ReadOnlyTabularInline):
    model = Adult
    extra = 0


class CycleInline(ReadOnlyTabularInline):
    model = Cycle
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnlyModelAdmin):
    list_display = ["reference", "service", "guider", "state", "updated_at"]
    list_filter = ["service", "state"]
    search_fields = ["reference"]
    readonly_fields = ["reference", "state", "state_changed_at"]
    inlines = [AdultInline, CycleInline]


@admin.register(HelpingQuestion)
class HelpingQuestionAdmin(ReadOnlyModelAdmin):
    list_display = ["case", "adult", "baseline", "hoped_for"]
