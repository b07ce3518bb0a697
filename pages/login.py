"""Login: what a logged-out visitor sees at any address (the first administrator's form while no account exists)."""

from ui import access

access.login_screen()
