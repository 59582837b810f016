from .courses import CourseIndexPage, CoursePage, LessonPage, ModulePage
from .home import HomePage, NewsIndexPage, NewsPage

__all__ = [
    "CourseIndexPage",
    "CoursePage",
    "HomePage",
    "LessonPage",
    "ModulePage",
    "NewsIndexPage",
    "NewsPage",
]
