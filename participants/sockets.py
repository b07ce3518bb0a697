"""Small responses sent at once: TCP_NODELAY on the server's listening sockets (Linux: accepted ones inherit it).

Streamlit 1.67 binds its own listening socket (`socket.socket(family=...)`, protocol number 0) and gives it to
uvicorn; asyncio turns Nagle's algorithm off only on sockets whose protocol is IPPROTO_TCP, so every connection
keeps it. uvicorn writes a response's head and body separately, and on a kept-alive connection the body then
waits for the phone's delayed acknowledgement: 40 ms added to every request but a connection's first (measured
with bench/phones_http.py: /_stcore/health 44 ms instead of 0.4 ms, a group's page 55 ms instead of 3 ms).
"""

import os
import socket
from pathlib import Path


def no_delay_on_listening_sockets() -> int:
    """Turn Nagle's algorithm off on this process's listening TCP sockets; how many were changed."""
    changed = 0
    try:
        descriptors = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # not Linux: nothing to find this way
        return 0
    for descriptor in descriptors:
        try:
            if not Path(f"/proc/self/fd/{descriptor}").readlink().name.startswith("socket:"):
                continue
            sock = socket.socket(fileno=descriptor)  # the same socket, not a copy: detached below, never closed
        except OSError:
            continue
        try:
            if (
                sock.family in (socket.AF_INET, socket.AF_INET6)
                and sock.type == socket.SOCK_STREAM
                and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            ):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                changed += 1
        except OSError:
            pass
        finally:
            sock.detach()
    return changed
