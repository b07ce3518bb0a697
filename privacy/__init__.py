"""Participants' personal data: find what one person wrote, export it, erase it (data-protection requests).

It spans steps 1 to 3 (notes from phones and groups, survey responses), so it sits above the step
packages; pages import it, the kernel and the steps never do.
"""

REFERENCE_LENGTH = 8


def participant_reference(token: str) -> str:
    """What a phone shows its participant, to quote in a data request: the token's first 8 characters, upper-cased."""
    return str(token or "")[:REFERENCE_LENGTH].upper()
