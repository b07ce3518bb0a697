"""Projects: one territory's co-responsibility process."""

from sqlmodel import Session, select

from workshop import grid, settings
from workshop.errors import SpiraleError
from workshop.models import Project, ProjectRead
from workshop.text import clean_name, clean_optional


def create_project(
    *,
    session: Session,
    name: str,
    place: str = "",
    language: str = "fr",
    cycle: int = 1,
    description: str = "",
) -> ProjectRead:
    """Create a project with its own copy of the reference grid."""
    if language not in settings.LANGUAGES:
        raise SpiraleError("error.language", language=language)
    if int(cycle) < 1:
        raise SpiraleError("error.cycle")
    name = clean_name(name)
    if session.exec(select(Project).where(Project.name == name)).first():
        raise SpiraleError("error.project_exists", name=name)
    project = Project(
        name=name,
        place=clean_optional(place, max_length=120),
        language=language,
        cycle=int(cycle),
        description=clean_optional(description),
    )
    session.add(project)
    session.flush()
    grid.load_grid(session=session, project_id=project.id)
    return ProjectRead.model_validate(project)


def list_projects(*, session: Session) -> list[ProjectRead]:
    return [ProjectRead.model_validate(p) for p in session.exec(select(Project).order_by(Project.id))]


def get_project(*, session: Session, project_id: int) -> ProjectRead:
    project = session.get(Project, project_id)
    if project is None:
        raise SpiraleError("error.project_missing")
    return ProjectRead.model_validate(project)
