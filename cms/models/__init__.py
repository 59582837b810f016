from .courses import CourseIndexPage, CoursePage, LessonPage, ModulePage
from .home import HomePage, NewsIndexPage, NewsPage
from .library import ResourceIndexPage, ResourcePage

__all__ = [
    "CourseIndexPage",
    "CoursePage",
    "HomePage",
    "LessonPage",
    "ModulePage",
    "NewsIndexPage",
    "NewsPage",
    "ResourceIndexPage",
    "ResourcePage",
]
