"""Scale accounts: regions and institutions of the chosen countries, trainers, one ministry official per country,
and teachers with names, languages, genders and national teacher IDs as in their country, joining over the
platform's history.

Regions and institutions are shared reference data: found by name (the demo's Cairo or Tunis is the same region)
and kept by ``--reset``; an institution's name follows from its region and its number, so every run finds the
same ones again. Accounts have addresses at ``@scale.example``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth.hashers import make_password

from accounts.models import Country, Institution, Region, Role, User
from accounts.services import role_grant

from .bulk import ids_reserve, rows_load
from .common import DAY, EMAIL_DOMAIN, Timeline, Weighted, at

PASSWORD = "maktaba-scale"  # noqa: S105 - every generated account's, printed by the command; generated data only
TEACHERS_PER_INSTITUTION = 200
TEACHERS_PER_TRAINER = 5_000

# (name in English as the demo writes it, ISO 3166-2 code, population in millions, time zone)
REGIONS = {
    "RU": [
        ("Moscow", "RU-MOW", 13.1, "Europe/Moscow"),
        ("Moscow Oblast", "RU-MOS", 8.5, "Europe/Moscow"),
        ("Krasnodar Krai", "RU-KDA", 5.8, "Europe/Moscow"),
        ("Saint Petersburg", "RU-SPE", 5.6, "Europe/Moscow"),
        ("Sverdlovsk Oblast", "RU-SVE", 4.3, "Asia/Yekaterinburg"),
        ("Rostov Oblast", "RU-ROS", 4.2, "Europe/Moscow"),
        ("Bashkortostan", "RU-BA", 4.0, "Asia/Yekaterinburg"),
        ("Tatarstan", "RU-TA", 4.0, "Europe/Moscow"),
        ("Chelyabinsk Oblast", "RU-CHE", 3.4, "Asia/Yekaterinburg"),
        ("Dagestan", "RU-DA", 3.2, "Europe/Moscow"),
        ("Samara Oblast", "RU-SAM", 3.2, "Europe/Samara"),
        ("Nizhny Novgorod Oblast", "RU-NIZ", 3.1, "Europe/Moscow"),
        ("Krasnoyarsk Krai", "RU-KYA", 2.9, "Asia/Krasnoyarsk"),
        ("Novosibirsk Oblast", "RU-NVS", 2.8, "Asia/Novosibirsk"),
        ("Stavropol Krai", "RU-STA", 2.8, "Europe/Moscow"),
        ("Perm Krai", "RU-PER", 2.5, "Asia/Yekaterinburg"),
        ("Volgograd Oblast", "RU-VGG", 2.5, "Europe/Volgograd"),
        ("Irkutsk Oblast", "RU-IRK", 2.4, "Asia/Irkutsk"),
        ("Saratov Oblast", "RU-SAR", 2.4, "Europe/Saratov"),
        ("Voronezh Oblast", "RU-VOR", 2.3, "Europe/Moscow"),
    ],
    "EG": [
        ("Cairo", "EG-C", 10.1, "Africa/Cairo"),
        ("Giza", "EG-GZ", 9.2, "Africa/Cairo"),
        ("Sharqia", "EG-SHR", 7.8, "Africa/Cairo"),
        ("Dakahlia", "EG-DK", 7.0, "Africa/Cairo"),
        ("Beheira", "EG-BH", 6.9, "Africa/Cairo"),
        ("Minya", "EG-MN", 6.2, "Africa/Cairo"),
        ("Qalyubia", "EG-KB", 6.0, "Africa/Cairo"),
        ("Sohag", "EG-SHG", 5.5, "Africa/Cairo"),
        ("Alexandria", "EG-ALX", 5.4, "Africa/Cairo"),
        ("Gharbia", "EG-GH", 5.3, "Africa/Cairo"),
        ("Asyut", "EG-AST", 4.8, "Africa/Cairo"),
        ("Monufia", "EG-MNF", 4.5, "Africa/Cairo"),
        ("Faiyum", "EG-FYM", 3.9, "Africa/Cairo"),
        ("Kafr el-Sheikh", "EG-KFS", 3.6, "Africa/Cairo"),
        ("Qena", "EG-KN", 3.5, "Africa/Cairo"),
        ("Beni Suef", "EG-BNS", 3.4, "Africa/Cairo"),
        ("Aswan", "EG-ASN", 1.6, "Africa/Cairo"),
        ("Damietta", "EG-DT", 1.5, "Africa/Cairo"),
        ("Ismailia", "EG-IS", 1.4, "Africa/Cairo"),
        ("Luxor", "EG-LX", 1.3, "Africa/Cairo"),
    ],
    "TN": [
        ("Tunis", "TN-11", 1.1, "Africa/Tunis"),
        ("Sfax", "TN-61", 1.0, "Africa/Tunis"),
        ("Nabeul", "TN-21", 0.8, "Africa/Tunis"),
        ("Sousse", "TN-51", 0.7, "Africa/Tunis"),
        ("Ben Arous", "TN-13", 0.7, "Africa/Tunis"),
        ("Ariana", "TN-12", 0.6, "Africa/Tunis"),
        ("Kairouan", "TN-41", 0.6, "Africa/Tunis"),
        ("Bizerte", "TN-23", 0.6, "Africa/Tunis"),
        ("Monastir", "TN-52", 0.55, "Africa/Tunis"),
        ("Médenine", "TN-82", 0.48, "Africa/Tunis"),
        ("Kasserine", "TN-42", 0.44, "Africa/Tunis"),
        ("Sidi Bouzid", "TN-43", 0.43, "Africa/Tunis"),
        ("Mahdia", "TN-53", 0.41, "Africa/Tunis"),
        ("Jendouba", "TN-32", 0.4, "Africa/Tunis"),
        ("Gabès", "TN-81", 0.37, "Africa/Tunis"),
    ],
    "KZ": [
        ("Almaty", "KZ-75", 2.2, "Asia/Almaty"),
        ("Turkistan Region", "KZ-61", 2.1, "Asia/Almaty"),
        ("Astana", "KZ-71", 1.4, "Asia/Almaty"),
        ("Almaty Region", "KZ-19", 1.5, "Asia/Almaty"),
        ("Shymkent", "KZ-79", 1.2, "Asia/Almaty"),
        ("Zhambyl Region", "KZ-31", 1.2, "Asia/Almaty"),
        ("Karaganda Region", "KZ-35", 1.1, "Asia/Almaty"),
        ("Aktobe Region", "KZ-15", 0.9, "Asia/Aqtobe"),
        ("Kostanay Region", "KZ-39", 0.8, "Asia/Qostanay"),
        ("Kyzylorda Region", "KZ-43", 0.8, "Asia/Qyzylorda"),
        ("Akmola Region", "KZ-11", 0.8, "Asia/Almaty"),
        ("Mangystau Region", "KZ-47", 0.75, "Asia/Aqtau"),
        ("Pavlodar Region", "KZ-55", 0.75, "Asia/Almaty"),
        ("East Kazakhstan Region", "KZ-63", 0.7, "Asia/Almaty"),
        ("Atyrau Region", "KZ-23", 0.7, "Asia/Atyrau"),
        ("West Kazakhstan Region", "KZ-27", 0.7, "Asia/Oral"),
        ("North Kazakhstan Region", "KZ-59", 0.53, "Asia/Almaty"),
    ],
    "KE": [
        ("Nairobi", "KE-30", 4.4, "Africa/Nairobi"),
        ("Kiambu", "KE-13", 2.4, "Africa/Nairobi"),
        ("Nakuru", "KE-31", 2.2, "Africa/Nairobi"),
        ("Kakamega", "KE-11", 1.9, "Africa/Nairobi"),
        ("Bungoma", "KE-03", 1.7, "Africa/Nairobi"),
        ("Meru", "KE-26", 1.5, "Africa/Nairobi"),
        ("Kilifi", "KE-14", 1.5, "Africa/Nairobi"),
        ("Machakos", "KE-22", 1.4, "Africa/Nairobi"),
        ("Kisii", "KE-16", 1.3, "Africa/Nairobi"),
        ("Kisumu", "KE-17", 1.2, "Africa/Nairobi"),
        ("Mombasa", "KE-28", 1.2, "Africa/Nairobi"),
        ("Uasin Gishu", "KE-44", 1.2, "Africa/Nairobi"),
        ("Kajiado", "KE-10", 1.1, "Africa/Nairobi"),
        ("Kitui", "KE-18", 1.1, "Africa/Nairobi"),
        ("Nyeri", "KE-36", 0.8, "Africa/Nairobi"),
    ],
}

# Names as (written in the country, in Latin letters). Russian and Kazakh male names carry the stem of the
# patronymic they give; surnames are the male form (the female one adds "а" / "a").
RU_FEMALE = [
    ("Анна", "Anna"), ("Елена", "Elena"), ("Ольга", "Olga"), ("Татьяна", "Tatyana"), ("Наталья", "Natalya"),
    ("Ирина", "Irina"), ("Светлана", "Svetlana"), ("Марина", "Marina"), ("Екатерина", "Ekaterina"),
    ("Мария", "Maria"), ("Юлия", "Yulia"), ("Галина", "Galina"), ("Людмила", "Lyudmila"),
    ("Надежда", "Nadezhda"), ("Валентина", "Valentina"), ("Оксана", "Oksana"), ("Виктория", "Viktoria"),
    ("Дарья", "Darya"),
]  # fmt: skip
RU_MALE = [
    ("Александр", "Aleksandr", "Александров"), ("Сергей", "Sergey", "Сергеев"), ("Андрей", "Andrey", "Андреев"),
    ("Дмитрий", "Dmitry", "Дмитриев"), ("Алексей", "Aleksey", "Алексеев"), ("Владимир", "Vladimir", "Владимиров"),
    ("Игорь", "Igor", "Игорев"), ("Михаил", "Mikhail", "Михайлов"), ("Николай", "Nikolay", "Николаев"),
    ("Евгений", "Evgeny", "Евгеньев"), ("Павел", "Pavel", "Павлов"), ("Иван", "Ivan", "Иванов"),
    ("Виктор", "Viktor", "Викторов"), ("Юрий", "Yury", "Юрьев"),
]  # fmt: skip
RU_SURNAMES = [
    ("Иванов", "Ivanov"), ("Смирнов", "Smirnov"), ("Кузнецов", "Kuznetsov"), ("Попов", "Popov"),
    ("Васильев", "Vasilyev"), ("Петров", "Petrov"), ("Соколов", "Sokolov"), ("Михайлов", "Mikhaylov"),
    ("Новиков", "Novikov"), ("Фёдоров", "Fyodorov"), ("Морозов", "Morozov"), ("Волков", "Volkov"),
    ("Алексеев", "Alekseev"), ("Лебедев", "Lebedev"), ("Семёнов", "Semyonov"), ("Егоров", "Egorov"),
    ("Павлов", "Pavlov"), ("Козлов", "Kozlov"), ("Степанов", "Stepanov"), ("Николаев", "Nikolaev"),
    ("Орлов", "Orlov"), ("Андреев", "Andreev"), ("Макаров", "Makarov"), ("Никитин", "Nikitin"),
    ("Захаров", "Zakharov"),
]  # fmt: skip
KZ_FEMALE = [
    ("Айгерим", "Aigerim"), ("Гульнара", "Gulnara"), ("Динара", "Dinara"), ("Асель", "Assel"),
    ("Жанар", "Zhanar"), ("Сауле", "Saule"), ("Меруерт", "Meruert"), ("Айжан", "Aizhan"), ("Алия", "Aliya"),
    ("Жанна", "Zhanna"), ("Гульмира", "Gulmira"), ("Лаура", "Laura"),
]  # fmt: skip
KZ_MALE = [
    ("Нурлан", "Nurlan", "Нурланов"), ("Ерлан", "Yerlan", "Ерланов"), ("Асхат", "Askhat", "Асхатов"),
    ("Бауыржан", "Bauyrzhan", "Бауыржанов"), ("Данияр", "Daniyar", "Данияров"), ("Ержан", "Yerzhan", "Ержанов"),
    ("Серик", "Serik", "Сериков"), ("Арман", "Arman", "Арманов"), ("Марат", "Marat", "Маратов"),
    ("Болат", "Bolat", "Болатов"),
]  # fmt: skip
KZ_SURNAMES = [
    ("Ахметов", "Akhmetov"), ("Сулейменов", "Suleimenov"), ("Жумабаев", "Zhumabayev"), ("Омаров", "Omarov"),
    ("Касымов", "Kassymov"), ("Искаков", "Iskakov"), ("Абдрахманов", "Abdrakhmanov"), ("Тулегенов", "Tulegenov"),
    ("Есенов", "Yessenov"), ("Нургалиев", "Nurgaliyev"), ("Сеитов", "Seitov"), ("Байжанов", "Baizhanov"),
    ("Мухамеджанов", "Mukhamedzhanov"),
]  # fmt: skip
EG_FEMALE = [
    ("فاطمة", "Fatma"), ("مريم", "Mariam"), ("نورا", "Noura"), ("هبة", "Heba"), ("منى", "Mona"), ("سارة", "Sara"),
    ("آية", "Aya"), ("دينا", "Dina"), ("رانيا", "Rania"), ("ياسمين", "Yasmine"), ("أسماء", "Asmaa"),
    ("هدى", "Hoda"), ("شيماء", "Shaimaa"), ("إيمان", "Eman"), ("نهى", "Noha"), ("سلمى", "Salma"),
]  # fmt: skip
EG_MALE = [
    ("محمد", "Mohamed"), ("أحمد", "Ahmed"), ("محمود", "Mahmoud"), ("مصطفى", "Mostafa"), ("عمر", "Omar"),
    ("خالد", "Khaled"), ("إبراهيم", "Ibrahim"), ("حسن", "Hassan"), ("علي", "Ali"), ("يوسف", "Youssef"),
    ("طارق", "Tarek"), ("كريم", "Karim"), ("عبد الله", "Abdallah"), ("حسام", "Hossam"), ("سامح", "Sameh"),
    ("وليد", "Walid"),
]  # fmt: skip
EG_FAMILIES = [
    ("حسن", "Hassan"), ("السيد", "El-Sayed"), ("عبد الرحمن", "Abdelrahman"), ("إبراهيم", "Ibrahim"),
    ("منصور", "Mansour"), ("فاروق", "Farouk"), ("سالم", "Salem"), ("الشريف", "El-Sherif"), ("عثمان", "Osman"),
    ("رمضان", "Ramadan"), ("عبد العزيز", "Abdelaziz"), ("النجار", "El-Naggar"), ("شحاتة", "Shehata"),
]  # fmt: skip
TN_FEMALE = [
    ("مريم", "Meriem"), ("أميرة", "Amira"), ("إيمان", "Imen"), ("سنية", "Sonia"), ("ريم", "Rim"),
    ("خولة", "Khaoula"), ("فاطمة", "Fatma"), ("أسماء", "Asma"), ("نادية", "Nadia"), ("سلوى", "Salwa"),
    ("هالة", "Hela"), ("وفاء", "Wafa"),
]  # fmt: skip
TN_MALE = [
    ("محمد", "Mohamed"), ("أمين", "Amine"), ("سامي", "Sami"), ("هيثم", "Haythem"), ("وليد", "Walid"),
    ("كريم", "Karim"), ("أيمن", "Aymen"), ("بلال", "Bilel"), ("منير", "Mounir"), ("نبيل", "Nabil"),
    ("حاتم", "Hatem"), ("فوزي", "Faouzi"),
]  # fmt: skip
TN_FAMILIES = [
    ("بن علي", "Ben Ali"), ("الطرابلسي", "Trabelsi"), ("الشابي", "Chebbi"), ("المرزوقي", "Marzouki"),
    ("بن سالم", "Ben Salem"), ("الغربي", "Gharbi"), ("الجلاصي", "Jlassi"), ("الحمامي", "Hammami"),
    ("الدريدي", "Dridi"), ("العياري", "Ayari"), ("الكافي", "Kefi"), ("السويسي", "Souissi"),
]  # fmt: skip
KE_FEMALE = ["Grace", "Mary", "Faith", "Esther", "Mercy", "Joyce", "Ann", "Jane", "Caroline", "Lucy", "Purity",
             "Beatrice", "Winnie", "Nancy"]  # fmt: skip
KE_MALE = ["John", "Peter", "James", "Joseph", "David", "Samuel", "Daniel", "Brian", "Kevin", "Dennis", "Moses",
           "Stephen", "Collins", "Evans"]  # fmt: skip
KE_SURNAMES = ["Otieno", "Wanjiru", "Kamau", "Mwangi", "Ochieng", "Njoroge", "Kiprop", "Chebet", "Mutua", "Wambui",
               "Odhiambo", "Kariuki", "Achieng", "Onyango", "Korir", "Kiplagat", "Wafula", "Barasa", "Mutiso",
               "Nyambura", "Kimani", "Omondi"]  # fmt: skip

# An institution's name from its number in its region: the kinds take turns.
INSTITUTION_NAMES = {
    "RU": ["School No. {n}, {place}", "School No. {n}, {place}", "Gymnasium No. {n}, {place}",
           "School No. {n}, {place}", "Lyceum No. {n}, {place}"],
    "EG": ["{place} Primary School No. {n}", "{place} Preparatory School No. {n}", "{place} Primary School No. {n}",
           "{place} Secondary School No. {n}", "{place} Experimental Language School No. {n}"],
    "TN": ["École primaire n° {n}, {place}", "École primaire n° {n}, {place}", "Collège n° {n}, {place}",
           "Lycée n° {n}, {place}"],
    "KZ": ["Secondary School No. {n}, {place}", "Secondary School No. {n}, {place}", "School-Lyceum No. {n}, {place}",
           "Gymnasium No. {n}, {place}"],
    "KE": ["{place} Primary School No. {n}", "{place} Junior School No. {n}", "{place} Primary School No. {n}",
           "{place} Secondary School No. {n}"],
}  # fmt: skip


@dataclass(frozen=True)
class CountryProfile:
    share: float  # of the platform's teachers
    languages: dict[str, float]  # preferred languages
    female: float  # share of women among teachers
    national_id_share: float  # share with a national teacher ID
    national_id_digits: int
    latin_share: float  # share who give their name in Latin letters too


PROFILES = {
    "RU": CountryProfile(0.34, {"ru": 0.96, "en": 0.04}, 0.86, 0.35, 11, 0.2),
    "EG": CountryProfile(0.30, {"ar": 0.82, "en": 0.18}, 0.6, 0.8, 14, 0.45),
    "KE": CountryProfile(0.14, {"en": 1.0}, 0.5, 0.9, 7, 0.0),
    "KZ": CountryProfile(0.12, {"ru": 0.85, "en": 0.15}, 0.8, 0.9, 12, 0.3),
    "TN": CountryProfile(0.10, {"ar": 0.7, "en": 0.3}, 0.62, 0.75, 8, 0.5),
}
COUNTRIES = list(PROFILES)
GENDERS = Weighted(["", User.Gender.UNDISCLOSED, User.Gender.OTHER, None], [0.15, 0.02, 0.003, 0.827])
SCHOOL_ROLES = Weighted(
    ["teacher", "head", "deputy", "ict", "librarian", "student", "other", ""],
    [0.83, 0.03, 0.03, 0.04, 0.01, 0.02, 0.01, 0.03],
)

USER_COLUMNS = (
    "id", "password", "last_login", "is_superuser", "email", "username", "full_name", "certificate_name",
    "certificate_name_latin", "preferred_language", "time_zone", "country_id", "region_id", "institution_id",
    "national_teacher_id", "school_role", "gender", "is_active", "is_staff", "must_change_password", "date_joined",
    "last_activity",
)  # fmt: skip


class Teacher(NamedTuple):
    """What the other builders need to know of a generated teacher."""

    id: int
    number: int  # in the order of joining, from 1
    joined: float
    country_id: int
    region_id: int
    language: str
    name: str
    name_latin: str  # as on her certificates: often empty


@dataclass
class RegionInfo:
    id: int
    name: str
    code: str  # the country's
    time_zone: str
    institutions: list[int]


@dataclass
class Geography:
    countries: dict[str, int]  # code -> id
    regions: Weighted  # of RegionInfo, by population
    regions_by_country: dict[str, Weighted]

    @property
    def institution_count(self) -> int:
        return sum(len(region.institutions) for region in self.regions.items)


def geography_build(codes: list[str], *, teachers: int) -> Geography:
    """The regions of ``codes`` and about one institution per ``TEACHERS_PER_INSTITUTION`` teachers, spread by
    population; found again where they exist."""
    countries = dict(Country.objects.filter(code__in=codes).values_list("code", "id"))
    total_share = sum(PROFILES[code].share for code in codes)
    Region.objects.bulk_create(
        [
            Region(country_id=countries[code], name=name, code=iso)
            for code in codes
            for name, iso, _population, _zone in REGIONS[code]
        ],
        ignore_conflicts=True,
    )
    region_ids = {
        (country_id, name): pk
        for country_id, name, pk in Region.objects.filter(country__code__in=codes).values_list("country", "name", "pk")
    }
    wanted = max(teachers // TEACHERS_PER_INSTITUTION, 1)
    planned = []  # (RegionInfo, weight, institution names)
    for code in codes:
        population = sum(region[2] for region in REGIONS[code])
        for name, _iso, people, zone in REGIONS[code]:
            weight = PROFILES[code].share / total_share * people / population
            templates = INSTITUTION_NAMES[code]
            names = [
                templates[k % len(templates)].format(n=k + 1, place=name) for k in range(max(1, round(wanted * weight)))
            ]
            info = RegionInfo(
                id=region_ids[(countries[code], name)], name=name, code=code, time_zone=zone, institutions=[]
            )
            planned.append((info, weight, names))
    Institution.objects.bulk_create(
        [
            Institution(country_id=countries[info.code], region_id=info.id, name=name)
            for info, _weight, names in planned
            for name in names
        ],
        ignore_conflicts=True,
    )
    institution_ids = {
        (region_id, name): pk
        for region_id, name, pk in Institution.objects.filter(
            region_id__in=[info.id for info, _weight, _names in planned]
        ).values_list("region", "name", "pk")
    }
    for info, _weight, names in planned:
        info.institutions = [institution_ids[(info.id, name)] for name in names]
    by_country = {
        code: Weighted(
            [info for info, _weight, _names in planned if info.code == code],
            [weight for info, weight, _names in planned if info.code == code],
        )
        for code in codes
    }
    regions = Weighted([info for info, _w, _n in planned], [weight for _i, weight, _n in planned])
    return Geography(countries=countries, regions=regions, regions_by_country=by_country)


class People:
    """Generates people as they are in their country: names, gender, preferred language, national teacher ID."""

    def __init__(self, rng: random.Random, geography: Geography) -> None:
        self.rng = rng
        self.geography = geography
        self.password = make_password(PASSWORD)
        self.languages = {
            code: Weighted(list(PROFILES[code].languages), list(PROFILES[code].languages.values()))
            for code in geography.countries
        }
        # National IDs: an affine bijection of each country's counter modulo 10^digits, so they look random and
        # never repeat.
        self.id_counters = dict.fromkeys(geography.countries, 0)
        self.id_offsets = {code: rng.randrange(10 ** PROFILES[code].national_id_digits) for code in geography.countries}

    def name(self, code: str, female: bool) -> tuple[str, str]:
        """The full name as written in the country, and in Latin letters (as in a passport)."""
        choice = self.rng.choice
        if code == "KE":
            full = f"{choice(KE_FEMALE if female else KE_MALE)} {choice(KE_SURNAMES)}"
            return full, full
        if code == "TN":
            first, family = choice(TN_FEMALE if female else TN_MALE), choice(TN_FAMILIES)
            return f"{first[0]} {family[0]}", f"{first[1]} {family[1]}"
        if code == "EG":  # her own name, her father's and her family's
            first, father, family = choice(EG_FEMALE if female else EG_MALE), choice(EG_MALE), choice(EG_FAMILIES)
            return f"{first[0]} {father[0]} {family[0]}", f"{first[1]} {father[1]} {family[1]}"
        # Russia and Kazakhstan (where some names are Russian): first name, patronymic, surname.
        if code == "RU" or self.rng.random() < 0.3:
            females, males, surnames = RU_FEMALE, RU_MALE, RU_SURNAMES
        else:
            females, males, surnames = KZ_FEMALE, KZ_MALE, KZ_SURNAMES
        first, father, surname = choice(females if female else males), choice(males), choice(surnames)
        patronymic = father[2] + ("на" if female else "ич")
        ending = ("а", "a") if female else ("", "")
        return f"{first[0]} {patronymic} {surname[0]}{ending[0]}", f"{first[1]} {surname[1]}{ending[1]}"

    def national_id(self, code: str) -> str:
        profile = PROFILES[code]
        if self.rng.random() >= profile.national_id_share:
            return ""
        counter = self.id_counters[code]
        self.id_counters[code] = counter + 1
        modulus = 10**profile.national_id_digits
        number = f"{(counter * 7_919 + self.id_offsets[code]) % modulus:0{profile.national_id_digits}d}"
        if code == "RU":  # written like a SNILS: 123-456-789 01
            return f"{number[:3]}-{number[3:6]}-{number[6:9]} {number[9:]}"
        return number

    def row(
        self,
        pk: int,
        region: RegionInfo,
        joined: float,
        last_activity: float | None,
        *,
        email: str = "",
        number: int = 0,
        **fields,
    ) -> tuple[tuple, Teacher]:
        """One user row (``USER_COLUMNS``) and its Teacher; the address is made from the name and ``number``
        unless given."""
        rng = self.rng
        code = region.code
        profile = PROFILES[code]
        female = rng.random() < profile.female
        gender = GENDERS.draw(rng)
        if gender is None:
            gender = User.Gender.FEMALE if female else User.Gender.MALE
        name, latin = self.name(code, female)
        language = self.languages[code].draw(rng)
        institution = rng.choice(region.institutions) if rng.random() < 0.95 else None
        country_id = self.geography.countries[code]
        certificate_latin = latin if latin != name and rng.random() < profile.latin_share else ""
        email = email or f"{latin.lower().replace(' ', '.')}.{number}@{EMAIL_DOMAIN}"
        row = (
            pk, self.password, None, False, email, None, name, "", certificate_latin, language, region.time_zone,
            country_id, region.id, institution, fields.get("national_teacher_id", self.national_id(code)),
            fields.get("school_role", SCHOOL_ROLES.draw(rng)), gender, fields.get("is_active", rng.random() < 0.98),
            False, False, at(joined), None if last_activity is None else at(last_activity),
        )  # fmt: skip
        return row, Teacher(pk, number, joined, country_id, region.id, language, name, certificate_latin)


@dataclass
class Staff:
    trainers: list[int]
    officials: dict[str, int]  # country code -> user id


def staff_build(people: People, timeline: Timeline, *, teachers: int) -> Staff:
    """Trainers (one per ``TEACHERS_PER_TRAINER`` teachers, at least three) and a ministry official per
    country, all there since the launch."""
    rng = people.rng
    geography = people.geography
    count = max(3, teachers // TEACHERS_PER_TRAINER)
    codes = list(geography.countries)
    first = ids_reserve(User, count + len(codes))
    joined = timeline.launch - 30 * DAY
    rows, trainers, officials = [], [], {}
    for number in range(count):
        region = geography.regions.draw(rng)
        row, _teacher = people.row(
            first + number,
            region,
            joined,
            timeline.until - rng.random() * 3 * DAY,
            email=f"trainer{number + 1}@{EMAIL_DOMAIN}",
            national_teacher_id="",
            school_role=User.SchoolRole.TRAINER,
            is_active=True,
        )
        rows.append(row)
        trainers.append(first + number)
    for offset, code in enumerate(codes, start=count):
        region = geography.regions_by_country[code].draw(rng)
        row, _teacher = people.row(
            first + offset,
            region,
            joined,
            timeline.until - rng.random() * 7 * DAY,
            email=f"ministry.{code.lower()}@{EMAIL_DOMAIN}",
            national_teacher_id="",
            school_role=User.SchoolRole.OTHER,
            is_active=True,
        )
        rows.append(row)
        officials[code] = first + offset
    rows_load(User, USER_COLUMNS, rows)
    for user in User.objects.filter(pk__in=trainers):
        role_grant(user=user, role=Role.TRAINER)
    countries = {country.code: country for country in Country.objects.filter(code__in=codes)}
    users = User.objects.in_bulk(officials.values())
    for code, pk in officials.items():
        role_grant(user=users[pk], role=Role.MINISTRY_OFFICIAL, country=countries[code])
    return Staff(trainers=trainers, officials=officials)


def teachers_load(people: People, timeline: Timeline, *, first_id: int, start: int, stop: int, total: int):
    """Teachers number ``start`` to ``stop - 1`` of ``total``, in the order they joined; returns them."""
    rng = people.rng
    rows, teachers = [], []
    for number in range(start, stop):
        joined = timeline.growing((number + rng.random()) / total)
        last = None if rng.random() < 0.04 else timeline.until - (timeline.until - joined) * rng.random() ** 2
        row, teacher = people.row(
            first_id + number, people.geography.regions.draw(rng), joined, last, number=number + 1
        )
        rows.append(row)
        teachers.append(teacher)
    rows_load(User, USER_COLUMNS, rows)
    return teachers
