"""No API answer runs more queries as the data grows: each operation at two data sizes stays
under the same bound (a query per item would break it at the larger size)."""

import pytest

from tests.api.conftest import build_catalogue

pytestmark = pytest.mark.django_db

# Operation: the most queries it may run, at any size (count, page, and a fixed number of
# prefetches; the HTML filter sets' choices; the rate-limit cache is not a database query).
BOUNDS = {
    "/api/v1/programmes": 9,
    "/api/v1/courses": 5,
    "/api/v1/offers": 7,
    "/api/v1/partners": 4,
    "/api/v1/competence-areas": 2,
    "/api/v1/demand-supply": 6,
}


def details(made):
    return {
        f"/api/v1/programmes/{made['programmes'][0].slug}": 9,
        f"/api/v1/offers/{made['visits'][0].pk}": 4,
        f"/api/v1/partners/{made['companies'][0].slug}": 2,
    }


@pytest.mark.parametrize("size", [1, 8])
def test_queries_do_not_grow_with_the_data(client, django_assert_max_num_queries, size):
    made = build_catalogue(size)
    for address, bound in {**BOUNDS, **details(made)}.items():
        with django_assert_max_num_queries(bound):
            response = client.get(address, {"page_size": 100})
        assert response.status_code == 200, address
