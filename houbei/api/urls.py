from houbei.api.core import api
from houbei.api.endpoints import router

api.add_router("", router)
urlpatterns = [*api.urls[0]]
app_name = "api"
