from compounds.models.base import DistrictOwned
from compounds.models.imports import ImportJob, ImportStatus, OrgImport
from compounds.models.organisations import Department, DepartmentKind, PropertyFirm
from compounds.models.tree import (
    Building,
    Community,
    Compound,
    District,
    Grid,
    ManagementMode,
    Street,
    Tier,
    TierChange,
)

__all__ = [
    "Building",
    "Community",
    "Compound",
    "Department",
    "DepartmentKind",
    "District",
    "DistrictOwned",
    "Grid",
    "ImportJob",
    "ImportStatus",
    "ManagementMode",
    "OrgImport",
    "PropertyFirm",
    "Street",
    "Tier",
    "TierChange",
]
