from django.contrib import admin

from attune.analysis.models import FilmAnalysis, Suggestion
from attune.core.admin import ReadOnlyModelAdmin


@admin.register(FilmAnalysis)
class FilmAnalysisAdmin(ReadOnlyModelAdmin):
    list_display = ("film", "status", "progress", "attempts", "finished_at")
    list_filter = ("status",)
    readonly_fields = ("result",)


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyModelAdmin):
    list_display = ("film", "rank", "start", "end", "score", "decision", "current")
    list_filter = ("decision", "current")
