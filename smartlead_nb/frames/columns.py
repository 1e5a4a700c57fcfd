"""Recognise SmartLead's standard lead fields from the column names analysts' exports use.

Pure name logic, no data: a column name is normalised (case-folded, every character that is
not a letter or digit dropped, so ``"E-mail Address"`` and ``"email_address"`` are the same) and
looked up in a table of the names that HubSpot, Salesforce, Apollo, LinkedIn Sales Navigator
tools and spreadsheets really use. Only whole names match: ``"Email Status"`` or
``"Secondary Email"`` are *not* emails, they stay custom fields.

Judgement calls, so that nobody has to rediscover them:

- ``Domain`` / ``Company Domain`` fill ``website`` (SmartLead's own example sends a bare domain
  there and it has no domain field), but any ``Website`` column beats them.
- ``City`` fills ``location``; ``Country`` fills it only when there is no ``Location`` or city
  column. ``State`` and ``Region`` are too ambiguous (a CRM "state" is often a pipeline stage).
- ``Company LinkedIn URL`` is *not* ``company_url`` (that would put a LinkedIn page where
  templates expect the company's site): it stays a custom field. ``Company Website`` is
  ``website``; ``company_url`` takes only names that say "company URL".
- A full ``Name`` column is not split into first and last name: it stays a custom field.
- Bare ``URL`` is not guessed (in Sales Navigator exports it is the LinkedIn profile).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import cast

__all__ = ["STANDARD_FIELDS", "CUSTOM_FIELDS", "normalise_column_name", "guess_column_mapping"]

#: SmartLead's lead fields, in the order a payload lists them. Only ``email`` is required.
STANDARD_FIELDS: tuple[str, ...] = (
    "email", "first_name", "last_name", "company_name", "phone_number",
    "website", "location", "linkedin_profile", "company_url",
)

#: The mapping target of a column that goes into ``custom_fields`` under its own name.
CUSTOM_FIELDS = "custom_fields"

# Normalised aliases per field, best first: when two columns claim a field, the better alias
# wins (then the earlier column). The SmartLead field name itself always comes first.
_ALIASES: dict[str, tuple[str, ...]] = {
    "email": (
        "email", "emailaddress", "email1", "emailaddress1", "emailaddr", "workemail",
        "workemailaddress", "emailwork", "businessemail", "businessemailaddress",
        "corporateemail", "companyemail", "professionalemail", "primaryemail", "contactemail",
        "contactemailaddress", "personemail", "leademail", "emailid", "mail", "personalemail",
        "emailpersonal", "privateemail",
    ),
    "first_name": (
        "firstname", "first", "givenname", "forename", "fname", "contactfirstname",
        "personfirstname", "leadfirstname", "prénom", "prenom", "vorname",
    ),
    "last_name": (
        "lastname", "last", "surname", "familyname", "lname", "contactlastname",
        "personlastname", "leadlastname", "nachname", "nomdefamille",
    ),
    "company_name": (
        "companyname", "company", "organization", "organisation", "organizationname",
        "organisationname", "accountname", "companyaccount", "account", "employer",
        "currentcompany", "currentemployer", "businessname", "firma", "unternehmen",
        "entreprise",
    ),
    "phone_number": (
        "phonenumber", "phone", "mobilephone", "mobile", "mobilenumber", "mobilephonenumber",
        "cellphone", "cell", "cellnumber", "workdirectphone", "directphone", "directdial",
        "workphone", "telephone", "telephonenumber", "tel", "businessphone", "officephone",
        "primaryphone", "contactphone", "phone1", "corporatephone", "companyphone", "telefon",
        "téléphone",
    ),
    "website": (
        "website", "websiteurl", "web", "webaddress", "homepage", "site", "companywebsite",
        "companywebsiteurl", "companysite", "websitedomain", "domain", "companydomain",
        "companydomainname", "domainname",
    ),
    "location": (
        "location", "personlocation", "contactlocation", "leadlocation", "geo", "geography",
        "citystate", "city", "town", "mailingcity", "personcity", "contactcity", "country",
        "countryregion", "personcountry", "mailingcountry",
    ),
    "linkedin_profile": (
        "linkedinprofile", "linkedin", "linkedinurl", "linkedinprofileurl", "personlinkedinurl",
        "linkedinprofilelink", "linkedinlink", "contactlinkedinurl", "linkedinpublicurl",
        "publicprofileurl", "profileurl", "defaultprofileurl",
    ),
    "company_url": (
        "companyurl", "organizationurl", "organisationurl", "accounturl", "companylink",
    ),
}

# alias -> (field, rank)
_ALIAS_INDEX: dict[str, tuple[str, int]] = {
    alias: (field, rank)
    for field, aliases in _ALIASES.items() for rank, alias in enumerate(aliases)
}
assert len(_ALIAS_INDEX) == sum(map(len, _ALIASES.values())), "an alias is listed twice"

_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise_column_name(name: object) -> str:
    """Case-fold ``str(name)`` and drop everything that is not a letter or a digit.

    >>> normalise_column_name(" E-mail Address ")
    'emailaddress'
    """
    return _NOT_ALNUM.sub("", str(name).casefold())


def guess_column_mapping(columns: Iterable[object]) -> dict[str, str]:
    """Guess which SmartLead field each column fills, from its name alone.

    Returns ``{column: target}`` for every column (names passed through ``str()``), where the
    target is one of :data:`STANDARD_FIELDS` or ``"custom_fields"`` (sent under the column's
    own name). When several columns look like the same field, the best-named one wins (then the
    first), and the others become custom fields.

    >>> guess_column_mapping(["E-MAIL ADDRESS", "Given name", "Organization", "Job Title"])
    ... # doctest: +NORMALIZE_WHITESPACE
    {'E-MAIL ADDRESS': 'email', 'Given name': 'first_name', 'Organization': 'company_name',
     'Job Title': 'custom_fields'}
    """
    mapping, _ = resolve_guesses([str(c) for c in columns], {})
    return cast("dict[str, str]", mapping)   # no explicit choices, so no column maps to None


def resolve_guesses(
    columns: list[str], fixed: Mapping[str, str | None]
) -> tuple[dict[str, str | None], list[str]]:
    """Complete ``fixed`` (the caller's explicit choices, already checked) with guesses.

    Returns the mapping for every column, in column order, and one note per field that more
    than one column claimed (explicitly or by name), saying which column won.
    """
    taken = {target: col for col, target in fixed.items() if target in STANDARD_FIELDS}
    claims: dict[str, list[tuple[int, int, str]]] = {}
    for position, col in enumerate(columns):
        if col in fixed:
            continue
        hit = _ALIAS_INDEX.get(normalise_column_name(col))
        if hit is not None:
            field, rank = hit
            claims.setdefault(field, []).append((rank, position, col))

    guessed: dict[str, str] = {}
    notes: list[str] = []
    for field in STANDARD_FIELDS:
        contenders = sorted(claims.get(field, []))
        if not contenders:
            continue
        if field in taken:
            losers = [col for _, _, col in contenders]
            notes.append(
                f"{_names(losers)} also look{'s' if len(losers) == 1 else ''} like {field}, but "
                f"mapping= sends {taken[field]!r} there; {_names(losers)} "
                f"{'goes' if len(losers) == 1 else 'go'} into custom_fields"
            )
            continue
        winner = contenders[0][2]
        guessed[winner] = field
        losers = [col for _, _, col in contenders[1:]]
        if losers:
            notes.append(
                f"{_names([winner, *losers])} {'both' if len(losers) == 1 else 'all'} look like "
                f"{field}; using {winner!r}, "
                f"{_names(losers)} {'goes' if len(losers) == 1 else 'go'} into custom_fields "
                f"(pass mapping={{column: {field!r}}} to choose another)"
            )

    mapping: dict[str, str | None] = {}
    for col in columns:
        mapping[col] = fixed[col] if col in fixed else guessed.get(col, CUSTOM_FIELDS)
    return mapping, notes


def _names(cols: list[str]) -> str:
    quoted = [repr(c) for c in cols]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
