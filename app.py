"""Spirale's one server: the facilitators' Streamlit app (router.py) and the participants' light routes (/p).

`streamlit run app.py` finds the ASGI app below and serves both from one process: phones get small HTML
pages from participants/, everyone else the Streamlit pages. See docs/deployment.md for several processes.
"""

from contextlib import asynccontextmanager
from typing import Any

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from participants import routes

# Every page is reached through router.py's st.navigation, which checks the account's rights and draws the menu.
# Streamlit decides once per process, at its first session, whether the main script's folder has a pages/ folder
# (its first way of making multipage apps); until a run has called st.navigation it would run pages/NAME.py for
# the address /NAME by itself, without the router. Decided here, before any session: never.
PagesManager.uses_pages_directory = False


@asynccontextmanager
async def lifespan(_app: Any):  # noqa: ANN201 - an async context manager
    routes.on_start()
    yield


app = st.App("router.py", routes=routes.ROUTES, middleware=[Middleware(routes.ParticipantGuard)], lifespan=lifespan)
