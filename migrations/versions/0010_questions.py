"""public questions and answers, line ministries, public holidays, reports

Revision ID: 0010_questions
Revises: 0008_notifications
Create Date: 2026-12-01 20:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0010_questions'
down_revision = '0008_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ministries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('name_ky', sa.String(length=200), nullable=False),
        sa.Column('name_ru', sa.String(length=200), nullable=False),
        sa.Column('name_en', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'ministry_sectors',
        sa.Column('ministry_id', sa.Integer(), nullable=False),
        sa.Column('sector_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['ministry_id'], ['ministries.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sector_id'], ['sectors.id']),
        sa.PrimaryKeyConstraint('ministry_id', 'sector_id'),
    )
    op.create_table(
        'ministry_members',
        sa.Column('ministry_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['ministry_id'], ['ministries.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('ministry_id', 'user_id'),
    )
    op.create_table(
        'holidays',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('day'),
    )
    op.create_table(
        'questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('asker_id', sa.Integer(), nullable=False),
        sa.Column('lsg_id', sa.Integer(), nullable=True),
        sa.Column('ministry_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('show_name', sa.Boolean(), nullable=False),
        sa.Column('asker_country', sa.String(length=2), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('reminded_at', sa.DateTime(), nullable=True),
        sa.Column('escalated_at', sa.DateTime(), nullable=True),
        sa.Column('hidden_at', sa.DateTime(), nullable=True),
        sa.Column('hidden_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['asker_id'], ['users.id']),
        sa.ForeignKeyConstraint(['lsg_id'], ['lsgs.id']),
        sa.ForeignKeyConstraint(['ministry_id'], ['ministries.id']),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index('ix_questions_asker_created', ['asker_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_lsg_id'), ['lsg_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_ministry_id'), ['ministry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_project_id'), ['project_id'], unique=False)
    op.create_table(
        'answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('hidden_at', sa.DateTime(), nullable=True),
        sa.Column('hidden_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['author_id'], ['users.id']),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_question_id'), ['question_id'], unique=False)
    op.create_table(
        'question_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=True),
        sa.Column('answer_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['answer_id'], ['answers.id']),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id']),
        sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('reporter_id', 'answer_id', name='uq_question_reports_reporter_answer'),
        sa.UniqueConstraint('reporter_id', 'question_id', name='uq_question_reports_reporter_question'),
    )
    with op.batch_alter_table('question_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_reports_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_reports_question_id'), ['question_id'], unique=False)


def downgrade():
    with op.batch_alter_table('question_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_reports_question_id'))
        batch_op.drop_index(batch_op.f('ix_question_reports_answer_id'))
    op.drop_table('question_reports')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_question_id'))
    op.drop_table('answers')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_project_id'))
        batch_op.drop_index(batch_op.f('ix_questions_ministry_id'))
        batch_op.drop_index(batch_op.f('ix_questions_lsg_id'))
        batch_op.drop_index(batch_op.f('ix_questions_created_at'))
        batch_op.drop_index('ix_questions_asker_created')
    op.drop_table('questions')
    op.drop_table('holidays')
    op.drop_table('ministry_members')
    op.drop_table('ministry_sectors')
    op.drop_table('ministries')
