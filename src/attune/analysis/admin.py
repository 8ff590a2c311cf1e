from django.contrib import admin

from attune.analysis.models import FilmAnalysis, Suggestion


@admin.register(FilmAnalysis)
class FilmAnalysisAdmin(admin.ModelAdmin):
    list_display = ("film", "status", "progress", "attempts", "finished_at")
    list_filter = ("status",)
    readonly_fields = ("result",)


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("film", "rank", "start", "end", "score", "decision", "current")
    list_filter = ("decision", "current")
