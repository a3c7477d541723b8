"""The app's server: Streamlit (streamlit_app.py) behind the sign-in routes and the check that
sends a visitor without a session to the sign-in page. `streamlit run server.py` serves it."""

from __future__ import annotations

import threading

from starlette.middleware import Middleware
from streamlit.starlette import App

from layers.seed import ensure_ready
from layers.store import Store
from ui.auth import SignInRequired, routes

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
    routes=routes(store_of),
    middleware=[Middleware(SignInRequired, store_of=store_of)],
)
