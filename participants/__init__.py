"""The participants' light web routes: join a group and write notes, answer a survey, from a phone.

Server-rendered HTML from the translation catalog, a small script of ours for what is nicer with
JavaScript (sending without reloading, "already said?" while typing), and every form working without
it. They keep no state in memory: the participant is a random token in an HttpOnly cookie, so several
processes behind a reverse proxy can serve them. They call the same services as the facilitators' pages.
"""
