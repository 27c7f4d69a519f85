"""Forms of the economy coordinators' pages: endorsement, ranking, nomination, list filter."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..models import Application, EndorsementStatus, Nomination

COMMENT_MAX = 5000
MESSAGE_MAX = 2000


class EndorsementForm(forms.Form):
    """Endorse or decline one applicant; a comment is required when declining."""

    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (EndorsementStatus.ENDORSED, _("Endorse this applicant")),
            (EndorsementStatus.DECLINED, _("Do not endorse this applicant")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether you endorse this applicant."),
            "invalid_choice": _("Choose whether you endorse this applicant."),
        },
    )
    comment = forms.CharField(
        label=_("Comment for the organizers"),
        help_text=_(
            "Optional when you endorse; required when you do not. Organizers and reviewers "
            "see it; the applicant does not."
        ),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": COMMENT_MAX}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == EndorsementStatus.DECLINED and not cleaned.get("comment"):
            self.add_error(
                "comment",
                _("Explain in a comment why you do not endorse this applicant."),
            )
        return cleaned


class EndorsementFilterForm(forms.Form):
    endorsement = forms.ChoiceField(
        label=_("Endorsement"),
        required=False,
        choices=[("", _("All applicants")), *EndorsementStatus.choices],
    )


class RankForm(forms.Form):
    """One optional number per candidate, ``rank_<application id>``, unique within an economy.

    Only the candidates whose field was posted change: rows hidden by a filter keep their rank,
    and a posted id that is not one of ``applications`` is simply not a field of the form.
    """

    def __init__(self, applications: list[Application], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        per_economy: dict[int | None, int] = defaultdict(int)
        for application in self.applications:
            per_economy[application.economy_id] += 1
        self.size_of_economy = dict(per_economy)
        for application in self.applications:
            highest = per_economy[application.economy_id]
            message = _("Give a whole number from 1 to %(n)s, or leave it empty.") % {"n": highest}
            self.fields[self.field_name(application)] = forms.IntegerField(
                label=_("Rank of %(name)s") % {"name": application.display_name},
                required=False,
                min_value=1,
                max_value=highest,
                widget=forms.NumberInput(attrs={"min": 1, "max": highest, "inputmode": "numeric"}),
                error_messages={
                    "invalid": message,
                    "min_value": message,
                    "max_value": message,
                },
            )
            self.initial.setdefault(self.field_name(application), application.coordinator_rank)

    @staticmethod
    def field_name(application: Application) -> str:
        return f"rank_{application.pk}"

    def posted(self, application: Application) -> bool:
        return self.is_bound and self.add_prefix(self.field_name(application)) in self.data

    def new_ranks(self) -> dict[int, int | None]:
        """Application id -> rank for every candidate after the change (posted or kept)."""
        ranks = {}
        for application in self.applications:
            if self.posted(application):
                ranks[application.pk] = self.cleaned_data.get(self.field_name(application))
            else:
                ranks[application.pk] = application.coordinator_rank
        return ranks

    def clean(self):
        cleaned = super().clean()
        if any(self.errors.get(self.field_name(a)) for a in self.applications):
            return cleaned
        ranks = self.new_ranks()
        holders: dict[tuple[int | None, int], list[Application]] = defaultdict(list)
        for application in self.applications:
            rank = ranks[application.pk]
            if rank is not None:
                holders[(application.economy_id, rank)].append(application)
        for (_economy, rank), sharing in sorted(holders.items(), key=lambda item: item[0][1]):
            if len(sharing) < 2:
                continue
            names = ", ".join(a.display_name for a in sharing)
            self.add_error(
                None,
                _("Rank %(rank)s is given to more than one candidate: %(names)s.")
                % {"rank": rank, "names": names},
            )
            for application in sharing:
                if self.posted(application):
                    self.add_error(
                        self.field_name(application),
                        _("Another candidate also has rank %(rank)s.") % {"rank": rank},
                    )
        return cleaned

    def rows(self) -> dict[int, dict]:
        """Application id -> the bound field's name, id, shown value and errors."""
        rows = {}
        for application in self.applications:
            bound = self[self.field_name(application)]
            value = bound.value()
            rows[application.pk] = {
                "name": bound.html_name,
                "id": bound.auto_id,
                "value": "" if value is None else value,
                "errors": bound.errors,
                "label": bound.label,
                "max": self.size_of_economy[application.economy_id],
            }
        return rows


class NominationForm(forms.ModelForm):
    """Invite a candidate by e-mail to apply for one of the coordinator's economies."""

    message = forms.CharField(
        label=_("Personal message (optional)"),
        help_text=_("Added to the invitation as you write it."),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MESSAGE_MAX}),
    )

    class Meta:
        model = Nomination
        fields = ["name", "email", "language", "economy", "message"]
        labels = {
            "name": _("Candidate's name"),
            "email": _("Candidate's e-mail address"),
            "language": _("Language of the invitation"),
            "economy": _("Economy"),
        }
        help_texts = {
            "name": _("As you would address them in the invitation."),
            "email": _("The invitation with a personal link is sent to this address."),
            "language": _("The e-mail and the link are in this language."),
            "economy": _("The application will be tied to this economy."),
        }

    def __init__(self, *args, cohort, economies, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.fields["economy"].queryset = economies
        self.fields["economy"].empty_label = None if len(economies) == 1 else "—"
        self.fields["economy"].error_messages["invalid_choice"] = _(
            "Choose one of the economies you coordinate."
        )
        if len(economies) == 1:
            self.fields["economy"].initial = economies[0].pk
        self.fields["economy"].label_from_instance = lambda economy: economy.localized_name()
        self.fields["language"].choices = list(settings.LANGUAGES)
        self.fields["email"].error_messages["required"] = _("Enter the candidate's e-mail address.")
        self.fields["name"].error_messages["required"] = _("Enter the candidate's name.")

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        earlier = (
            Nomination.objects.filter(cohort=self.cohort, email__iexact=email)
            .select_related("economy")
            .first()
        )
        if earlier is None:
            return email
        params = {"email": email, "date": date_format(earlier.created_at, "DATE_FORMAT")}
        if earlier.economy in self.fields["economy"].queryset:
            message = _(
                "%(email)s was already invited to this cohort on %(date)s. You can send that "
                "invitation again from the list of your invitations below."
            )
        else:
            message = _(
                "%(email)s was already invited to this cohort on %(date)s by the coordinator "
                "of another economy."
            )
        raise forms.ValidationError(message, params=params, code="already_invited")
