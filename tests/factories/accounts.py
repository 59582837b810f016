import factory
from django.utils import timezone

from accounts.models import Country, Region, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"teacher{n}@example.org")
    full_name = factory.Faker("name")
    preferred_language = "en"
    is_active = True
    date_joined = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class UsernameUserFactory(UserFactory):
    email = None
    username = factory.Sequence(lambda n: f"learner{n}")


def country(code: str) -> Country:
    return Country.objects.get(code=code)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    country = factory.LazyFunction(lambda: Country.objects.get(code="EG"))
    name = factory.Sequence(lambda n: f"Region {n}")
