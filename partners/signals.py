"""Keep organisations' stored search vectors current when they change."""

from college_portal.search import keep_search_vector_current

from .models import Organisation
from .search import VECTOR_FIELDS

keep_search_vector_current(Organisation, VECTOR_FIELDS)
