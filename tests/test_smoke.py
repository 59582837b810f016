import pytest


@pytest.mark.django_db
def test_home_pages_exist_in_every_language(client):
    for code in ("en", "ru", "ar"):
        response = client.get(f"/{code}/")
        assert response.status_code == 200
        assert f'lang="{code}"'.encode() in response.content
