"""What the project page shows of its mission: one object for the panel, each part's figures
computed by its service."""
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import joinedload, selectinload

from app.models import ChecklistItem, Mission, MissionVolunteer, Need, Pledge
from app.services.missions import certificates, patients
from app.services.missions.core import mission_of, readiness, volunteer_of


# What the panel shows of the mission, loaded with it: one query per list, never one per checklist
# item or volunteer.
PANEL_LOADS = (
    joinedload(Mission.kind),
    joinedload(Mission.report),
    selectinload(Mission.items).options(joinedload(ChecklistItem.template_item), selectinload(ChecklistItem.photos)),
    selectinload(Mission.volunteers).joinedload(MissionVolunteer.pledge).joinedload(Pledge.need)
    .joinedload(Need.skill),
)


@dataclass
class MissionPanel:
    mission: Mission
    ready: int  # checklist items ready
    total: int  # checklist items in all
    patients: Any  # patients.public_figures(mission)
    volunteer_value: Any  # certificates.volunteer_value(mission)
    my_volunteering: Any  # the viewer's MissionVolunteer, or None


def mission_panel(project, viewer):
    """The panel for ``project``'s mission, or None when it is not run as one."""
    mission = mission_of(project, *PANEL_LOADS)
    if mission is None:
        return None
    ready, total = readiness(mission)
    mine = volunteer_of(viewer, mission) if getattr(viewer, "is_authenticated", False) else None
    return MissionPanel(mission=mission, ready=ready, total=total, patients=patients.public_figures(mission),
                        volunteer_value=certificates.volunteer_value(mission), my_volunteering=mine)
