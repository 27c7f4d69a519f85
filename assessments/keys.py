"""Keyed hashes that let a survey work without the database naming anonymous respondents.

* ``pairing_key(participant)``: the same for one person in every survey of their cohort, so a
  pre-training answer and a post-training answer pair up; it does not say who the person is.
* ``draft_key(participant, survey)``: finds a person's saved draft of one survey.

Both are HMAC-SHA256 with ``SURVEY_KEY_SECRET`` (from the environment; the site's secret key
when unset). The secret is not in the database, so the rows alone cannot be tied to people;
changing the secret orphans saved drafts and stops pairing across the change.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def _secret() -> bytes:
    secret = getattr(settings, "SURVEY_KEY_SECRET", "") or settings.SECRET_KEY
    return secret.encode()


def _mac(message: str) -> str:
    return hmac.new(_secret(), message.encode(), hashlib.sha256).hexdigest()


def pairing_key(participant) -> str:
    return _mac(f"aslp-survey-pair:{participant.cohort_id}:{participant.pk}")


def draft_key(participant, survey) -> str:
    return _mac(f"aslp-survey-draft:{survey.pk}:{participant.pk}")
