"""Spirale's one server: the facilitators' Streamlit app (router.py) and the participants' light routes (/p).

`streamlit run app.py` finds the ASGI app below and serves both from one process: phones get small HTML
pages from participants/, everyone else the Streamlit pages. See docs/deployment.md for several processes.
"""

from contextlib import asynccontextmanager
from typing import Any

import streamlit as st
from starlette.middleware import Middleware

from participants import routes


@asynccontextmanager
async def lifespan(_app: Any):  # noqa: ANN201 - an async context manager
    routes.on_start()
    yield


app = st.App("router.py", routes=routes.ROUTES, middleware=[Middleware(routes.ParticipantGuard)], lifespan=lifespan)
