"""The UNESCO ICT Competency Framework for Teachers, version 3 (2018): 6 aspects × 3 levels, one
competency per cell. Names in English, Russian and Arabic (CC BY-SA 3.0 IGO, UNESCO). Loaded by a data
migration; shared with the test fixture that restores reference data."""

ASPECTS = {
    1: {
        "en": "Understanding ICT in Education Policy",
        "ru": "Понимание роли ИКТ в образовательной политике",
        "ar": "فهم دور تكنولوجيا المعلومات والاتصالات في السياسات التعليمية",
    },
    2: {"en": "Curriculum and Assessment", "ru": "Учебная программа и оценивание", "ar": "المناهج والتقييم"},
    3: {"en": "Pedagogy", "ru": "Педагогические практики", "ar": "أصول التدريس"},
    4: {"en": "Application of Digital Skills", "ru": "Применение цифровых навыков", "ar": "تطبيق المهارات الرقمية"},
    5: {"en": "Organization and Administration", "ru": "Организация и управление", "ar": "التنظيم والإدارة"},
    6: {
        "en": "Teacher Professional Learning",
        "ru": "Профессиональное развитие учителя",
        "ar": "التعلم المهني للمعلمين",
    },
}

LEVELS = {
    1: {"en": "Knowledge Acquisition", "ru": "Приобретение знаний", "ar": "اكتساب المعرفة"},
    2: {"en": "Knowledge Deepening", "ru": "Углубление знаний", "ar": "تعميق المعرفة"},
    3: {"en": "Knowledge Creation", "ru": "Созидание знаний", "ar": "إنتاج المعرفة"},
}

COMPETENCIES = {
    (1, 1): {"en": "Policy Understanding", "ru": "Понимание политики", "ar": "فهم السياسات"},
    (1, 2): {"en": "Policy Application", "ru": "Применение политики", "ar": "تطبيق السياسات"},
    (1, 3): {"en": "Policy Innovation", "ru": "Инновации в политике", "ar": "الابتكار في السياسات"},
    (2, 1): {"en": "Basic Knowledge", "ru": "Базовые знания", "ar": "المعرفة الأساسية"},
    (2, 2): {"en": "Knowledge Application", "ru": "Применение знаний", "ar": "تطبيق المعرفة"},
    (2, 3): {"en": "Knowledge Society Skills", "ru": "Навыки общества знаний", "ar": "مهارات مجتمع المعرفة"},
    (3, 1): {
        "en": "ICT-Enhanced Teaching",
        "ru": "Обучение с применением ИКТ",
        "ar": "التدريس المعزز بتكنولوجيا المعلومات والاتصالات",
    },
    (3, 2): {"en": "Complex Problem Solving", "ru": "Решение сложных задач", "ar": "حل المشكلات المعقدة"},
    (3, 3): {"en": "Self-Management", "ru": "Самоуправление", "ar": "الإدارة الذاتية"},
    (4, 1): {"en": "Application", "ru": "Применение", "ar": "التطبيق"},
    (4, 2): {"en": "Infusion", "ru": "Интеграция", "ar": "الدمج"},
    (4, 3): {"en": "Transformation", "ru": "Трансформация", "ar": "التحول"},
    (5, 1): {"en": "Standard Classroom", "ru": "Стандартный класс", "ar": "الفصل الدراسي التقليدي"},
    (5, 2): {"en": "Collaborative Groups", "ru": "Совместная работа в группах", "ar": "المجموعات التعاونية"},
    (5, 3): {"en": "Learning Organizations", "ru": "Обучающиеся организации", "ar": "المؤسسات المتعلمة"},
    (6, 1): {"en": "Digital Literacy", "ru": "Цифровая грамотность", "ar": "محو الأمية الرقمية"},
    (6, 2): {"en": "Networking", "ru": "Сетевое взаимодействие", "ar": "التواصل الشبكي"},
    (6, 3): {"en": "Teacher as Innovator", "ru": "Учитель-новатор", "ar": "المعلم المبتكر"},
}


def ensure_framework(apps) -> None:
    Competency = apps.get_model("competencies", "Competency")
    existing = set(Competency.objects.values_list("aspect", "level"))
    Competency.objects.bulk_create(
        [
            Competency(aspect=aspect, level=level, names=names)
            for (aspect, level), names in COMPETENCIES.items()
            if (aspect, level) not in existing
        ]
    )
