from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "college_portal.api"
    label = "open_data_api"
    verbose_name = "Open data API"
