"""The questions blueprint: public questions and answers, ministries, holidays; views in routes.py
(admin pages in admin_routes.py)."""
from app.blueprints.questions.routes import bp

__all__ = ["bp"]
