"""Projects: officials write them, moderators decide on them, everyone sees the published version.

By concern: ``lookups`` (finding and visibility), ``editing`` (the working copy and its
completeness), ``review`` (submission and the moderators' decisions), ``updates`` (news and
spending after publication), ``versions`` (snapshots and their differences). The status machine
lives beside the model (``Project.move_to``, ``PROJECT_TRANSITIONS``). Every public function is
re-exported here, so callers write ``from app.services import projects`` and ``projects.add_need``.
"""
from app.services.projects.editing import (
    add_milestone,
    add_need,
    add_photo,
    add_share,
    close_need,
    create_project,
    needs_holding_pledges,
    problems,
    problems_by_step,
    removable_item,
    remove_milestone,
    remove_need,
    remove_photo,
    remove_share,
    set_cover,
    set_overfunding,
    update_project,
)
from app.services.projects.lookups import (
    editable_project,
    get_project,
    lsgs_of_official,
    project_for_page,
    projects_of_official,
    published_projects,
    visible_project,
)
from app.services.projects.review import (
    DECISION_ACTIONS,
    DECISIONS,
    all_public_decisions,
    cancel_project,
    decide_many,
    project_for_review,
    public_decisions,
    public_decisions_before,
    publish_project,
    reject_project,
    request_changes,
    review_queue,
    submit_project,
    unpublish_project,
)
from app.services.projects.updates import is_stale, milestone_spending, post_update, start_work
from app.services.projects.versions import changes_since_review, diff, snapshot


__all__ = [
    "DECISIONS",
    "DECISION_ACTIONS",
    "add_milestone",
    "add_need",
    "add_photo",
    "add_share",
    "all_public_decisions",
    "cancel_project",
    "changes_since_review",
    "close_need",
    "create_project",
    "decide_many",
    "diff",
    "editable_project",
    "get_project",
    "is_stale",
    "lsgs_of_official",
    "milestone_spending",
    "needs_holding_pledges",
    "post_update",
    "problems",
    "problems_by_step",
    "removable_item",
    "project_for_review",
    "project_for_page",
    "projects_of_official",
    "public_decisions",
    "public_decisions_before",
    "published_projects",
    "publish_project",
    "reject_project",
    "remove_milestone",
    "remove_need",
    "remove_photo",
    "remove_share",
    "request_changes",
    "review_queue",
    "set_cover",
    "set_overfunding",
    "snapshot",
    "start_work",
    "submit_project",
    "unpublish_project",
    "update_project",
    "visible_project",
]
