"""The project status machine beside the model: pure, no database."""
import pytest

from app.errors import InvalidTransition
from app.models import PROJECT_TRANSITIONS, Project, ProjectStatus, RevisionState

S = ProjectStatus


def test_every_status_has_a_row_in_the_table():
    assert set(PROJECT_TRANSITIONS) == set(ProjectStatus)


@pytest.mark.parametrize("start", list(ProjectStatus))
def test_move_to_follows_the_table_and_refuses_the_rest(start):
    for target in ProjectStatus:
        project = Project(status=start)
        if target in PROJECT_TRANSITIONS[start]:
            project.move_to(target)
            assert project.status == target
        else:
            with pytest.raises(InvalidTransition):
                project.move_to(target)
            assert project.status == start


@pytest.mark.parametrize("status, revision, awaiting", [
    (S.DRAFT, None, False),
    (S.SUBMITTED, None, True),
    (S.PUBLISHED, None, False),
    (S.PUBLISHED, RevisionState.EDITING, False),
    (S.PUBLISHED, RevisionState.SUBMITTED, True),
    (S.FUNDED, RevisionState.SUBMITTED, True),
    (S.PUBLISHED, RevisionState.CHANGES_REQUESTED, False),
])
def test_awaiting_review_covers_new_projects_and_revisions(status, revision, awaiting):
    project = Project(status=status, revision_state=revision)
    assert project.awaiting_review is awaiting
    assert project.revision_awaiting_review is (awaiting and project.is_public)


def test_what_can_be_sent_for_review():
    assert Project(status=S.DRAFT).can_be_submitted
    assert Project(status=S.CHANGES_REQUESTED).can_be_submitted
    assert Project(status=S.PUBLISHED, revision_state=RevisionState.EDITING).can_be_submitted
    assert not Project(status=S.PUBLISHED).can_be_submitted
    assert not Project(status=S.SUBMITTED).can_be_submitted
    assert not Project(status=S.PUBLISHED, revision_state=RevisionState.SUBMITTED).can_be_submitted
