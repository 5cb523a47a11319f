"""A domain error that a page leaves uncaught becomes a Chinese page with its status (never a
500); a NotFound page names nothing; the API keeps its own JSON shape."""

import pytest
from django.urls import path

from linli import urls as linli_urls
from linli.core.errors import Conflict, Forbidden, Invalid, NotFound


def _raiser(exc):
    def view(request):
        raise exc

    return view


urlpatterns = [
    path("p/invalid/", _raiser(Invalid("金额须为正数", code="x.bad", details=[{"field": "金额"}]))),
    path("p/forbidden/", _raiser(Forbidden())),
    path("p/missing/", _raiser(NotFound(details=[{"field": "户 12"}]))),
    path("p/conflict/", _raiser(Conflict("已审批，不能再改", code="x.decided"))),
    path("api/x/", _raiser(Invalid("接口自己处理"))),
    *linli_urls.urlpatterns,
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "status", "texts"),
    [
        ("/p/invalid/", 400, ["输入有误", "金额须为正数", "金额"]),
        ("/p/forbidden/", 403, ["无权进行此操作"]),
        ("/p/missing/", 404, ["未找到（404）", "无权查看"]),
        ("/p/conflict/", 409, ["当前状态不能进行此操作", "已审批，不能再改"]),
    ],
)
def test_a_page_answers_a_domain_error_with_its_page(client, db, url, status, texts):
    response = client.get(url)
    assert response.status_code == status
    body = response.content.decode()
    for text in texts:
        assert text in body
    assert response["Content-Type"].startswith("text/html")
    if status == 404:
        assert "户 12" not in body  # a 404 never names what it did not find
        assert body == client.get("/no/such/page/").content.decode()  # the one 404 page


@pytest.mark.urls(__name__)
def test_the_api_prefix_is_left_to_the_api(client, db):
    with pytest.raises(Invalid):
        client.get("/api/x/")
