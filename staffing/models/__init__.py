from staffing.models.people import ASSESSED_ROLES, Person, PersonRole, VolunteerService
from staffing.models.stars import StarAssessment

__all__ = ["ASSESSED_ROLES", "Person", "PersonRole", "StarAssessment", "VolunteerService"]
