"""Styled error pages with a way back (issue 14)."""

from django.template.loader import get_template
from django.test import Client


def test_403_says_what_happened_and_links_back(viewer_client: Client) -> None:
    response = viewer_client.get("/cases/new/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "You may not do this" in page and 'href="/cases/"' in page and "Nothing was changed" in page


def test_404_links_back(viewer_client: Client) -> None:
    response = viewer_client.get("/cases/999999/")
    assert response.status_code == 404
    assert (
        "This page does not exist" in response.content.decode()
        and 'href="/cases/"' in response.content.decode()
    )


def test_500_renders_without_a_request() -> None:
    page = get_template("500.html").render({})
    assert "Something went wrong" in page and 'href="/"' in page
