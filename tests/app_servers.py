"""Spirale's server as deployed, for the deployment test and the phones bench: app processes, nginx in front.

`streamlit run app.py` processes on loopback ports, each with its own log, and Debian's nginx with the
site from deploy/nginx.conf (its placeholders filled in) inside a minimal main configuration of our own, so
that nothing of the machine's /etc/nginx is used or touched. Everything listens on 127.0.0.1 only.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE_TEMPLATE = ROOT / "deploy" / "nginx.conf"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/bin/nginx")


def nginx_binary() -> str | None:
    found = next((c for c in NGINX_CANDIDATES if Path(c).exists()), None)
    return found or shutil.which("nginx")


def start_app(
    database_url: str, port: int, log: Path, *, env: Mapping[str, str] | None = None, extra: Sequence[str] = ()
) -> subprocess.Popen:
    """One app process (`streamlit run app.py`, the README's command) on 127.0.0.1:port, logging to `log`."""
    environment = {**os.environ, "SPIRALE_DATABASE_URL": database_url, **(env or {})}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
               *extra]  # fmt: skip
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_until_ready(url: str, process: subprocess.Popen | None = None, timeout: float = 90.0) -> None:
    """Poll `url` until it answers (any HTTP status below 500); raise if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def stop(process: subprocess.Popen, timeout: float = 20.0) -> None:
    """Stop a process we started (its own process group: streamlit and nothing else), then kill if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass


def site_config(
    app_ports: Sequence[int], http_port: int, https_port: int, certificate: Path, key: Path, logs: Path
) -> str:
    """deploy/nginx.conf with its placeholders filled in, as an administrator would with sed."""
    servers = "\n    ".join(f"server 127.0.0.1:{port};" for port in app_ports)
    values = {
        "@APP_SERVERS@": servers,
        "@HTTP_LISTEN@": f"127.0.0.1:{http_port}",
        "@HTTPS_LISTEN@": f"127.0.0.1:{https_port}",
        "@CERTIFICATE@": str(certificate),
        "@CERTIFICATE_KEY@": str(key),
        "@SERVER_NAME@": "127.0.0.1",
        "@LOG_DIR@": str(logs),
    }
    text = SITE_TEMPLATE.read_text(encoding="utf-8")
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    if "@" in "".join(line.split("#")[0] for line in text.splitlines()):
        raise ValueError("deploy/nginx.conf has a placeholder this helper does not know")
    return text


def main_config(site: Path, workdir: Path, worker_processes: int = 1) -> str:
    """What Debian's /etc/nginx/nginx.conf gives a site, in a private folder (pid, temp files, error log)."""
    temp = workdir / "temp"
    temp.mkdir(exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""  # workers as root here: our temp folder is root's
    return f"""{user}
worker_processes {worker_processes};
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    default_type application/octet-stream;
    include {site};
}}
"""


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 (openssl), so that the HTTPS side of the site is tried too."""
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return certificate, key


@dataclass
class Proxy:
    http: str  # http://127.0.0.1:PORT
    https: str
    access_log: Path
    process: subprocess.Popen


@contextmanager
def nginx(app_ports: Sequence[int], workdir: Path, http_port: int, https_port: int) -> Iterator[Proxy]:
    """Debian's nginx in front of the app processes, with our site; stopped at the end."""
    binary = nginx_binary()
    if binary is None:
        raise LookupError("nginx not found: apt-get install nginx")
    workdir.mkdir(parents=True, exist_ok=True)
    certificate, key = self_signed_certificate(workdir)
    site = workdir / "spirale.conf"
    site.write_text(site_config(app_ports, http_port, https_port, certificate, key, workdir), encoding="utf-8")
    main = workdir / "nginx.conf"
    main.write_text(main_config(site, workdir), encoding="utf-8")
    options = ["-c", str(main), "-p", str(workdir), "-e", str(workdir / "error.log")]
    check = subprocess.run([binary, "-t", *options], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx refused the configuration:\n{check.stderr}")
    process = subprocess.Popen(
        [binary, *options, "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=(workdir / "stderr.log").open("ab"), start_new_session=True,
    )  # fmt: skip
    try:
        proxy = Proxy(f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}",
                      workdir / "spirale-access.log", process)  # fmt: skip
        wait_until_ready(f"{proxy.http}/p", process, timeout=30)
        yield proxy
    finally:
        stop(process)
