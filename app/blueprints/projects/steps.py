"""The officials' editor as steps: basics → needs → co-financing plan → milestones → photos →
review and submit. Each step is its own page; a form of a step is saved on its own, and after it
the official comes back to the step and the section they worked on (``#needs``, ``#shares`` …).

``basics`` is the project form (``projects.edit``), ``review`` the overview (``projects.manage``),
the others ``projects.manage_step``: the URLs other pages link to keep working.
"""
from flask import url_for

from app.services import projects as service

STEPS = ("basics", "needs", "plan", "milestones", "photos", "review")
MIDDLE_STEPS = STEPS[1:-1]
# The section of each step a redirect returns to (the ids in the templates).
SECTIONS = {"basics": "basics", "needs": "needs", "plan": "shares", "milestones": "milestones",
            "photos": "photos", "review": "submit"}
STEP_OF_FORM = {"funds_form": "needs", "skill_form": "needs", "inkind_form": "needs", "close_form": "needs",
                "share_form": "plan", "milestone_form": "milestones", "photo_form": "photos",
                "cancel_form": "review"}
STEP_OF_COLLECTION = {"needs": "needs", "shares": "plan", "milestones": "milestones", "photos": "photos"}


def step_url(project, step, *, section=False):
    anchor = SECTIONS[step] if section else None
    if step == "basics":
        return url_for("projects.edit", project_id=project.id, _anchor=anchor)
    if step == "review":
        return url_for("projects.manage", project_id=project.id, _anchor=anchor)
    return url_for("projects.manage_step", project_id=project.id, step=step, _anchor=anchor)


def progress(project, current):
    """The steps for the progress indicator: name, link, whether it is the current one, and its
    state: ``missing`` (something there keeps the project from being submitted), ``done``, or
    ``optional`` (photos, none yet). A project not yet saved (``None``) has only its first step."""
    if project is None:
        return {"steps": [{"name": name, "number": index + 1, "url": None, "current": name == current,
                           "state": "optional" if name == "photos" else "missing"}
                          for index, name in enumerate(STEPS)],
                "current": current, "back": None, "next": None, "problems": []}
    problems = service.problems_by_step(project)
    missing = {step for step, _message in problems}
    steps = []
    for index, name in enumerate(STEPS):
        if name in missing or (name == "review" and missing):
            state = "missing"
        elif name == "photos" and not project.photos:
            state = "optional"
        else:
            state = "done"
        steps.append({"name": name, "number": index + 1, "url": step_url(project, name),
                      "current": name == current, "state": state})
    position = STEPS.index(current)
    back = step_url(project, STEPS[position - 1]) if position else None
    forward = step_url(project, STEPS[position + 1]) if position + 1 < len(STEPS) else None
    return {"steps": steps, "current": current, "back": back, "next": forward,
            "problems": [(step_url(project, step, section=True), message) for step, message in problems]}
