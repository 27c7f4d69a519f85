"""Forms of the organizers' groups page: make, rename and delete groups, assign participants by
hand, balance automatically."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ParticipantGroup

MAX_GROUPS = 30


class GroupNameForm(forms.Form):
    """A new group's name, or a group's new name (unique within the cohort)."""

    name = forms.CharField(label=_("Group name"), max_length=100, strip=True)

    def __init__(self, *args, cohort, group: ParticipantGroup | None = None, **kwargs):
        self.cohort = cohort
        self.group = group
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter a name."))
        others = ParticipantGroup.objects.filter(cohort=self.cohort, name__iexact=name)
        if self.group is not None:
            others = others.exclude(pk=self.group.pk)
        if others.exists():
            raise forms.ValidationError(_("This cohort already has a group of this name."))
        return name


class BalanceForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of groups"),
        min_value=1,
        max_value=MAX_GROUPS,
        help_text=_(
            "Missing groups are created. Every active participant is placed again, so that "
            "economies and school levels are spread evenly and group sizes differ by one at most."
        ),
    )


class AssignForm(forms.Form):
    """One select per active participant (``group_<participant id>``), posted all at once."""

    def __init__(self, *args, participants, groups, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("No group"))] + [(str(group.pk), group.name) for group in groups]
        self.rows = []
        for participant in participants:
            name = f"group_{participant.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=_("Group of %(name)s") % {"name": participant.application.display_name},
                choices=choices,
                required=False,
                coerce=int,
                empty_value=None,
                initial=str(participant.group_id) if participant.group_id else "",
            )
            self.rows.append((participant, name))

    def rows_with_fields(self):
        return [(participant, self[name]) for participant, name in self.rows]

    def changes(self):
        """(participant, new group id or None) for every participant whose group changes.

        A participant missing from the posted form (confirmed after the page was loaded) keeps
        their group."""
        return [
            (participant, self.cleaned_data.get(name))
            for participant, name in self.rows
            if self.add_prefix(name) in self.data
            and self.cleaned_data.get(name) != participant.group_id
        ]
