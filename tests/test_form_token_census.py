"""Census (issue 11, "a double submit makes one row"): every page form of the apps that creates a record carries a
one-time form token (accounts.onetime.OneTimeTokenForm, checked by `onetime.once` or the filing's own
`workorders.idempotency`). A form that is not one is listed below with the reason a double submit cannot make
two rows; a new form that is neither fails this test until it gets the token (or is argued into the list)."""

import importlib
import pkgutil

from django import forms

from accounts.onetime import OneTimeTokenForm

APPS = ["accounts", "compounds", "workorders", "ratings", "staffing", "reports", "funding", "portal"]

# Forms that create nothing, or whose service refuses the second of two identical posts by itself.
NOT_CREATING = {
    "accounts.forms.LoginForm": "signs in: no record",
    "accounts.forms.PasswordChangeForm": "changes the password: an update",
    "accounts.forms.CleanForm": "the base class",
    "accounts.forms.CleanModelForm": "the base class",
    "compounds.importing_views.ImportForm": "the import upserts by code: a second run updates the same rows",
    "staffing.forms.ImportForm": "the staffing import upserts by code: a second run updates the same rows",
    "workorders.intake.forms.RatingForm": "the resident's rating: the service refuses an order rated already",
    "workorders.intake.forms.TrackLookupForm": "a GET lookup",
    "workorders.intake.recovery.PhoneForm": "sends a text message with a code: no row",
    "workorders.intake.recovery.CodeForm": "checks the code: no row",
    "workorders.forms.AssignForm": "a move: the state machine refuses the same move twice",
    "workorders.forms.BulkAssignForm": "moves: the state machine refuses the same move twice",
    "workorders.forms.NoteForm": "a move: the state machine refuses the same move twice",
    "workorders.forms.ReasonForm": "a move: the state machine refuses the same move twice",
    "workorders.forms.TransferForm": "a move: the state machine refuses the same move twice",
    "workorders.forms.EscalateForm": "a move: the state machine refuses the same move twice",
    "workorders.forms.ResolveForm": "a move: the state machine refuses the same move twice",
    "workorders.forms.MergeForm": "a move: the state machine refuses the same move twice",
    "workorders.forms.RateForm": "a move: the state machine refuses the same move twice",
    "workorders.forms.EmptyForm": "a move (claim): the state machine refuses the same move twice",
    "workorders.forms.PrivacySettingsForm": "the district's settings: an update",
    "ratings.forms.StepForm": "completes a step of an introduction: a completed step is refused",
    "ratings.forms.ContractEndForm": "ends a contract: an update",
    "ratings.forms.RatingSettingsForm": "the district's settings: an update",
    "staffing.forms.EndForm": "ends a term: an update",
    "staffing.forms.GradeForm": "grades a star rating: an update of the quarter's row",
    "funding.forms.ReasonForm": "rejects a request: a state move, refused twice",
    "funding.forms.VoucherForm": "pays a request: a state move, refused twice",
    "funding.forms.YearForm": "chooses a year",
    "funding.forms.QuarterForm": "computes a bonus quarter: recomputed in place",
    "funding.forms.CorrectForm": "reverses an entry: the service refuses an entry reversed already (one form per row)",
    "portal.forms.OpenDistrictForm": "opens a district by its code: a second open of the code is refused",
    "reports.views.BuildRequestForm": "asks for a build: the one already in flight is returned",
}


def app_forms() -> dict[str, type[forms.BaseForm]]:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {
        f"{cls.__module__}.{cls.__qualname__}": cls
        for cls in subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in APPS
    }


def test_every_form_that_creates_a_record_carries_a_one_time_token():
    found = app_forms()
    lacking = [
        name
        for name, cls in sorted(found.items())
        if not issubclass(cls, OneTimeTokenForm) and name not in NOT_CREATING
    ]
    assert not lacking, f"forms without a one-time token (give them OneTimeTokenForm, or argue them in): {lacking}"
    stale = [name for name in NOT_CREATING if name not in found]
    assert not stale, f"listed forms that no longer exist: {stale}"
    tokened = [name for name, cls in found.items() if issubclass(cls, OneTimeTokenForm)]
    assert len(tokened) >= 30  # the census sees the apps' forms (an import gone wrong would see none)
