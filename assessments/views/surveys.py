"""The participant's survey page: the survey in their language, save and continue later, submit
once; before it opens, after it closes or once answered, a page saying so."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import permissions
from .. import surveys as rules

SAVE = "save"
SUBMIT = "submit"


@permissions.participant_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey(request, slug, pk):
    participant = permissions.participant_or_404(request.user, slug)
    found = permissions.participant_survey_or_404(participant, pk)
    cohort = participant.cohort
    language = translation.get_language() or "en"
    state = rules.state_of(found, participant)
    context = {
        "participant": participant,
        "cohort": cohort,
        "survey": found,
        "state": state,
        "zone": cohort.time_zone,
    }
    if state != rules.OPEN:
        status = 409 if request.method == "POST" else 200
        if request.method == "POST":
            messages.error(request, _("Your answers were not recorded: this survey is not open."))
        return render(request, "assessments/surveys/survey_state.html", context, status=status)

    sections = rules.sections_of(found)
    questions = rules.questions_of(sections)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == SUBMIT:
            form = rules.build_form(questions, language, request.POST, require=True)
            if form.is_valid():
                try:
                    rules.submit(found, participant, form)
                except rules.SurveyRefused:
                    messages.error(
                        request, _("Your answers were not recorded: this survey is not open.")
                    )
                    return redirect("assessments:survey", slug=slug, pk=found.pk)
                messages.success(request, _("Thank you. Your answers have been recorded."))
                return redirect("assessments:survey", slug=slug, pk=found.pk)
        else:
            form = rules.build_form(questions, language, request.POST, require=False)
            data = rules.draft_data(form, request.POST)
            try:
                rules.save_draft(found, participant, data)
            except rules.SurveyRefused:
                return redirect("assessments:survey", slug=slug, pk=found.pk)
            if request.headers.get("X-Autosave") == "1":
                return JsonResponse({"saved": True})
            messages.success(
                request,
                _(
                    "Your answers have been saved. You can come back and finish before the "
                    "survey closes."
                ),
            )
            return redirect("assessments:survey", slug=slug, pk=found.pk)
    else:
        draft = rules.load_draft(found, participant)
        form = rules.build_form(questions, language, initial=draft, require=True)
        context["has_draft"] = bool(draft)

    context.update(
        {
            "form": form,
            "sections": [
                {
                    "section": section,
                    "questions": [rules.question_view(form, q) for q in section.questions.all()],
                }
                for section in sections
            ],
            "language": language,
        }
    )
    return render(request, "assessments/surveys/survey.html", context)
