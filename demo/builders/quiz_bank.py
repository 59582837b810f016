"""The demo question bank: teacher-training questions of every type, in English (the source), Russian and Arabic.

Every text is a tuple ``(en, ru, ar)``; a plain string is the same in every language (a number, a file ending,
a password, a name). ``quizzes.py`` turns each entry into a question's fields and its ``texts`` translations.

- ``key`` is the question's ID number: how a second run finds it again.
- multichoice: ``single``; ``answers`` are ``{"fraction", "text", "feedback"}``.
- truefalse: ``correct``, ``feedback_true`` (shown to who answers true), ``feedback_false``.
- shortanswer: ``case_sensitive``; ``answers`` as multiple choice, ``*`` matching any run of characters. What a
  learner types is graded against the source answers only, so the answers are the same in every language.
- numerical: ``answers`` are ``{"fraction", "text" (a number or "*"), "tolerance", "feedback"}``; ``units``.
- matching: ``pairs`` are ``(question, answer)``; a question of None makes the answer a distractor.
- ordering: ``items`` in the right order.
- essay, description: only their text (and, for an essay, general feedback for the trainer and the learner).
"""

from __future__ import annotations

from typing import Any

ROOT = "Demo bank"
DIGITAL_PEDAGOGY = "Digital pedagogy"
ICT_BASICS = "ICT basics"
ASSESSMENT = "Assessment"
INCLUSION = "Inclusive education"
GEOGEBRA = "Mathematics with GeoGebra"
REFLECTION = "Reflection"
# The order the categories are created in, below ROOT.
CATEGORIES = [DIGITAL_PEDAGOGY, ICT_BASICS, ASSESSMENT, INCLUSION, GEOGEBRA, REFLECTION]

QUESTIONS: list[dict[str, Any]] = [
    # Digital pedagogy: the UNESCO ICT Competency Framework for Teachers, SAMR, open educational resources -------
    {
        "key": "dp-cft-first-level",
        "category": DIGITAL_PEDAGOGY,
        "kind": "multichoice",
        "name": "ICT CFT: the first level",
        "single": True,
        "text": (
            "The UNESCO ICT Competency Framework for Teachers (ICT CFT) describes three levels of a teacher's use "
            "of ICT. Which level comes first?",
            "Структура ИКТ-компетентности учителей ЮНЕСКО описывает три уровня использования ИКТ учителем. "
            "Какой уровень идёт первым?",
            "يصف إطار اليونسكو لكفاءات المعلمين في مجال تكنولوجيا المعلومات والاتصالات ثلاثة مستويات لاستخدام "
            "المعلم لهذه التكنولوجيا. ما المستوى الأول؟",
        ),
        "general_feedback": (
            "The three levels are knowledge acquisition, knowledge deepening and knowledge creation.",
            "Три уровня: получение знаний, углубление знаний и создание знаний.",
            "المستويات الثلاثة هي: اكتساب المعرفة، وتعميق المعرفة، وإنتاج المعرفة.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": ("Knowledge acquisition", "Получение знаний", "اكتساب المعرفة"),
                "feedback": (
                    "Right. At this level teachers use ICT to support the existing curriculum and their everyday work.",
                    "Верно. На этом уровне учитель использует ИКТ, чтобы поддержать существующую учебную программу "
                    "и повседневную работу.",
                    "صحيح. في هذا المستوى يستخدم المعلم التكنولوجيا لدعم المنهج القائم وعمله اليومي.",
                ),
            },
            {
                "fraction": "0",
                "text": ("Knowledge deepening", "Углубление знаний", "تعميق المعرفة"),
                "feedback": (
                    "This is the second level: learners use ICT to solve complex, real-world problems.",
                    "Это второй уровень: ученики с помощью ИКТ решают сложные задачи из реальной жизни.",
                    "هذا هو المستوى الثاني: يستخدم المتعلمون التكنولوجيا لحل مشكلات معقدة من الواقع.",
                ),
            },
            {
                "fraction": "0",
                "text": ("Knowledge creation", "Создание знаний", "إنتاج المعرفة"),
                "feedback": (
                    "This is the third and most advanced level.",
                    "Это третий, самый высокий уровень.",
                    "هذا هو المستوى الثالث والأكثر تقدمًا.",
                ),
            },
            {
                "fraction": "0",
                "text": ("Digital transformation", "Цифровая трансформация", "التحول الرقمي"),
                "feedback": (
                    "This is not one of the framework's levels.",
                    "Такого уровня в Структуре нет.",
                    "هذا ليس من مستويات الإطار.",
                ),
            },
        ],
    },
    {
        "key": "dp-cft-aspects",
        "category": DIGITAL_PEDAGOGY,
        "kind": "multichoice",
        "name": "ICT CFT: aspects of teachers' work",
        "single": False,
        "text": (
            "Which of these are aspects of teachers' work in version 3 of the UNESCO ICT CFT? Select all that apply.",
            "Какие из этих аспектов работы учителя входят в третью версию Структуры ИКТ-компетентности учителей "
            "ЮНЕСКО? Выберите все подходящие варианты.",
            "أيٌّ مما يلي من جوانب عمل المعلم في الإصدار الثالث من إطار اليونسكو لكفاءات المعلمين في مجال "
            "تكنولوجيا المعلومات والاتصالات؟ اختر كل ما ينطبق.",
        ),
        "general_feedback": (
            "The six aspects are: understanding ICT in education policy; curriculum and assessment; pedagogy; "
            "application of digital skills; organization and administration; teacher professional learning.",
            "Шесть аспектов: понимание роли ИКТ в образовательной политике; учебная программа и оценивание; "
            "педагогические практики; применение цифровых навыков; организация и управление; профессиональное "
            "развитие учителя.",
            "الجوانب الستة هي: فهم دور التكنولوجيا في السياسات التعليمية؛ والمنهج والتقييم؛ وأصول التدريس؛ "
            "وتطبيق المهارات الرقمية؛ والتنظيم والإدارة؛ والتعلم المهني للمعلم.",
        ),
        "answers": [
            {
                "fraction": "0.25",
                "text": ("Pedagogy", "Педагогические практики", "أصول التدريس"),
                "feedback": (
                    "Yes: how ICT changes teaching and learning.",
                    "Да: как ИКТ меняют преподавание и обучение.",
                    "نعم: كيف تغيّر التكنولوجيا التعليمَ والتعلم.",
                ),
            },
            {
                "fraction": "0.25",
                "text": ("Curriculum and assessment", "Учебная программа и оценивание", "المنهج والتقييم"),
                "feedback": (
                    "Yes: how ICT supports the curriculum and assessment.",
                    "Да: как ИКТ поддерживают учебную программу и оценивание.",
                    "نعم: كيف تدعم التكنولوجيا المنهجَ والتقييم.",
                ),
            },
            {
                "fraction": "0.25",
                "text": ("Application of digital skills", "Применение цифровых навыков", "تطبيق المهارات الرقمية"),
                "feedback": (
                    "Yes: using digital tools well in your own work.",
                    "Да: умелое использование цифровых инструментов в своей работе.",
                    "نعم: حسن استخدام الأدوات الرقمية في عملك.",
                ),
            },
            {
                "fraction": "0.25",
                "text": ("Teacher professional learning", "Профессиональное развитие учителя", "التعلم المهني للمعلم"),
                "feedback": (
                    "Yes: using ICT for your own continuing development.",
                    "Да: использование ИКТ для собственного непрерывного развития.",
                    "نعم: استخدام التكنولوجيا في تطوير نفسك باستمرار.",
                ),
            },
            {
                "fraction": "-0.5",
                "text": ("Buying devices for the school", "Закупка устройств для школы", "شراء الأجهزة للمدرسة"),
                "feedback": (
                    "No: choosing equipment is not one of the framework's aspects.",
                    "Нет: выбор оборудования не входит в аспекты Структуры.",
                    "لا: اختيار الأجهزة ليس من جوانب الإطار.",
                ),
            },
            {
                "fraction": "-0.5",
                "text": (
                    "Marketing the school on social media",
                    "Продвижение школы в социальных сетях",
                    "الترويج للمدرسة على وسائل التواصل الاجتماعي",
                ),
                "feedback": (
                    "No: this is not part of the framework.",
                    "Нет: это не входит в Структуру.",
                    "لا: هذا ليس جزءًا من الإطار.",
                ),
            },
        ],
    },
    {
        "key": "dp-cft-knowledge-creation",
        "category": DIGITAL_PEDAGOGY,
        "kind": "truefalse",
        "name": "ICT CFT: knowledge creation",
        "correct": True,
        "text": (
            "In the ICT CFT, knowledge creation is the most advanced level: teachers and learners use ICT to "
            "produce new knowledge.",
            "В Структуре ИКТ-компетентности ЮНЕСКО создание знаний — самый высокий уровень: учителя и ученики с "
            "помощью ИКТ создают новое знание.",
            "في إطار اليونسكو لكفاءات المعلمين، إنتاج المعرفة هو المستوى الأكثر تقدمًا: يستخدم المعلمون "
            "والمتعلمون التكنولوجيا لإنتاج معرفة جديدة.",
        ),
        "general_feedback": (
            "The levels build on each other; a teacher can work at different levels in different aspects.",
            "Уровни опираются друг на друга; в разных аспектах учитель может находиться на разных уровнях.",
            "تبني المستويات بعضها على بعض، وقد يعمل المعلم في مستويات مختلفة بحسب الجانب.",
        ),
        "feedback_true": (
            "Correct: it is the third level, after knowledge acquisition and knowledge deepening.",
            "Верно: это третий уровень, после получения и углубления знаний.",
            "صحيح: هو المستوى الثالث بعد اكتساب المعرفة وتعميقها.",
        ),
        "feedback_false": (
            "In fact it is true: knowledge creation is the third and most advanced level.",
            "На самом деле это верно: создание знаний — третий и самый высокий уровень.",
            "بل العبارة صحيحة: إنتاج المعرفة هو المستوى الثالث والأكثر تقدمًا.",
        ),
    },
    {
        "key": "dp-cft-master-tools",
        "category": DIGITAL_PEDAGOGY,
        "kind": "truefalse",
        "name": "ICT CFT: where to start",
        "correct": False,
        "text": (
            "According to the ICT CFT, teachers must master advanced digital tools before they start using ICT "
            "in class.",
            "Согласно Структуре ИКТ-компетентности ЮНЕСКО, учитель должен освоить сложные цифровые инструменты, "
            "прежде чем начать использовать ИКТ на уроках.",
            "وفقًا لإطار اليونسكو لكفاءات المعلمين، يجب على المعلم إتقان الأدوات الرقمية المتقدمة قبل أن يبدأ "
            "استخدام التكنولوجيا في الفصل.",
        ),
        "general_feedback": (
            "The framework describes a path of professional growth, not an entry test.",
            "Структура описывает путь профессионального роста, а не вступительный экзамен.",
            "يصف الإطار مسارًا للنمو المهني، لا اختبارًا للقبول.",
        ),
        "feedback_true": (
            "Not so: the framework starts with simple uses of ICT that support the existing curriculum.",
            "Нет: Структура начинается с простого использования ИКТ в поддержку существующей программы.",
            "ليس كذلك: يبدأ الإطار باستخدامات بسيطة للتكنولوجيا تدعم المنهج القائم.",
        ),
        "feedback_false": (
            "Right: teachers start with simple uses and grow step by step.",
            "Верно: учитель начинает с простого и растёт шаг за шагом.",
            "صحيح: يبدأ المعلم باستخدامات بسيطة ويتقدم خطوة بخطوة.",
        ),
    },
    {
        "key": "dp-cft-levels-matching",
        "category": DIGITAL_PEDAGOGY,
        "kind": "matching",
        "name": "ICT CFT: the levels in a classroom",
        "text": (
            "Match each level of the ICT CFT with what it looks like in a classroom.",
            "Соотнесите каждый уровень Структуры ИКТ-компетентности ЮНЕСКО с тем, как он выглядит на уроке.",
            "صِل كل مستوى من مستويات الإطار بما يبدو عليه في الفصل.",
        ),
        "general_feedback": (
            "Each level asks more of learners: from using ICT to learn, to solving real problems, to creating "
            "knowledge.",
            "Каждый следующий уровень требует от учеников большего: от обучения с помощью ИКТ к решению реальных "
            "задач и созданию знаний.",
            "كل مستوى يطلب من المتعلمين أكثر: من التعلم بالتكنولوجيا، إلى حل مشكلات حقيقية، إلى إنتاج المعرفة.",
        ),
        "pairs": [
            (
                ("Knowledge acquisition", "Получение знаний", "اكتساب المعرفة"),
                (
                    "The teacher uses a presentation to explain a topic from the textbook.",
                    "Учитель объясняет тему из учебника с помощью презентации.",
                    "يشرح المعلم موضوعًا من الكتاب المدرسي باستخدام عرض تقديمي.",
                ),
            ),
            (
                ("Knowledge deepening", "Углубление знаний", "تعميق المعرفة"),
                (
                    "Groups use a spreadsheet to analyse water use in their town.",
                    "Группы анализируют в электронной таблице расход воды в своём городе.",
                    "تحلل المجموعات استهلاك المياه في مدينتها باستخدام جدول بيانات.",
                ),
            ),
            (
                ("Knowledge creation", "Создание знаний", "إنتاج المعرفة"),
                (
                    "Students design and publish their own online guide for younger pupils.",
                    "Ученики сами создают и публикуют онлайн-пособие для младших школьников.",
                    "يصمم الطلاب دليلًا إلكترونيًا خاصًا بهم وينشرونه للتلاميذ الأصغر سنًا.",
                ),
            ),
            (
                None,
                (
                    "Students copy notes from the board by hand.",
                    "Ученики переписывают конспект с доски от руки.",
                    "ينسخ الطلاب الملاحظات من السبورة بخط اليد.",
                ),
            ),
        ],
    },
    {
        "key": "dp-samr-order",
        "category": DIGITAL_PEDAGOGY,
        "kind": "ordering",
        "name": "SAMR: the levels in order",
        "text": (
            "Put the levels of the SAMR model of technology use in order, from the lowest to the highest.",
            "Расположите уровни модели SAMR использования технологий по порядку, от низшего к высшему.",
            "رتّب مستويات نموذج SAMR لاستخدام التكنولوجيا من الأدنى إلى الأعلى.",
        ),
        "general_feedback": (
            "SAMR (Ruben Puentedura): substitution and augmentation enhance a task; modification and redefinition "
            "transform it.",
            "Модель SAMR (Рубен Пуэнтедура): замещение и дополнение улучшают задание, модификация и "
            "переопределение преобразуют его.",
            "نموذج SAMR (روبن بوينتيدورا): الاستبدال والتعزيز يحسّنان المهمة، أما التعديل وإعادة التعريف فيحوّلانها.",
        ),
        "items": [
            ("Substitution", "Замещение", "الاستبدال"),
            ("Augmentation", "Дополнение", "التعزيز"),
            ("Modification", "Модификация", "التعديل"),
            ("Redefinition", "Переопределение", "إعادة التعريف"),
        ],
    },
    {
        "key": "dp-samr-word-processor",
        "category": DIGITAL_PEDAGOGY,
        "kind": "multichoice",
        "name": "SAMR: an essay in a word processor",
        "single": True,
        "text": (
            "Students type an essay in a word processor instead of writing it on paper, and nothing else about "
            "the task changes. Which SAMR level is this?",
            "Ученики набирают сочинение в текстовом редакторе вместо того, чтобы писать на бумаге, а в остальном "
            "задание не меняется. Какой это уровень модели SAMR?",
            "يكتب الطلاب مقالًا باستخدام معالج نصوص بدلًا من الورق، دون أي تغيير آخر في المهمة. ما مستوى نموذج SAMR هذا؟",
        ),
        "general_feedback": (
            "Substitution is a fine first step; ask what the technology could add to the task.",
            "Замещение — хороший первый шаг; подумайте, что технология может добавить к заданию.",
            "الاستبدال خطوة أولى جيدة؛ فكّر فيما يمكن أن تضيفه التكنولوجيا إلى المهمة.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": ("Substitution", "Замещение", "الاستبدال"),
                "feedback": (
                    "Right: the tool replaces paper, but the task stays the same.",
                    "Верно: инструмент заменяет бумагу, но задание остаётся прежним.",
                    "صحيح: الأداة تحل محل الورق، لكن المهمة تبقى كما هي.",
                ),
            },
            {
                "fraction": "0",
                "text": ("Augmentation", "Дополнение", "التعزيز"),
                "feedback": (
                    "Not yet: augmentation adds something useful, such as spell-checking or comments from classmates.",
                    "Пока нет: дополнение даёт что-то полезное сверх бумаги, например проверку орфографии или "
                    "комментарии одноклассников.",
                    "ليس بعد: التعزيز يضيف ميزة مفيدة، مثل التدقيق الإملائي أو تعليقات الزملاء.",
                ),
            },
            {
                "fraction": "0",
                "text": ("Modification", "Модификация", "التعديل"),
                "feedback": (
                    "No: modification redesigns a large part of the task.",
                    "Нет: модификация заметно перестраивает задание.",
                    "لا: التعديل يعيد تصميم جزء كبير من المهمة.",
                ),
            },
            {
                "fraction": "0",
                "text": ("Redefinition", "Переопределение", "إعادة التعريف"),
                "feedback": (
                    "No: redefinition makes possible a task that could not be done without technology.",
                    "Нет: переопределение делает возможным задание, невыполнимое без технологий.",
                    "لا: إعادة التعريف تتيح مهمة لم تكن ممكنة دون التكنولوجيا.",
                ),
            },
        ],
    },
    {
        "key": "dp-cc-by",
        "category": DIGITAL_PEDAGOGY,
        "kind": "shortanswer",
        "name": "Open licences: CC BY",
        "case_sensitive": False,
        "text": (
            "Type the short name of the Creative Commons licence that lets anyone share and adapt a resource, even "
            "commercially, as long as they credit the author.",
            "Введите краткое название лицензии Creative Commons, которая разрешает любому распространять и "
            "изменять ресурс, в том числе в коммерческих целях, при условии указания автора.",
            "اكتب الاسم المختصر لرخصة المشاع الإبداعي (Creative Commons) التي تسمح لأي شخص بمشاركة المورد "
            "وتعديله، ولو لأغراض تجارية، بشرط نسبته إلى مؤلفه.",
        ),
        "general_feedback": (
            "CC BY is the most open Creative Commons licence; many open educational resources use it.",
            "CC BY — самая открытая лицензия Creative Commons; её используют многие открытые образовательные ресурсы.",
            "رخصة CC BY هي أكثر رخص المشاع الإبداعي انفتاحًا، وتستخدمها موارد تعليمية مفتوحة كثيرة.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": "CC*BY",
                "feedback": (
                    "Right: CC BY asks only for attribution.",
                    "Верно: CC BY требует только указания авторства.",
                    "صحيح: رخصة CC BY لا تشترط سوى نسب العمل إلى صاحبه.",
                ),
            },
            {
                "fraction": "0.5",
                "text": "CC*BY-SA",
                "feedback": (
                    "Close: CC BY-SA also requires that adaptations are shared under the same licence.",
                    "Почти: CC BY-SA также требует распространять производные работы на тех же условиях.",
                    "قريب: رخصة CC BY-SA تشترط أيضًا نشر الأعمال المعدّلة بالرخصة نفسها.",
                ),
            },
            {
                "fraction": "0",
                "text": "*",
                "feedback": (
                    "Look for the licence whose name has only the letters BY after CC.",
                    "Ищите лицензию, в названии которой после CC стоят только буквы BY.",
                    "ابحث عن الرخصة التي لا يلي CC في اسمها سوى الحرفين BY.",
                ),
            },
        ],
    },
    {
        "key": "dp-oer",
        "category": DIGITAL_PEDAGOGY,
        "kind": "multichoice",
        "name": "Open educational resources",
        "single": True,
        "text": (
            "What makes a resource an open educational resource (OER)?",
            "Что делает ресурс открытым образовательным ресурсом (ООР)?",
            "ما الذي يجعل المورد موردًا تعليميًا مفتوحًا؟",
        ),
        "general_feedback": (
            "UNESCO's 2019 Recommendation on OER asks countries to support teachers in creating and sharing OER.",
            "Рекомендация ЮНЕСКО об ООР 2019 года призывает страны помогать учителям создавать открытые ресурсы "
            "и делиться ими.",
            "تدعو توصية اليونسكو بشأن الموارد التعليمية المفتوحة (2019) الدولَ إلى دعم المعلمين في إنتاج هذه "
            "الموارد ومشاركتها.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": (
                    "It is published under an open licence that allows reuse and adaptation.",
                    "Он опубликован под открытой лицензией, разрешающей повторное использование и переработку.",
                    "منشور برخصة مفتوحة تسمح بإعادة استخدامه وتعديله.",
                ),
                "feedback": (
                    "Right: the open licence is what matters.",
                    "Верно: главное — открытая лицензия.",
                    "صحيح: الرخصة المفتوحة هي الأساس.",
                ),
            },
            {
                "fraction": "0",
                "text": (
                    "It can be found with a search engine.",
                    "Его можно найти в поисковике.",
                    "يمكن العثور عليه عبر محرك بحث.",
                ),
                "feedback": (
                    "Many resources online are free to read but not free to reuse.",
                    "Многие ресурсы в интернете можно бесплатно читать, но нельзя свободно использовать.",
                    "كثير من الموارد على الإنترنت مجانية القراءة لكنها غير متاحة لإعادة الاستخدام.",
                ),
            },
            {
                "fraction": "0",
                "text": ("It was made by a government.", "Его создало государство.", "أعدّته جهة حكومية."),
                "feedback": (
                    "Who made it does not matter; the licence does.",
                    "Неважно, кто его создал; важна лицензия.",
                    "لا يهم من أعدّه، بل رخصته.",
                ),
            },
            {
                "fraction": "0",
                "text": ("It is a video.", "Это видео.", "هو مقطع فيديو."),
                "feedback": (
                    "An OER can be any kind of material: text, image, video, course or test.",
                    "ООР может быть любым материалом: текстом, изображением, видео, курсом или тестом.",
                    "قد يكون المورد المفتوح أي نوع من المواد: نصًا أو صورة أو فيديو أو دورة أو اختبارًا.",
                ),
            },
        ],
    },
    # ICT basics: equipment, files, sharing, safety ------------------------------------------------------------
    {
        "key": "ict-projector",
        "category": ICT_BASICS,
        "kind": "multichoice",
        "name": "Projector: no signal",
        "single": True,
        "text": (
            'The classroom projector is on but shows "No signal". What should you check first?',
            "Проектор в классе включён, но показывает «Нет сигнала». Что нужно проверить в первую очередь?",
            "جهاز العرض في الفصل يعمل لكنه يعرض رسالة «لا توجد إشارة». ما أول ما ينبغي التحقق منه؟",
        ),
        "general_feedback": (
            "Try the equipment before the lesson, and keep a plan B that works without it.",
            "Проверяйте оборудование до урока и держите запасной план на случай, если оно не заработает.",
            "جرّب الأجهزة قبل الدرس، واحتفظ بخطة بديلة لا تعتمد عليها.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": (
                    "The cable and the projector's input source",
                    "Кабель и источник входного сигнала проектора",
                    "الكابل ومصدر الإدخال في جهاز العرض",
                ),
                "feedback": (
                    "Right: most often the cable is loose or the projector is set to the wrong input.",
                    "Верно: чаще всего отошёл кабель или на проекторе выбран не тот вход.",
                    "صحيح: في الغالب يكون الكابل غير موصول جيدًا أو يكون جهاز العرض مضبوطًا على مدخل غير صحيح.",
                ),
            },
            {
                "fraction": "0",
                "text": ("The projector's lamp", "Лампу проектора", "مصباح جهاز العرض"),
                "feedback": (
                    "The lamp is working: the projector is showing a message.",
                    "Лампа работает: проектор ведь показывает сообщение.",
                    "المصباح يعمل، فجهاز العرض يُظهر رسالة.",
                ),
            },
            {
                "fraction": "0",
                "text": (
                    "The school's internet connection",
                    "Подключение школы к интернету",
                    "اتصال المدرسة بالإنترنت",
                ),
                "feedback": (
                    "A projector shows a laptop's screen without the internet.",
                    "Проектору интернет не нужен, чтобы показать экран ноутбука.",
                    "لا يحتاج جهاز العرض إلى الإنترنت ليعرض شاشة الحاسوب.",
                ),
            },
            {
                "fraction": "0",
                "text": ("The presentation file", "Файл презентации", "ملف العرض التقديمي"),
                "feedback": (
                    "Even with a broken file, the projector would show the laptop's screen.",
                    "Даже с испорченным файлом проектор показал бы экран ноутбука.",
                    "حتى لو كان الملف تالفًا لظهرت شاشة الحاسوب.",
                ),
            },
        ],
    },
    {
        "key": "ict-sharing-work",
        "category": ICT_BASICS,
        "kind": "multichoice",
        "name": "Publishing students' work safely",
        "single": False,
        "text": (
            "You want to publish students' projects on the school website. Which of these are good practice? "
            "Select all that apply.",
            "Вы хотите опубликовать проекты учеников на сайте школы. Что из перечисленного — правильная практика? "
            "Выберите все подходящие варианты.",
            "تريد نشر مشروعات الطلاب على موقع المدرسة. أيٌّ مما يلي من الممارسات السليمة؟ اختر كل ما ينطبق.",
        ),
        "general_feedback": (
            "Follow your school's rules and your country's data-protection law.",
            "Соблюдайте правила школы и законодательство своей страны о защите персональных данных.",
            "اتبع قواعد مدرستك وقانون حماية البيانات في بلدك.",
        ),
        "answers": [
            {
                "fraction": "0.5",
                "text": (
                    "Ask the students and their parents for permission first",
                    "Сначала спросить разрешения у учеников и их родителей",
                    "استئذان الطلاب وأولياء أمورهم أولًا",
                ),
                "feedback": ("Yes: consent comes first.", "Да: сначала согласие.", "نعم: الموافقة تأتي أولًا."),
            },
            {
                "fraction": "0.5",
                "text": (
                    "Show first names only, without surnames or addresses",
                    "Указывать только имена, без фамилий и адресов",
                    "الاكتفاء بالأسماء الأولى دون أسماء العائلات أو العناوين",
                ),
                "feedback": (
                    "Yes: share as little personal data as you can.",
                    "Да: раскрывайте как можно меньше личных данных.",
                    "نعم: شارك أقل قدر ممكن من البيانات الشخصية.",
                ),
            },
            {
                "fraction": "-1",
                "text": (
                    "Add each student's phone number so that readers can contact them",
                    "Добавить номер телефона каждого ученика, чтобы читатели могли с ним связаться",
                    "إضافة رقم هاتف كل طالب ليتمكن القراء من التواصل معه",
                ),
                "feedback": (
                    "No: never publish students' contact details.",
                    "Нет: никогда не публикуйте контакты учеников.",
                    "لا: لا تنشر أبدًا بيانات التواصل الخاصة بالطلاب.",
                ),
            },
            {
                "fraction": "-1",
                "text": (
                    "Publish photos in which students can be recognised, without asking",
                    "Публиковать фотографии, на которых можно узнать учеников, не спрашивая разрешения",
                    "نشر صور يمكن التعرف فيها على الطلاب دون استئذان",
                ),
                "feedback": (
                    "No: photos of children need their parents' consent.",
                    "Нет: для фотографий детей нужно согласие родителей.",
                    "لا: صور الأطفال تحتاج إلى موافقة أولياء أمورهم.",
                ),
            },
        ],
    },
    {
        "key": "ict-cloud",
        "category": ICT_BASICS,
        "kind": "truefalse",
        "name": "Cloud storage",
        "correct": True,
        "text": (
            "A file saved in cloud storage can be opened from another device connected to the internet.",
            "Файл, сохранённый в облачном хранилище, можно открыть с другого устройства, подключённого к интернету.",
            "يمكن فتح ملف محفوظ في التخزين السحابي من جهاز آخر متصل بالإنترنت.",
        ),
        "general_feedback": (
            "Keep a copy of important files offline too, in case the connection fails.",
            "Храните копию важных файлов и офлайн — на случай, если пропадёт связь.",
            "احتفظ أيضًا بنسخة من الملفات المهمة دون اتصال، تحسبًا لانقطاع الشبكة.",
        ),
        "feedback_true": (
            "Correct: that is what makes the cloud useful for teachers who work at school and at home.",
            "Верно: именно этим облако удобно учителю, который работает и в школе, и дома.",
            "صحيح: وهذا ما يجعل السحابة مفيدة للمعلم الذي يعمل في المدرسة وفي البيت.",
        ),
        "feedback_false": (
            "It is true: you sign in to the same account on any device.",
            "Это верно: достаточно войти в ту же учётную запись на любом устройстве.",
            "العبارة صحيحة: يكفي تسجيل الدخول إلى الحساب نفسه من أي جهاز.",
        ),
    },
    {
        "key": "ict-images-copyright",
        "category": ICT_BASICS,
        "kind": "truefalse",
        "name": "Pictures found online",
        "correct": False,
        "text": (
            "Any picture found with a search engine can be used freely in your teaching materials.",
            "Любое изображение, найденное через поисковик, можно свободно использовать в своих учебных материалах.",
            "يمكن استخدام أي صورة يُعثر عليها عبر محرك البحث بحرية في موادك التعليمية.",
        ),
        "general_feedback": (
            "Many search engines can filter results by licence.",
            "Многие поисковики умеют фильтровать результаты по типу лицензии.",
            "تتيح محركات بحث كثيرة تصفية النتائج حسب نوع الرخصة.",
        ),
        "feedback_true": (
            "No: most pictures online are protected by copyright. Look for openly licensed images.",
            "Нет: большинство изображений в интернете защищены авторским правом. Ищите изображения под открытыми "
            "лицензиями.",
            "لا: معظم الصور على الإنترنت محمية بحقوق النشر. ابحث عن صور ذات رخص مفتوحة.",
        ),
        "feedback_false": (
            "Right: check the licence, or use openly licensed images and credit their authors.",
            "Верно: проверяйте лицензию или используйте изображения под открытыми лицензиями, указывая авторов.",
            "صحيح: تحقق من الرخصة، أو استخدم صورًا ذات رخص مفتوحة مع ذكر أصحابها.",
        ),
    },
    {
        "key": "ict-file-types",
        "category": ICT_BASICS,
        "kind": "matching",
        "name": "File types",
        "text": (
            "Match each kind of file with the ending its name usually has.",
            "Соотнесите каждый тип файла с расширением, которое обычно бывает у его имени.",
            "صِل كل نوع من الملفات بالامتداد الذي ينتهي به اسمه عادةً.",
        ),
        "general_feedback": (
            "Be careful with files ending in .exe from unknown senders: they are programs and can be harmful.",
            "Осторожно с файлами .exe от неизвестных отправителей: это программы, и они могут навредить.",
            "احذر من الملفات المنتهية بالامتداد .exe من مرسلين مجهولين: فهي برامج وقد تكون ضارة.",
        ),
        "pairs": [
            (
                (
                    "A document that looks the same on every device",
                    "Документ, который выглядит одинаково на любом устройстве",
                    "مستند يظهر بالشكل نفسه على أي جهاز",
                ),
                ".pdf",
            ),
            (("A video", "Видеозапись", "مقطع فيديو"), ".mp4"),
            (("A photo", "Фотография", "صورة فوتوغرافية"), ".jpg"),
            (
                (
                    "A table of data that a spreadsheet can open",
                    "Таблица данных, которую можно открыть в электронной таблице",
                    "جدول بيانات يمكن فتحه في برنامج جداول البيانات",
                ),
                ".csv",
            ),
            (None, ".exe"),
        ],
    },
    {
        "key": "ict-share-link",
        "category": ICT_BASICS,
        "kind": "ordering",
        "name": "Sharing a worksheet by link",
        "text": (
            "Put the steps of sharing a worksheet with your class through a link in order.",
            "Расположите по порядку шаги, чтобы поделиться рабочим листом с классом по ссылке.",
            "رتّب خطوات مشاركة ورقة عمل مع فصلك عبر رابط.",
        ),
        "general_feedback": (
            "Check the sharing settings before you send the link: view only keeps your original safe.",
            "Проверьте настройки доступа перед отправкой ссылки: режим «только просмотр» сохранит ваш оригинал.",
            "تحقق من إعدادات المشاركة قبل إرسال الرابط: خيار «العرض فقط» يحمي النسخة الأصلية.",
        ),
        "items": [
            (
                "Upload the worksheet to your cloud storage",
                "Загрузите рабочий лист в облачное хранилище",
                "ارفع ورقة العمل إلى التخزين السحابي",
            ),
            (
                "Set who can open it: anyone with the link, view only",
                "Настройте доступ: все, у кого есть ссылка, только просмотр",
                "حدّد من يمكنه فتحها: كل من لديه الرابط، للعرض فقط",
            ),
            ("Copy the link", "Скопируйте ссылку", "انسخ الرابط"),
            ("Post the link in the class group", "Отправьте ссылку в группу класса", "انشر الرابط في مجموعة الفصل"),
        ],
    },
    {
        "key": "ict-tablets",
        "category": ICT_BASICS,
        "kind": "numerical",
        "name": "Tablets for pair work",
        "text": (
            "Your school has 24 tablets. A class of 36 students works in pairs, one tablet per pair. How many "
            "tablets are left over?",
            "В школе 24 планшета. Класс из 36 учеников работает в парах, по одному планшету на пару. Сколько "
            "планшетов останется свободными?",
            "لدى مدرستك 24 جهازًا لوحيًا. يعمل فصل من 36 طالبًا في أزواج، لكل زوج جهاز واحد. كم جهازًا سيبقى دون استخدام؟",
        ),
        "general_feedback": (
            "Working in pairs saves devices and gets students talking about the task.",
            "Работа в парах экономит устройства и побуждает учеников обсуждать задание.",
            "العمل في أزواج يوفّر الأجهزة ويشجع الطلاب على مناقشة المهمة.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": "6",
                "tolerance": "0",
                "feedback": (
                    "Right: 36 ÷ 2 = 18 pairs, and 24 − 18 = 6.",
                    "Верно: 36 : 2 = 18 пар, 24 − 18 = 6.",
                    "صحيح: 36 ÷ 2 = 18 زوجًا، و24 − 18 = 6.",
                ),
            },
            {
                "fraction": "0",
                "text": "18",
                "tolerance": "0",
                "feedback": (
                    "18 is the number of tablets in use; how many are left?",
                    "18 — это число занятых планшетов; а сколько останется?",
                    "18 هو عدد الأجهزة المستخدمة؛ فكم يبقى منها؟",
                ),
            },
            {
                "fraction": "0",
                "text": "*",
                "tolerance": "0",
                "feedback": (
                    "Count the pairs first: 36 students in pairs.",
                    "Сначала посчитайте пары: 36 учеников по двое.",
                    "احسب عدد الأزواج أولًا: 36 طالبًا في أزواج.",
                ),
            },
        ],
    },
    {
        "key": "ict-video-size",
        "category": ICT_BASICS,
        "kind": "numerical",
        "name": "Space for lesson videos",
        "text": (
            "Each lesson video is 250 MB. How much space do 8 videos need, in GB? (1 GB = 1000 MB)",
            "Каждое видео к уроку занимает 250 МБ. Сколько места нужно для 8 видео, в ГБ? (1 ГБ = 1000 МБ)",
            "حجم كل مقطع فيديو للدرس 250 ميغابايت. ما المساحة اللازمة لثمانية مقاطع، بالغيغابايت؟ "
            "(1 غيغابايت = 1000 ميغابايت)",
        ),
        "general_feedback": (
            "Check the free space on a USB stick or phone before copying videos for a class without internet.",
            "Перед тем как копировать видео для класса без интернета, проверьте свободное место на флешке или "
            "телефоне.",
            "قبل نسخ مقاطع الفيديو لفصل بلا إنترنت، تحقق من المساحة المتاحة على ذاكرة USB أو الهاتف.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": "2",
                "tolerance": "0.01",
                "feedback": (
                    "Right: 8 × 250 MB = 2000 MB = 2 GB.",
                    "Верно: 8 × 250 МБ = 2000 МБ = 2 ГБ.",
                    "صحيح: 8 × 250 ميغابايت = 2000 ميغابايت = 2 غيغابايت.",
                ),
            },
            {
                "fraction": "0",
                "text": "*",
                "tolerance": "0",
                "feedback": (
                    "Multiply first, then divide by 1000.",
                    "Сначала умножьте, потом разделите на 1000.",
                    "اضرب أولًا، ثم اقسم على 1000.",
                ),
            },
        ],
        # The base unit is GB; an answer in MB is divided by 1000. Each language's abbreviations are accepted.
        "units": [
            ("GB", "1"),
            ("MB", "1000"),
            ("ГБ", "1"),
            ("МБ", "1000"),
            ("غيغابايت", "1"),
            ("ميغابايت", "1000"),
        ],
    },
    {
        "key": "ict-pdf",
        "category": ICT_BASICS,
        "kind": "shortanswer",
        "name": "A format for printing",
        "case_sensitive": True,
        "text": (
            "Which file format keeps a worksheet's layout the same on every device and printer? Type its "
            "three-letter abbreviation in capital letters.",
            "Какой формат файла сохраняет вёрстку рабочего листа одинаковой на любом устройстве и принтере? "
            "Введите его трёхбуквенное сокращение заглавными латинскими буквами.",
            "ما صيغة الملفات التي تحافظ على تنسيق ورقة العمل كما هو على أي جهاز أو طابعة؟ اكتب اختصارها المكوّن "
            "من ثلاثة أحرف لاتينية كبيرة.",
        ),
        "general_feedback": (
            "Share a PDF for printing, and the editable file with colleagues who want to adapt it.",
            "Для печати отправляйте PDF, а коллегам, которые хотят доработать материал, — редактируемый файл.",
            "شارك ملف PDF للطباعة، والملف القابل للتعديل مع الزملاء الذين يريدون تكييفه.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": "PDF",
                "feedback": (
                    "Right: PDF (Portable Document Format).",
                    "Верно: PDF (Portable Document Format).",
                    "صحيح: PDF (صيغة المستندات المحمولة).",
                ),
            },
            {
                "fraction": "0.5",
                "text": "pdf",
                "feedback": (
                    "The right format, but the question asked for capital letters.",
                    "Формат верный, но в вопросе просили заглавные буквы.",
                    "الصيغة صحيحة، لكن السؤال طلب أحرفًا كبيرة.",
                ),
            },
            {
                "fraction": "0",
                "text": "*",
                "feedback": (
                    "Think of the format most worksheets are shared in for printing.",
                    "Вспомните, в каком формате обычно рассылают рабочие листы для печати.",
                    "فكّر في الصيغة التي تُشارَك بها أوراق العمل عادةً للطباعة.",
                ),
            },
        ],
    },
    {
        "key": "ict-https",
        "category": ICT_BASICS,
        "kind": "shortanswer",
        "name": "Secure web addresses",
        "case_sensitive": False,
        "text": (
            "A web address should start with a protocol that encrypts what you send, such as passwords. Type the "
            "name of that protocol.",
            "Адрес сайта должен начинаться с протокола, который шифрует передаваемые данные, например пароли. "
            "Введите название этого протокола.",
            "ينبغي أن يبدأ عنوان الموقع ببروتوكول يشفّر ما ترسله، مثل كلمات المرور. اكتب اسم هذا البروتوكول.",
        ),
        "general_feedback": (
            "Browsers show a padlock next to addresses that use HTTPS.",
            "Браузеры показывают замок рядом с адресами, которые используют HTTPS.",
            "تعرض المتصفحات رمز قفل بجانب العناوين التي تستخدم HTTPS.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": "https*",
                "feedback": (
                    "Right: the S stands for secure.",
                    "Верно: буква S означает secure — «защищённый».",
                    "صحيح: حرف S يرمز إلى كلمة secure أي «آمن».",
                ),
            },
            {
                "fraction": "0",
                "text": "http*",
                "feedback": (
                    "Almost: without the S the connection is not encrypted.",
                    "Почти: без буквы S соединение не шифруется.",
                    "قريب: من دون حرف S لا يكون الاتصال مشفّرًا.",
                ),
            },
            {
                "fraction": "0",
                "text": "*",
                "feedback": (
                    "Look at the beginning of the address in your browser.",
                    "Посмотрите на начало адреса в браузере.",
                    "انظر إلى بداية العنوان في المتصفح.",
                ),
            },
        ],
    },
    {
        "key": "ict-password",
        "category": ICT_BASICS,
        "kind": "multichoice",
        "name": "A strong password",
        "single": True,
        "text": (
            "Which of these passwords is the strongest?",
            "Какой из этих паролей самый надёжный?",
            "أيّ كلمات المرور الآتية هي الأقوى؟",
        ),
        "general_feedback": (
            "Use a different password for each service, and turn on two-step verification where you can.",
            "Используйте разные пароли для разных сервисов и включайте двухэтапную проверку, где это возможно.",
            "استخدم كلمة مرور مختلفة لكل خدمة، وفعّل التحقق بخطوتين حيثما أمكن.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": "blue-camel-river-lamp-42",
                "feedback": (
                    "Right: a long passphrase of unrelated words is strong and easy to remember.",
                    "Верно: длинная фраза из несвязанных слов надёжна и легко запоминается.",
                    "صحيح: العبارة الطويلة المكوّنة من كلمات غير مترابطة قوية وسهلة التذكر.",
                ),
            },
            {
                "fraction": "0",
                "text": "123456",
                "feedback": (
                    "This is one of the most common passwords in the world.",
                    "Это один из самых распространённых паролей в мире.",
                    "هذه من أكثر كلمات المرور شيوعًا في العالم.",
                ),
            },
            {
                "fraction": "0",
                "text": "Amina1990",
                "feedback": (
                    "Names and birth years are easy to guess.",
                    "Имена и годы рождения легко угадать.",
                    "الأسماء وسنوات الميلاد سهلة التخمين.",
                ),
            },
            {
                "fraction": "0",
                "text": "P@ss",
                "feedback": (
                    "Symbols help, but four characters are far too short.",
                    "Символы помогают, но четыре знака — слишком мало.",
                    "الرموز مفيدة، لكن أربعة أحرف قصيرة جدًا.",
                ),
            },
        ],
    },
    # Assessment: formative and summative, online quizzes -------------------------------------------------------
    {
        "key": "as-formative",
        "category": ASSESSMENT,
        "kind": "multichoice",
        "name": "An example of formative assessment",
        "single": True,
        "text": (
            "Which of these is an example of formative assessment?",
            "Что из перечисленного — пример формирующего оценивания?",
            "أيٌّ مما يلي مثال على التقييم التكويني؟",
        ),
        "general_feedback": (
            "Formative assessment happens during learning and is used to adjust teaching.",
            "Формирующее оценивание проходит в процессе обучения и помогает скорректировать преподавание.",
            "يجري التقييم التكويني أثناء التعلم ويُستخدم لتعديل التدريس.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": (
                    "An exit ticket: three quick questions at the end of a lesson, used to plan the next one",
                    "«Билет на выход»: три коротких вопроса в конце урока, ответы на которые помогают спланировать "
                    "следующий",
                    "بطاقة الخروج: ثلاثة أسئلة سريعة في نهاية الدرس تُستخدم نتائجها لتخطيط الدرس التالي",
                ),
                "feedback": (
                    "Right: its results change what you do next.",
                    "Верно: его результаты меняют ваши дальнейшие действия.",
                    "صحيح: نتائجها تغيّر ما تفعله بعد ذلك.",
                ),
            },
            {
                "fraction": "0",
                "text": (
                    "The end-of-year national examination",
                    "Итоговый государственный экзамен в конце года",
                    "الامتحان الوطني في نهاية العام",
                ),
                "feedback": (
                    "This is summative: it sums up learning at the end.",
                    "Это итоговое оценивание: оно подводит итог обучения.",
                    "هذا تقييم ختامي: يلخّص التعلم في النهاية.",
                ),
            },
            {
                "fraction": "0",
                "text": (
                    "A certificate for completing a course",
                    "Сертификат об окончании курса",
                    "شهادة إتمام دورة",
                ),
                "feedback": (
                    "A certificate records a result; it does not guide learning.",
                    "Сертификат фиксирует результат, но не направляет обучение.",
                    "الشهادة توثّق نتيجة، لكنها لا توجّه التعلم.",
                ),
            },
            {
                "fraction": "0",
                "text": (
                    "Ranking the class by marks at the end of term",
                    "Рейтинг класса по оценкам в конце четверти",
                    "ترتيب طلاب الفصل حسب الدرجات في نهاية الفصل الدراسي",
                ),
                "feedback": (
                    "Ranking compares learners; it does not tell them how to improve.",
                    "Рейтинг сравнивает учеников, но не подсказывает, как им стать лучше.",
                    "الترتيب يقارن بين المتعلمين، لكنه لا يخبرهم كيف يتحسنون.",
                ),
            },
        ],
    },
    {
        "key": "as-good-mcq",
        "category": ASSESSMENT,
        "kind": "multichoice",
        "name": "Writing multiple-choice questions",
        "single": False,
        "text": (
            "You are writing multiple-choice questions for an online quiz. Which of these are good practice? "
            "Select all that apply.",
            "Вы составляете вопросы с выбором ответа для онлайн-теста. Что из перечисленного — правильная практика? "
            "Выберите все подходящие варианты.",
            "تكتب أسئلة اختيار من متعدد لاختبار إلكتروني. أيٌّ مما يلي من الممارسات الجيدة؟ اختر كل ما ينطبق.",
        ),
        "general_feedback": (
            "Each question should check one learning objective, in clear and simple language.",
            "Каждый вопрос должен проверять одну учебную цель, ясным и простым языком.",
            "ينبغي أن يقيس كل سؤال هدفًا تعليميًا واحدًا بلغة واضحة وبسيطة.",
        ),
        "answers": [
            {
                "fraction": "0.5",
                "text": (
                    "Make the wrong answers plausible, based on common mistakes",
                    "Делать неверные ответы правдоподобными, опираясь на типичные ошибки",
                    "جعل الإجابات الخاطئة معقولة، بالاستناد إلى الأخطاء الشائعة",
                ),
                "feedback": (
                    "Yes: good distractors show you which misconception a learner has.",
                    "Да: хорошие дистракторы показывают, какое заблуждение у ученика.",
                    "نعم: البدائل الجيدة تكشف لك المفهوم الخاطئ لدى المتعلم.",
                ),
            },
            {
                "fraction": "0.5",
                "text": (
                    "Write feedback that explains why an answer is right or wrong",
                    "Писать отзыв, объясняющий, почему ответ верен или неверен",
                    "كتابة تغذية راجعة تشرح سبب صحة الإجابة أو خطئها",
                ),
                "feedback": (
                    "Yes: feedback turns a quiz into a learning activity.",
                    "Да: отзыв превращает тест в учебное занятие.",
                    "نعم: التغذية الراجعة تحوّل الاختبار إلى نشاط تعلّمي.",
                ),
            },
            {
                "fraction": "-0.5",
                "text": (
                    "Make the right answer the longest one",
                    "Делать правильный ответ самым длинным",
                    "جعل الإجابة الصحيحة أطول الإجابات",
                ),
                "feedback": (
                    "No: learners soon notice and pick the longest answer without thinking.",
                    "Нет: ученики быстро это замечают и выбирают самый длинный ответ не думая.",
                    "لا: سرعان ما يلاحظ المتعلمون ذلك فيختارون أطول إجابة دون تفكير.",
                ),
            },
            {
                "fraction": "-0.5",
                "text": (
                    "Use trick questions with double negatives",
                    "Использовать вопросы-ловушки с двойным отрицанием",
                    "استخدام أسئلة مخادعة بنفي مزدوج",
                ),
                "feedback": (
                    "No: they test careful reading, not understanding.",
                    "Нет: они проверяют внимательность к формулировке, а не понимание.",
                    "لا: فهي تختبر الانتباه إلى الصياغة لا الفهم.",
                ),
            },
        ],
    },
    {
        "key": "as-immediate-feedback",
        "category": ASSESSMENT,
        "kind": "truefalse",
        "name": "Quizzes with immediate feedback",
        "correct": True,
        "text": (
            "An online quiz that gives feedback right after each answer can support formative assessment.",
            "Онлайн-тест, который даёт отзыв сразу после каждого ответа, может служить формирующему оцениванию.",
            "يمكن للاختبار الإلكتروني الذي يقدّم تغذية راجعة فور كل إجابة أن يدعم التقييم التكويني.",
        ),
        "general_feedback": (
            "Low-stakes quizzes with feedback help learners remember more.",
            "Тесты без высоких ставок, но с обратной связью помогают лучше запоминать.",
            "الاختبارات القصيرة منخفضة المخاطر المصحوبة بتغذية راجعة تساعد المتعلمين على التذكر أكثر.",
        ),
        "feedback_true": (
            "Correct: learners see at once what to revise.",
            "Верно: ученик сразу видит, что нужно повторить.",
            "صحيح: يرى المتعلم فورًا ما عليه مراجعته.",
        ),
        "feedback_false": (
            "It is true: quick feedback is one of the strengths of online quizzes.",
            "Это верно: быстрая обратная связь — одно из достоинств онлайн-тестов.",
            "العبارة صحيحة: التغذية الراجعة السريعة من أهم مزايا الاختبارات الإلكترونية.",
        ),
    },
    {
        "key": "as-one-attempt",
        "category": ASSESSMENT,
        "kind": "truefalse",
        "name": "Attempts on a practice quiz",
        "correct": False,
        "text": (
            "A practice quiz should allow only one attempt, so that learners take it seriously.",
            "Тренировочный тест должен допускать только одну попытку, чтобы ученики относились к нему серьёзно.",
            "ينبغي ألا يسمح الاختبار التدريبي إلا بمحاولة واحدة حتى يأخذه المتعلمون بجدية.",
        ),
        "general_feedback": (
            "Keep single attempts for final, summative tests.",
            "Одну попытку оставьте для итоговых тестов.",
            "احتفظ بالمحاولة الواحدة للاختبارات الختامية.",
        ),
        "feedback_true": (
            "Not so: practice quizzes work best when learners can try again after the feedback.",
            "Нет: тренировочные тесты полезнее, когда после отзыва можно попробовать ещё раз.",
            "ليس كذلك: تكون الاختبارات التدريبية أنفع حين يستطيع المتعلم المحاولة من جديد بعد التغذية الراجعة.",
        ),
        "feedback_false": (
            "Right: several attempts let learners use the feedback.",
            "Верно: несколько попыток позволяют воспользоваться отзывом.",
            "صحيح: المحاولات المتعددة تتيح للمتعلمين الاستفادة من التغذية الراجعة.",
        ),
    },
    {
        "key": "as-types-matching",
        "category": ASSESSMENT,
        "kind": "matching",
        "name": "Kinds of assessment",
        "text": (
            "Match each kind of assessment with an example.",
            "Соотнесите каждый вид оценивания с примером.",
            "صِل كل نوع من أنواع التقييم بمثال عليه.",
        ),
        "general_feedback": (
            "Most lessons use several kinds of assessment at once.",
            "На большинстве уроков используется сразу несколько видов оценивания.",
            "تستخدم معظم الدروس أكثر من نوع من التقييم في آن واحد.",
        ),
        "pairs": [
            (
                ("Diagnostic", "Диагностическое", "التقييم التشخيصي"),
                (
                    "A short quiz before a new topic to find out what learners already know",
                    "Короткий тест перед новой темой, чтобы узнать, что ученики уже знают",
                    "اختبار قصير قبل موضوع جديد لمعرفة ما يعرفه المتعلمون مسبقًا",
                ),
            ),
            (
                ("Formative", "Формирующее", "التقييم التكويني"),
                (
                    "Thumbs up or down during the lesson to check understanding",
                    "Большой палец вверх или вниз во время урока, чтобы проверить понимание",
                    "رفع الإبهام أو خفضه أثناء الدرس للتحقق من الفهم",
                ),
            ),
            (
                ("Summative", "Итоговое", "التقييم الختامي"),
                ("An end-of-term examination", "Экзамен в конце четверти", "امتحان نهاية الفصل الدراسي"),
            ),
            (
                ("Self-assessment", "Самооценивание", "التقييم الذاتي"),
                (
                    "Learners check their own work against a checklist",
                    "Ученики проверяют свою работу по контрольному списку",
                    "يراجع المتعلمون أعمالهم بأنفسهم وفق قائمة تحقق",
                ),
            ),
        ],
    },
    {
        "key": "as-quiz-steps",
        "category": ASSESSMENT,
        "kind": "ordering",
        "name": "Preparing an online quiz",
        "text": (
            "Put the steps of preparing an online quiz in order.",
            "Расположите по порядку шаги подготовки онлайн-теста.",
            "رتّب خطوات إعداد اختبار إلكتروني.",
        ),
        "general_feedback": (
            "Trying the quiz yourself catches unclear questions and wrong answer keys.",
            "Пройдя тест сами, вы найдёте неясные вопросы и ошибки в ключах.",
            "تجربة الاختبار بنفسك تكشف الأسئلة الغامضة والأخطاء في مفاتيح الإجابة.",
        ),
        "items": [
            (
                "Decide what learners should be able to do",
                "Определите, что ученики должны уметь",
                "حدّد ما ينبغي أن يستطيع المتعلمون فعله",
            ),
            ("Write questions that check it", "Составьте вопросы, которые это проверяют", "اكتب أسئلة تقيس ذلك"),
            ("Try the quiz yourself", "Пройдите тест сами", "جرّب الاختبار بنفسك"),
            ("Open the quiz to the class", "Откройте тест для класса", "أتِح الاختبار للفصل"),
            (
                "Review the results and reteach what was missed",
                "Разберите результаты и повторите то, что не усвоено",
                "راجع النتائج وأعد شرح ما لم يُفهم",
            ),
        ],
    },
    {
        "key": "as-pass-questions",
        "category": ASSESSMENT,
        "kind": "numerical",
        "name": "Questions needed to pass",
        "text": (
            "A quiz has 20 questions worth 1 mark each, and the pass grade is 60%. How many questions must a "
            "learner answer correctly to pass?",
            "В тесте 20 вопросов по 1 баллу, проходной балл — 60 %. Сколько вопросов нужно решить верно, чтобы "
            "сдать тест?",
            "يتكون اختبار من 20 سؤالًا لكل منها درجة واحدة، ودرجة النجاح 60%. كم سؤالًا يجب أن يجيب عنه المتعلم "
            "إجابة صحيحة لينجح؟",
        ),
        "general_feedback": (
            "Set the pass grade before you open the quiz, and tell learners what it is.",
            "Назначьте проходной балл до открытия теста и сообщите его ученикам.",
            "حدّد درجة النجاح قبل إتاحة الاختبار، وأخبر المتعلمين بها.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": "12",
                "tolerance": "0",
                "feedback": ("Right: 60% of 20 is 12.", "Верно: 60 % от 20 — это 12.", "صحيح: 60% من 20 تساوي 12."),
            },
            {
                "fraction": "0",
                "text": "*",
                "tolerance": "0",
                "feedback": ("Work out 60% of 20.", "Найдите 60 % от 20.", "احسب 60% من 20."),
            },
        ],
    },
    {
        "key": "as-homework-percent",
        "category": ASSESSMENT,
        "kind": "numerical",
        "name": "Homework completion rate",
        "text": (
            "24 of the 30 students in a class completed the online homework. What percentage of the class is that?",
            "Онлайн-домашнее задание выполнили 24 ученика из 30. Какой это процент класса?",
            "أنجز 24 طالبًا من أصل 30 في الفصل الواجب المنزلي الإلكتروني. ما النسبة المئوية لهم من الفصل؟",
        ),
        "general_feedback": (
            "A course's progress page shows rates like this for each activity.",
            "На странице прогресса курса такие доли показаны для каждого задания.",
            "تعرض صفحة التقدم في الدورة نسبًا كهذه لكل نشاط.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": "80",
                "tolerance": "0.5",
                "feedback": (
                    "Right: 24 ÷ 30 = 0.8, that is 80%.",
                    "Верно: 24 : 30 = 0,8, то есть 80 %.",
                    "صحيح: 24 ÷ 30 = 0.8، أي 80%.",
                ),
            },
            {
                "fraction": "0.5",
                "text": "0.8",
                "tolerance": "0",
                "feedback": (
                    "That is the fraction of the class; give it as a percentage.",
                    "Это доля класса; переведите её в проценты.",
                    "هذا هو الكسر؛ حوّله إلى نسبة مئوية.",
                ),
            },
            {
                "fraction": "0",
                "text": "*",
                "tolerance": "0",
                "feedback": (
                    "Divide 24 by 30, then multiply by 100.",
                    "Разделите 24 на 30 и умножьте на 100.",
                    "اقسم 24 على 30 ثم اضرب الناتج في 100.",
                ),
            },
        ],
        "units": [("%", "1")],
    },
    # Inclusive education: Universal Design for Learning, accessible materials ----------------------------------
    {
        "key": "in-udl-principle",
        "category": INCLUSION,
        "kind": "multichoice",
        "name": "UDL: a principle",
        "single": True,
        "text": (
            "Which of these is one of the three principles of Universal Design for Learning (UDL)?",
            "Что из перечисленного — один из трёх принципов универсального дизайна обучения (УДО)?",
            "أيٌّ مما يلي أحد المبادئ الثلاثة للتصميم الشامل للتعلم؟",
        ),
        "general_feedback": (
            "The three principles: multiple means of engagement, of representation, and of action and expression.",
            "Три принципа: разные способы вовлечения, представления информации, а также действия и самовыражения.",
            "المبادئ الثلاثة: وسائل متعددة للمشاركة، ووسائل متعددة للتمثيل، ووسائل متعددة للفعل والتعبير.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": (
                    "Provide multiple means of representation",
                    "Предоставлять разные способы представления информации",
                    "توفير وسائل متعددة للتمثيل",
                ),
                "feedback": (
                    "Right: present information in more than one way, such as text, audio and pictures.",
                    "Верно: подавайте информацию несколькими способами — текстом, звуком, изображениями.",
                    "صحيح: قدّم المعلومات بأكثر من طريقة، كالنص والصوت والصور.",
                ),
            },
            {
                "fraction": "0",
                "text": (
                    "Give every learner exactly the same task",
                    "Давать всем ученикам одинаковое задание",
                    "إعطاء جميع المتعلمين المهمة نفسها تمامًا",
                ),
                "feedback": (
                    "UDL plans for variety from the start.",
                    "УДО изначально закладывает разнообразие.",
                    "التصميم الشامل يخطط للتنوع منذ البداية.",
                ),
            },
            {
                "fraction": "0",
                "text": (
                    "Teach learners with disabilities in separate classes",
                    "Обучать учеников с инвалидностью в отдельных классах",
                    "تدريس المتعلمين ذوي الإعاقة في فصول منفصلة",
                ),
                "feedback": (
                    "UDL aims to include every learner in the same class.",
                    "УДО стремится включить всех учеников в один класс.",
                    "يهدف التصميم الشامل إلى دمج جميع المتعلمين في الفصل نفسه.",
                ),
            },
            {
                "fraction": "0",
                "text": (
                    "Use only digital materials",
                    "Использовать только цифровые материалы",
                    "استخدام المواد الرقمية فقط",
                ),
                "feedback": (
                    "UDL is about flexible options, digital or not.",
                    "УДО — это гибкий выбор, цифровой или нет.",
                    "يقوم التصميم الشامل على خيارات مرنة، رقمية كانت أم لا.",
                ),
            },
        ],
    },
    {
        "key": "in-accessible-doc",
        "category": INCLUSION,
        "kind": "multichoice",
        "name": "Accessible worksheets",
        "single": False,
        "text": (
            "Which of these make a digital worksheet more accessible? Select all that apply.",
            "Что из перечисленного делает цифровой рабочий лист доступнее? Выберите все подходящие варианты.",
            "أيٌّ مما يلي يجعل ورقة العمل الرقمية أيسر وصولًا؟ اختر كل ما ينطبق.",
        ),
        "general_feedback": (
            "Accessible documents help every learner, not only those with a disability.",
            "Доступные документы помогают всем ученикам, а не только ученикам с инвалидностью.",
            "المستندات الميسّرة تفيد جميع المتعلمين، لا ذوي الإعاقة وحدهم.",
        ),
        "answers": [
            {
                "fraction": "0.25",
                "text": (
                    "Use real headings, not just bold text",
                    "Использовать настоящие заголовки, а не просто жирный шрифт",
                    "استخدام عناوين حقيقية، لا مجرد نص عريض",
                ),
                "feedback": (
                    "Yes: screen readers use headings to move through a document.",
                    "Да: программы экранного доступа перемещаются по документу по заголовкам.",
                    "نعم: تعتمد قارئات الشاشة على العناوين للتنقل في المستند.",
                ),
            },
            {
                "fraction": "0.25",
                "text": (
                    "Add alternative text to images",
                    "Добавлять к изображениям альтернативный текст",
                    "إضافة نص بديل إلى الصور",
                ),
                "feedback": (
                    "Yes: it describes the image to learners who cannot see it.",
                    "Да: он описывает изображение тем, кто не может его увидеть.",
                    "نعم: يصف الصورة لمن لا يستطيع رؤيتها.",
                ),
            },
            {
                "fraction": "0.25",
                "text": (
                    "Use strong contrast between text and background",
                    "Делать текст контрастным по отношению к фону",
                    "استخدام تباين قوي بين النص والخلفية",
                ),
                "feedback": (
                    "Yes: it helps learners with low vision, and everyone in bright light.",
                    "Да: это помогает слабовидящим — и всем при ярком свете.",
                    "نعم: يساعد ذلك ضعاف البصر، والجميع تحت الضوء الساطع.",
                ),
            },
            {
                "fraction": "0.25",
                "text": (
                    "Write links that say where they lead",
                    "Писать ссылки, из которых понятно, куда они ведут",
                    "كتابة روابط توضّح وجهتها",
                ),
                "feedback": (
                    'Yes: "Download the lesson plan" is clearer than "click here".',
                    "Да: «Скачать план урока» понятнее, чем «нажмите здесь».",
                    "نعم: «تنزيل خطة الدرس» أوضح من «انقر هنا».",
                ),
            },
            {
                "fraction": "-0.5",
                "text": (
                    "Show right and wrong answers by colour only",
                    "Обозначать верные и неверные ответы только цветом",
                    "الإشارة إلى الإجابات الصحيحة والخاطئة باللون فقط",
                ),
                "feedback": (
                    "No: learners who cannot tell colours apart miss the meaning. Add a word or a symbol.",
                    "Нет: ученики, которые не различают цвета, не поймут смысла. Добавьте слово или значок.",
                    "لا: من لا يميّز الألوان سيفوته المعنى. أضف كلمة أو رمزًا.",
                ),
            },
            {
                "fraction": "-0.5",
                "text": (
                    "Scan the printed page and share it as a picture",
                    "Отсканировать напечатанную страницу и отправить её как картинку",
                    "مسح الصفحة المطبوعة ضوئيًا ومشاركتها صورةً",
                ),
                "feedback": (
                    "No: a picture of text cannot be read aloud or enlarged cleanly.",
                    "Нет: текст на картинке нельзя озвучить или аккуратно увеличить.",
                    "لا: النص داخل صورة لا يمكن قراءته آليًا أو تكبيره بوضوح.",
                ),
            },
        ],
    },
    {
        "key": "in-alt-text",
        "category": INCLUSION,
        "kind": "truefalse",
        "name": "Alternative text",
        "correct": True,
        "text": (
            "Alternative text describes an image for people who use a screen reader.",
            "Альтернативный текст описывает изображение для людей, которые пользуются программой экранного доступа.",
            "النص البديل يصف الصورة للأشخاص الذين يستخدمون قارئ الشاشة.",
        ),
        "general_feedback": (
            "A purely decorative image needs no description: mark it as decorative.",
            "Чисто декоративному изображению описание не нужно — отметьте его как декоративное.",
            "الصورة الزخرفية البحتة لا تحتاج إلى وصف: اجعلها زخرفية.",
        ),
        "feedback_true": (
            "Correct: write what the image shows and why it matters in the lesson.",
            "Верно: опишите, что изображено и почему это важно для урока.",
            "صحيح: اكتب ما تُظهره الصورة ولماذا هي مهمة في الدرس.",
        ),
        "feedback_false": (
            "It is true: screen readers read the alternative text aloud.",
            "Это верно: программа экранного доступа зачитывает альтернативный текст вслух.",
            "العبارة صحيحة: قارئ الشاشة يقرأ النص البديل بصوت مسموع.",
        ),
    },
    {
        "key": "in-captions",
        "category": INCLUSION,
        "kind": "truefalse",
        "name": "Who captions help",
        "correct": False,
        "text": (
            "Captions on videos help only learners who are deaf.",
            "Субтитры к видео помогают только глухим ученикам.",
            "الترجمة النصية المصاحبة لمقاطع الفيديو لا تفيد إلا المتعلمين الصم.",
        ),
        "general_feedback": (
            "Maktaba's video block takes a captions file in each language.",
            "Блок видео в Maktaba принимает файлы субтитров на каждом языке.",
            "تقبل كتلة الفيديو في مكتبة ملف ترجمة نصية بكل لغة.",
        ),
        "feedback_true": (
            "Not so: captions also help learners of a second language, learners in noisy places and anyone who "
            "cannot play sound.",
            "Нет: субтитры помогают и тем, кто изучает язык, и тем, кто находится в шумном месте или не может "
            "включить звук.",
            "ليس كذلك: تفيد الترجمة النصية أيضًا متعلمي لغة ثانية، ومن هم في أماكن صاخبة، ومن لا يستطيع تشغيل الصوت.",
        ),
        "feedback_false": (
            "Right: captions help many more learners, such as those learning in a second language.",
            "Верно: субтитры помогают гораздо большему числу учеников, например тем, кто учится на неродном языке.",
            "صحيح: تفيد الترجمة النصية متعلمين كثيرين غيرهم، مثل من يتعلمون بلغة ثانية.",
        ),
    },
    {
        "key": "in-tools-matching",
        "category": INCLUSION,
        "kind": "matching",
        "name": "Assistive tools",
        "text": (
            "Match each tool with the learner it helps most.",
            "Соотнесите каждый инструмент с учеником, которому он помогает больше всего.",
            "صِل كل أداة بالمتعلم الذي تفيده أكثر من غيره.",
        ),
        "general_feedback": (
            "Ask learners which tools work for them: the same need can be met in different ways.",
            "Спросите учеников, какие инструменты им подходят: одну и ту же потребность можно удовлетворить "
            "по-разному.",
            "اسأل المتعلمين عن الأدوات التي تناسبهم، فالحاجة نفسها يمكن تلبيتها بطرق مختلفة.",
        ),
        "pairs": [
            (
                ("Screen reader", "Программа экранного доступа", "قارئ الشاشة"),
                ("A learner who is blind", "Незрячий ученик", "متعلم كفيف"),
            ),
            (
                ("Captions", "Субтитры", "الترجمة النصية"),
                ("A learner who is hard of hearing", "Слабослышащий ученик", "متعلم ضعيف السمع"),
            ),
            (
                ("Text-to-speech", "Озвучивание текста", "تحويل النص إلى كلام"),
                ("A learner with dyslexia", "Ученик с дислексией", "متعلم يعاني من عسر القراءة"),
            ),
            (
                ("Screen magnifier", "Экранная лупа", "مكبّر الشاشة"),
                ("A learner with low vision", "Слабовидящий ученик", "متعلم ضعيف البصر"),
            ),
        ],
    },
    {
        "key": "in-adapting-order",
        "category": INCLUSION,
        "kind": "ordering",
        "name": "Adapting a lesson for a learner with a visual impairment",
        "text": (
            "Put these steps of adapting a lesson for a learner with a visual impairment in order.",
            "Расположите по порядку шаги адаптации урока для ученика с нарушением зрения.",
            "رتّب خطوات تكييف درس لمتعلم ذي إعاقة بصرية.",
        ),
        "general_feedback": (
            "The learner is the best expert on their own needs.",
            "Лучший эксперт в своих потребностях — сам ученик.",
            "المتعلم هو أعلم الناس باحتياجاته.",
        ),
        "items": [
            (
                "Talk with the learner and the family about what helps",
                "Поговорите с учеником и его семьёй о том, что помогает",
                "تحدّث مع المتعلم وأسرته عمّا يساعده",
            ),
            (
                "Choose accessible formats and tools",
                "Выберите доступные форматы и инструменты",
                "اختر صيغًا وأدوات ميسّرة",
            ),
            ("Prepare the materials before the lesson", "Подготовьте материалы до урока", "جهّز المواد قبل الدرس"),
            ("Teach the lesson", "Проведите урок", "قدّم الدرس"),
            (
                "Ask the learner what worked and adjust",
                "Спросите ученика, что сработало, и внесите изменения",
                "اسأل المتعلم عمّا نجح وعدّل وفقًا لذلك",
            ),
        ],
    },
    {
        "key": "in-contrast",
        "category": INCLUSION,
        "kind": "numerical",
        "name": "WCAG: contrast for normal text",
        "text": (
            "WCAG, the international web accessibility guidelines, ask for a contrast ratio of at least X:1 between "
            "normal text and its background (level AA). What is X?",
            "Международное руководство по веб-доступности WCAG требует, чтобы контраст обычного текста с фоном был "
            "не меньше X:1 (уровень AA). Чему равно X?",
            "تشترط إرشادات WCAG الدولية لإتاحة محتوى الويب ألا تقل نسبة التباين بين النص العادي وخلفيته عن X:1 "
            "(المستوى AA). ما قيمة X؟",
        ),
        "general_feedback": (
            "Free online contrast checkers tell you the ratio of any two colours.",
            "Бесплатные онлайн-сервисы проверки контраста показывают соотношение для любых двух цветов.",
            "تحسب أدوات فحص التباين المجانية على الإنترنت النسبة بين أي لونين.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": "4.5",
                "tolerance": "0",
                "feedback": (
                    "Right: 4.5:1 for normal text, and 3:1 for large text.",
                    "Верно: 4,5:1 для обычного текста и 3:1 для крупного.",
                    "صحيح: 4.5:1 للنص العادي، و3:1 للنص الكبير.",
                ),
            },
            {
                "fraction": "0",
                "text": "3",
                "tolerance": "0",
                "feedback": (
                    "3:1 is enough only for large text.",
                    "3:1 достаточно только для крупного текста.",
                    "نسبة 3:1 تكفي للنص الكبير فقط.",
                ),
            },
            {
                "fraction": "0",
                "text": "7",
                "tolerance": "0",
                "feedback": (
                    "7:1 is the stricter level AAA.",
                    "7:1 — это более строгий уровень AAA.",
                    "نسبة 7:1 هي المستوى الأشد AAA.",
                ),
            },
            {
                "fraction": "0",
                "text": "*",
                "tolerance": "0",
                "feedback": (
                    'Look up "contrast (minimum)" in WCAG 2.',
                    "Найдите в WCAG 2 критерий «Контрастность (минимальная)».",
                    "ابحث عن معيار «التباين (الحد الأدنى)» في WCAG 2.",
                ),
            },
        ],
    },
    # Mathematics with GeoGebra --------------------------------------------------------------------------------
    {
        "key": "gg-name",
        "category": GEOGEBRA,
        "kind": "shortanswer",
        "name": "GeoGebra: the name",
        "case_sensitive": False,
        "text": (
            "What is the name of the free dynamic mathematics software that links geometry, algebra, graphs and "
            "spreadsheets?",
            "Как называется бесплатная программа динамической математики, которая связывает геометрию, алгебру, "
            "графики и электронные таблицы?",
            "ما اسم برنامج الرياضيات الديناميكي المجاني الذي يربط الهندسة والجبر والتمثيلات البيانية وجداول البيانات؟",
        ),
        "general_feedback": (
            "GeoGebra runs in a browser and as an app, and many of its materials are free to reuse.",
            "GeoGebra работает в браузере и как приложение, а многие её материалы можно свободно использовать.",
            "يعمل جيوجبرا في المتصفح وكتطبيق، وكثير من مواده متاح لإعادة الاستخدام مجانًا.",
        ),
        "answers": [
            {"fraction": "1", "text": "GeoGebra", "feedback": ("Right.", "Верно.", "صحيح.")},
            {"fraction": "1", "text": "Геогебра", "feedback": ("Right.", "Верно.", "صحيح.")},
            {"fraction": "1", "text": "جيوجبرا", "feedback": ("Right.", "Верно.", "صحيح.")},
            {
                "fraction": "0.5",
                "text": "Geo*",
                "feedback": (
                    "Nearly: check the spelling.",
                    "Почти: проверьте написание.",
                    "قريب: تحقّق من طريقة الكتابة.",
                ),
            },
            {
                "fraction": "0",
                "text": "*",
                "feedback": (
                    'It is the program used throughout the course "GeoGebra for mathematics teachers".',
                    "Это программа, с которой работают на всём курсе «GeoGebra для учителей математики».",
                    "هو البرنامج المستخدم في دورة «جيوجبرا لمعلمي الرياضيات» كلها.",
                ),
            },
        ],
    },
    {
        "key": "gg-slider",
        "category": GEOGEBRA,
        "kind": "multichoice",
        "name": "GeoGebra: sliders",
        "single": True,
        "text": (
            "In GeoGebra, which object lets learners change a value and watch a graph move at once?",
            "Какой объект GeoGebra позволяет ученикам менять значение и сразу видеть, как движется график?",
            "أيّ كائن في جيوجبرا يتيح للمتعلمين تغيير قيمة ومشاهدة التمثيل البياني يتحرك فورًا؟",
        ),
        "general_feedback": (
            "Ask learners to predict what will happen before they move the slider.",
            "Попросите учеников предсказать, что произойдёт, прежде чем они сдвинут ползунок.",
            "اطلب من المتعلمين توقّع ما سيحدث قبل تحريك المنزلق.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": ("A slider", "Ползунок", "المنزلق"),
                "feedback": (
                    "Right: link a slider to a parameter, for example a in y = ax².",
                    "Верно: свяжите ползунок с параметром, например с a в y = ax².",
                    "صحيح: اربط المنزلق بمعامل، مثل a في y = ax².",
                ),
            },
            {
                "fraction": "0",
                "text": ("A text box", "Текстовое поле", "مربع النص"),
                "feedback": (
                    "A text box shows text; it does not change values.",
                    "Текстовое поле показывает текст, но не меняет значения.",
                    "مربع النص يعرض نصًا ولا يغيّر القيم.",
                ),
            },
            {
                "fraction": "0",
                "text": ("An image", "Изображение", "الصورة"),
                "feedback": ("An image does not move.", "Изображение неподвижно.", "الصورة ثابتة لا تتحرك."),
            },
            {
                "fraction": "0",
                "text": ("The spreadsheet view", "Таблица", "جدول البيانات"),
                "feedback": (
                    "The spreadsheet holds values, but a slider is the quick way to vary one.",
                    "В таблице хранятся значения, но быстрее всего менять одно из них ползунком.",
                    "يحفظ الجدول القيم، لكن المنزلق هو الطريقة الأسرع لتغيير إحداها.",
                ),
            },
        ],
    },
    {
        "key": "gg-dynamic",
        "category": GEOGEBRA,
        "kind": "truefalse",
        "name": "GeoGebra: the drag test",
        "correct": True,
        "text": (
            "In a dynamic geometry construction, dragging a point keeps the relationships that were constructed, "
            "such as a line staying perpendicular.",
            "В динамическом геометрическом построении при перетаскивании точки построенные отношения сохраняются: "
            "например, перпендикулярная прямая остаётся перпендикулярной.",
            "في إنشاء بالهندسة الديناميكية، يحافظ سحب نقطة على العلاقات المُنشأة، كأن يبقى المستقيم العمودي عموديًا.",
        ),
        "general_feedback": (
            "A figure that only looks right falls apart when you drag it.",
            "Фигура, которая лишь кажется правильной, разваливается при перетаскивании.",
            "الشكل الذي يبدو صحيحًا في الظاهر فقط يتفكك عند سحبه.",
        ),
        "feedback_true": (
            'Correct: this "drag test" shows whether a construction is really right.',
            "Верно: такая «проверка перетаскиванием» показывает, правильно ли выполнено построение.",
            "صحيح: «اختبار السحب» هذا يبيّن ما إذا كان الإنشاء صحيحًا فعلًا.",
        ),
        "feedback_false": (
            "It is true: that is what makes geometry dynamic.",
            "Это верно: именно это и делает геометрию динамической.",
            "العبارة صحيحة: وهذا ما يجعل الهندسة ديناميكية.",
        ),
    },
    {
        "key": "gg-parabola",
        "category": GEOGEBRA,
        "kind": "truefalse",
        "name": "Parabolas: the sign of a",
        "correct": True,
        "text": (
            "In y = ax², a negative value of a makes the parabola open downwards.",
            "В функции y = ax² при отрицательном a ветви параболы направлены вниз.",
            "في الدالة y = ax²، إذا كانت قيمة a سالبة كانت فتحة القطع المكافئ إلى الأسفل.",
        ),
        "general_feedback": (
            "When a = 0 the graph is no longer a parabola: a good question for the class.",
            "При a = 0 график уже не парабола — хороший вопрос для класса.",
            "عندما a = 0 لا يعود التمثيل البياني قطعًا مكافئًا: سؤال جيد للنقاش في الفصل.",
        ),
        "feedback_true": (
            "Correct: a slider for a lets learners see it happen.",
            "Верно: с ползунком для a ученики увидят это сами.",
            "صحيح: المنزلق الخاص بـ a يتيح للمتعلمين رؤية ذلك بأنفسهم.",
        ),
        "feedback_false": (
            "It is true: try it with a slider from −3 to 3.",
            "Это верно: попробуйте ползунок от −3 до 3.",
            "العبارة صحيحة: جرّب منزلقًا من −3 إلى 3.",
        ),
    },
    {
        "key": "gg-slope",
        "category": GEOGEBRA,
        "kind": "numerical",
        "name": "The slope of a line",
        "text": (
            "A line passes through the points (0, 1) and (2, 5). What is its slope?",
            "Прямая проходит через точки (0; 1) и (2; 5). Чему равен её угловой коэффициент?",
            "يمر مستقيم بالنقطتين (0, 1) و(2, 5). ما ميل هذا المستقيم؟",
        ),
        "general_feedback": (
            "In GeoGebra, the Slope tool shows the slope of a line as a small triangle.",
            "В GeoGebra инструмент «Наклон» показывает угловой коэффициент прямой в виде маленького треугольника.",
            "في جيوجبرا تعرض أداة «الميل» ميل المستقيم على شكل مثلث صغير.",
        ),
        "answers": [
            {
                "fraction": "1",
                "text": "2",
                "tolerance": "0",
                "feedback": (
                    "Right: (5 − 1) ÷ (2 − 0) = 2.",
                    "Верно: (5 − 1) : (2 − 0) = 2.",
                    "صحيح: (5 − 1) ÷ (2 − 0) = 2.",
                ),
            },
            {
                "fraction": "0",
                "text": "0.5",
                "tolerance": "0",
                "feedback": (
                    "You divided the change in x by the change in y; swap them.",
                    "Вы разделили изменение x на изменение y; поменяйте их местами.",
                    "قسمت التغير في x على التغير في y؛ اعكس القسمة.",
                ),
            },
            {
                "fraction": "0",
                "text": "*",
                "tolerance": "0",
                "feedback": (
                    "Slope = change in y ÷ change in x.",
                    "Угловой коэффициент = изменение y : изменение x.",
                    "الميل = التغير في y ÷ التغير في x.",
                ),
            },
        ],
    },
    {
        "key": "gg-construct-order",
        "category": GEOGEBRA,
        "kind": "ordering",
        "name": "GeoGebra: a perpendicular bisector",
        "text": (
            "Put the steps of constructing the perpendicular bisector of a segment in GeoGebra in order.",
            "Расположите по порядку шаги построения серединного перпендикуляра к отрезку в GeoGebra.",
            "رتّب خطوات إنشاء العمود المنصِّف لقطعة مستقيمة في جيوجبرا.",
        ),
        "general_feedback": (
            "Learners can then place a point on the bisector and measure its distances to A and B.",
            "Затем ученики могут поставить на перпендикуляре точку и измерить её расстояния до A и B.",
            "يمكن للمتعلمين بعد ذلك وضع نقطة على العمود المنصِّف وقياس بعدها عن A وB.",
        ),
        "items": [
            ("Create two points, A and B", "Постройте две точки, A и B", "أنشئ نقطتين A وB"),
            ("Draw the segment AB", "Проведите отрезок AB", "ارسم القطعة المستقيمة AB"),
            (
                "Choose the Perpendicular Bisector tool and click the segment",
                "Выберите инструмент «Серединный перпендикуляр» и щёлкните по отрезку",
                "اختر أداة «العمود المنصِّف» وانقر على القطعة المستقيمة",
            ),
            (
                "Drag A or B to check that the line stays a perpendicular bisector",
                "Перетащите A или B и убедитесь, что прямая остаётся серединным перпендикуляром",
                "اسحب A أو B لتتحقق من أن المستقيم يبقى عمودًا منصِّفًا",
            ),
        ],
    },
    {
        "key": "gg-views-matching",
        "category": GEOGEBRA,
        "kind": "matching",
        "name": "GeoGebra: the window",
        "text": (
            "Match each part of the GeoGebra window with what it shows.",
            "Соотнесите каждую часть окна GeoGebra с тем, что в ней отображается.",
            "صِل كل جزء من نافذة جيوجبرا بما يعرضه.",
        ),
        "general_feedback": (
            "Each view shows the same objects: change one and the others follow.",
            "Все панели показывают одни и те же объекты: измените объект в одной — изменятся и остальные.",
            "تعرض كل النوافذ الكائنات نفسها: غيّر كائنًا في إحداها فتتغير البقية تبعًا له.",
        ),
        "pairs": [
            (
                ("Algebra view", "Панель алгебры", "نافذة الجبر"),
                (
                    "Equations and coordinates of objects",
                    "Уравнения и координаты объектов",
                    "معادلات الكائنات وإحداثياتها",
                ),
            ),
            (
                ("Graphics view", "Полотно", "نافذة الرسوم"),
                (
                    "The drawing of points, lines and graphs",
                    "Чертёж: точки, прямые и графики",
                    "رسم النقاط والمستقيمات والتمثيلات البيانية",
                ),
            ),
            (
                ("Spreadsheet view", "Таблица", "جدول البيانات"),
                ("Data in rows and columns", "Данные в строках и столбцах", "بيانات في صفوف وأعمدة"),
            ),
            (
                ("Input bar", "Строка ввода", "شريط الإدخال"),
                (
                    "Commands typed as text, such as Circle(A, 3)",
                    "Команды, набранные текстом, например Окружность(A, 3)",
                    "أوامر تُكتب نصًا، مثل Circle(A, 3)",
                ),
            ),
        ],
    },
    {
        "key": "gg-uses",
        "category": GEOGEBRA,
        "kind": "multichoice",
        "name": "GeoGebra: what learners can do",
        "single": False,
        "text": (
            "Which of these can learners do in GeoGebra? Select all that apply.",
            "Что из этого ученики могут делать в GeoGebra? Выберите все подходящие варианты.",
            "أيٌّ مما يلي يستطيع المتعلمون فعله في جيوجبرا؟ اختر كل ما ينطبق.",
        ),
        "general_feedback": (
            "GeoGebra Classroom also lets a teacher follow learners' work live.",
            "GeoGebra Classroom также позволяет учителю следить за работой учеников в реальном времени.",
            "تتيح أداة GeoGebra Classroom أيضًا للمعلم متابعة عمل المتعلمين مباشرة.",
        ),
        "answers": [
            {
                "fraction": "0.5",
                "text": ("Plot the graph of a function", "Построить график функции", "رسم التمثيل البياني لدالة"),
                "feedback": (
                    "Yes: type y = 2x + 1 in the input bar.",
                    "Да: введите y = 2x + 1 в строке ввода.",
                    "نعم: اكتب y = 2x + 1 في شريط الإدخال.",
                ),
            },
            {
                "fraction": "0.5",
                "text": (
                    "Measure angles and lengths in a construction",
                    "Измерять углы и длины в построении",
                    "قياس الزوايا والأطوال في الإنشاء",
                ),
                "feedback": (
                    "Yes: and the measures update as you drag.",
                    "Да, и при перетаскивании измерения обновляются.",
                    "نعم، وتتحدّث القياسات عند السحب.",
                ),
            },
            {
                "fraction": "-0.5",
                "text": (
                    "Print a certificate for the course",
                    "Распечатать сертификат о прохождении курса",
                    "طباعة شهادة إتمام الدورة",
                ),
                "feedback": (
                    "No: certificates come from the learning platform, not from GeoGebra.",
                    "Нет: сертификаты выдаёт учебная платформа, а не GeoGebra.",
                    "لا: الشهادات تصدر عن منصة التعلم، لا عن جيوجبرا.",
                ),
            },
            {
                "fraction": "-0.5",
                "text": ("Grade essays automatically", "Автоматически оценивать сочинения", "تصحيح المقالات آليًا"),
                "feedback": (
                    "No: GeoGebra does not mark written work.",
                    "Нет: GeoGebra не проверяет письменные работы.",
                    "لا: جيوجبرا لا يصحح الأعمال الكتابية.",
                ),
            },
        ],
    },
    # Reflection: descriptions that open a quiz, and essays a trainer grades ------------------------------------
    {
        "key": "rf-intro-ict",
        "category": REFLECTION,
        "kind": "description",
        "name": "Introduction: ICT in the classroom",
        "text": (
            "The questions in this quiz are about the UNESCO ICT Competency Framework for Teachers and the tools "
            "you tried in this course. Read each question carefully: some ask you to choose more than one answer.",
            "Вопросы этого теста посвящены Структуре ИКТ-компетентности учителей ЮНЕСКО и инструментам, которые "
            "вы опробовали на курсе. Внимательно читайте каждый вопрос: в некоторых нужно выбрать несколько "
            "ответов.",
            "تتناول أسئلة هذا الاختبار إطار اليونسكو لكفاءات المعلمين في مجال تكنولوجيا المعلومات والاتصالات "
            "والأدوات التي جرّبتها في هذه الدورة. اقرأ كل سؤال بعناية، فبعض الأسئلة يطلب اختيار أكثر من إجابة.",
        ),
    },
    {
        "key": "rf-intro-inclusion",
        "category": REFLECTION,
        "kind": "description",
        "name": "Introduction: inclusive digital classrooms",
        "text": (
            "This quiz is about making digital lessons accessible to every learner. The last question asks you to "
            "write about your own class: a trainer will read your answer and give you feedback.",
            "Этот тест посвящён тому, как сделать цифровые уроки доступными для каждого ученика. В последнем "
            "вопросе нужно написать о своём классе: тренер прочитает ваш ответ и даст отзыв.",
            "يتناول هذا الاختبار كيفية جعل الدروس الرقمية ميسّرة لكل متعلم. يطلب منك السؤال الأخير الكتابة عن "
            "فصلك، وسيقرأ المدرب إجابتك ويقدّم لك تغذية راجعة.",
        ),
    },
    {
        "key": "rf-accessible-worksheet",
        "category": REFLECTION,
        "kind": "essay",
        "name": "Essay: an accessible worksheet",
        "default_mark": "3",
        "text": (
            "Choose a worksheet you use with your class. Describe three changes that would make it accessible to a "
            "learner with low vision, and explain why each one helps.",
            "Выберите рабочий лист, который вы используете в своём классе. Опишите три изменения, которые сделают "
            "его доступным для слабовидящего ученика, и объясните, чем помогает каждое из них.",
            "اختر ورقة عمل تستخدمها مع فصلك. صِف ثلاثة تعديلات تجعلها ميسّرة لمتعلم ضعيف البصر، واشرح كيف يساعد "
            "كل تعديل منها.",
        ),
        "general_feedback": (
            "A strong answer might mention larger text, strong contrast, real headings, alternative text for images "
            "and a digital copy that can be read aloud.",
            "В хорошем ответе могут быть упомянуты крупный шрифт, высокий контраст, настоящие заголовки, "
            "альтернативный текст к изображениям и цифровая копия, которую можно прослушать.",
            "قد تذكر الإجابة الجيدة تكبير الخط، والتباين القوي، والعناوين الحقيقية، والنص البديل للصور، ونسخة "
            "رقمية يمكن قراءتها بصوت مسموع.",
        ),
    },
    {
        "key": "rf-lesson-with-a-tool",
        "category": REFLECTION,
        "kind": "essay",
        "name": "Essay: a lesson with a digital tool",
        "default_mark": "3",
        "text": (
            "Describe a lesson in which you used, or could use, a digital tool. What did the tool let your students "
            "do that they could not do without it? Which SAMR level was it?",
            "Опишите урок, на котором вы использовали (или могли бы использовать) цифровой инструмент. Что этот "
            "инструмент позволил ученикам сделать такого, чего они не смогли бы сделать без него? Какому уровню "
            "модели SAMR это соответствует?",
            "صِف درسًا استخدمت فيه أداة رقمية، أو يمكنك أن تستخدمها فيه. ما الذي أتاحته الأداة لطلابك ولم يكن "
            "ممكنًا من دونها؟ وما مستوى نموذج SAMR الذي يمثّله ذلك؟",
        ),
        "general_feedback": (
            "Look for a clear link between the tool and the learning goal, not just the tool itself.",
            "Важна ясная связь между инструментом и учебной целью, а не сам инструмент.",
            "المهم وجود صلة واضحة بين الأداة والهدف التعليمي، لا الأداة في حد ذاتها.",
        ),
    },
    {
        "key": "rf-geogebra-activity",
        "category": REFLECTION,
        "kind": "essay",
        "name": "Essay: a GeoGebra activity",
        "default_mark": "3",
        "text": (
            "Plan a 10-minute activity in which your students explore a function with GeoGebra sliders. What will "
            "they change, what should they notice, and what question will you ask them at the end?",
            "Спланируйте 10-минутное задание, в котором ученики исследуют функцию с помощью ползунков GeoGebra. "
            "Что они будут менять, что должны заметить и какой вопрос вы зададите им в конце?",
            "خطّط لنشاط مدته 10 دقائق يستكشف فيه طلابك دالة باستخدام منزلقات جيوجبرا. ما الذي سيغيّرونه؟ وما الذي "
            "ينبغي أن يلاحظوه؟ وما السؤال الذي ستطرحه عليهم في النهاية؟",
        ),
        "general_feedback": (
            "A good plan names the parameter, the pattern learners should find and a question that makes them "
            "explain it.",
            "В хорошем плане названы параметр, закономерность, которую должны найти ученики, и вопрос, который "
            "заставит их её объяснить.",
            "الخطة الجيدة تحدد المعامل، والنمط الذي ينبغي أن يكتشفه المتعلمون، وسؤالًا يدفعهم إلى تفسيره.",
        ),
    },
]
