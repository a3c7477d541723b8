"""The app's server: Streamlit (streamlit_app.py) behind the sign-in routes and the check that
sends a visitor without a session to the sign-in page, beside the public intake page
(/gui-thong-tin, ui/intake.py) and the public progress page (/tien-do, ui/progress_page.py),
which need no sign-in, and the attached files (/tep/…,
ui/files.py), each served only to a signed-in person who may see it. `streamlit run server.py`
serves it."""

from __future__ import annotations

import threading

from starlette.middleware import Middleware
from streamlit.starlette import App

from layers.seed import ensure_ready
from layers.store import Store
from ui.auth import SignInRequired
from ui.auth import routes as sign_in_routes
from ui.files import routes as file_routes
from ui.intake import routes as intake_routes
from ui.progress_page import routes as progress_routes
from ui.public_files import routes as public_file_routes

_opened: list[Store] = []
_lock = threading.Lock()


def store_of() -> Store:
    """The process's store, opened (and on first start seeded) once."""
    with _lock:
        if not _opened:
            store = Store.open()
            ensure_ready(store)
            _opened.append(store)
        return _opened[0]


app = App(
    "streamlit_app.py",
    routes=[
        *sign_in_routes(store_of),
        *intake_routes(store_of),
        *public_file_routes(store_of),  # /tien-do/tep/… before the progress page's /tien-do/{code}
        *progress_routes(store_of),
        *file_routes(store_of),
    ],
    middleware=[Middleware(SignInRequired, store_of=store_of)],
)
