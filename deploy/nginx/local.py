"""The front of deploy/nginx/ on this machine, for `make front`, the tests and `make bench`.

render() writes the operator's configuration (genmig.conf and its header snippet) with only
paths, ports and the instances' addresses changed, plus a main nginx.conf like Debian's
/etc/nginx/nginx.conf that keeps the pid, logs, temporary files and the cache in one folder.
Nginx runs it as a process of its own (`nginx -p FOLDER -c nginx.conf -g 'daemon off;'`),
listening on loopback only.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MODULES = Path("/usr/lib/nginx/modules")
BROTLI_MODULES = ("ngx_http_brotli_filter_module.so", "ngx_http_brotli_static_module.so")
PACKAGES = ("nginx", "libnginx-mod-http-brotli-filter", "libnginx-mod-http-brotli-static")

MAIN = """\
# Written by deploy/nginx/local.py: Debian's main nginx.conf, with everything in one folder.
{user}worker_processes auto;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
{modules}
events {{
    worker_connections 4096;
}}

http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log {access_log};
    gzip on;

    client_body_temp_path {folder}/temp/client_body;
    proxy_temp_path {folder}/temp/proxy;
    fastcgi_temp_path {folder}/temp/fastcgi;
    uwsgi_temp_path {folder}/temp/uwsgi;
    scgi_temp_path {folder}/temp/scgi;

    include {folder}/genmig.conf;
}}
"""


def missing():
    """What is missing to run the front here, or an empty string."""
    if not shutil.which("nginx"):
        return "nginx is not installed"
    absent = [name for name in BROTLI_MODULES if not (MODULES / name).exists()]
    if absent:
        return f"the Brotli modules of nginx are not installed ({', '.join(absent)})"
    if not shutil.which("openssl"):
        return "openssl is not installed"
    return ""


def substitute(text, old, new):
    if old not in text:
        raise ValueError(f"deploy/nginx/genmig.conf no longer contains {old!r}")
    return text.replace(old, new)


def render(
    folder,
    *,
    https_port,
    http_port,
    upstreams,
    certificate,
    key,
    static_parent=ROOT / "var",
    media_root=ROOT / "var" / "media",
    access_log=True,
    host="127.0.0.1",
):
    """Write the configuration into `folder`; return the main file's path."""
    folder = Path(folder).resolve()
    for name in ("cache", "temp"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    site = (HERE / "genmig.conf").read_text()
    site = substitute(site, "listen 80;", f"listen {host}:{http_port};")
    site = substitute(site, "listen 443 ssl http2;", f"listen {host}:{https_port} ssl http2;")
    site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)
    site = substitute(
        site, "https://$server_name$request_uri", f"https://$server_name:{https_port}$request_uri"
    )
    site = substitute(site, "server_name genmig.example.org;", "server_name localhost;")
    if https_port != 443:
        # The site checks a form's Origin against the host it is told, port included.
        site = substitute(
            site, "proxy_set_header Host $host;", f"proxy_set_header Host $host:{https_port};"
        )
    site = substitute(site, "/etc/letsencrypt/live/genmig.example.org/fullchain.pem", certificate)
    site = substitute(site, "/etc/letsencrypt/live/genmig.example.org/privkey.pem", key)
    site = substitute(site, "alias /srv/genmig/var/media/;", f"alias {media_root}/;")
    site = substitute(site, "root /srv/genmig/var;", f"root {static_parent};")
    site = substitute(site, "/srv/genmig/deploy/nginx/html", str(HERE / "html"))
    site = substitute(site, "/var/cache/nginx/genmig", str(folder / "cache"))
    site = substitute(
        site,
        "access_log /var/log/nginx/genmig-access.log",
        f"access_log {folder / 'genmig-access.log'}",
    )
    if not access_log:
        site = re.sub(r"access_log [^;]*;", "access_log off;", site)
    site = substitute(
        site,
        "/etc/nginx/snippets/genmig-security-headers.conf",
        str(folder / "genmig-security-headers.conf"),
    )
    servers = re.findall(r"\n(\s*)server 127\.0\.0\.1:800\d( [^;]*);", site)
    if not servers:
        raise ValueError("deploy/nginx/genmig.conf no longer lists its instances")
    indent, options = servers[0]
    lines = "".join(f"\n{indent}server {address}{options};" for address in upstreams)
    site = re.sub(r"(\n\s*server 127\.0\.0\.1:800\d [^;]*;)+", lambda _m: lines, site, count=1)
    (folder / "genmig.conf").write_text(site)
    shutil.copy(HERE / "genmig-security-headers.conf", folder)

    modules = "".join(f"load_module {MODULES / name};\n" for name in BROTLI_MODULES)
    # As root, the workers would otherwise run as nobody, who cannot read the folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = MAIN.format(
        user=user,
        folder=folder,
        modules=modules,
        access_log=f"{folder}/access.log" if access_log else "off",
    )
    (folder / "nginx.conf").write_text(main)
    return folder / "nginx.conf"


def self_signed_certificate(folder, name="localhost"):
    """A certificate for `name` (and 127.0.0.1), valid for 30 days; returns (cert, key)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = folder / f"{name}.crt", folder / f"{name}.key"
    if not (certificate.exists() and key.exists()):
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "30",
                "-subj",
                f"/CN={name}",
                "-addext",
                f"subjectAltName=DNS:{name},IP:127.0.0.1",
                "-keyout",
                str(key),
                "-out",
                str(certificate),
            ],
            check=True,
            capture_output=True,
        )
    return str(certificate), str(key)


def wait_for_port(port, process, what, seconds=30, host="127.0.0.1"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped at start")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {seconds} s")


class Nginx:
    """nginx in the foreground with the configuration render() wrote in `folder`."""

    def __init__(self, config):
        self.config = Path(config)
        self.folder = self.config.parent
        self.process = None

    def check(self):
        result = subprocess.run(
            ["nginx", "-t", "-p", str(self.folder), "-c", str(self.config)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"nginx -t refused the configuration:\n{result.stderr}")

    def start(self, port):
        self.check()
        self.process = subprocess.Popen(
            ["nginx", "-p", str(self.folder), "-c", str(self.config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "stderr.log").open("ab"),
            start_new_session=True,
        )
        try:
            wait_for_port(port, self.process, "nginx")
        except RuntimeError as error:
            raise RuntimeError(f"{error}:\n{self.error_log()}") from None
        return self

    def error_log(self):
        parts = [self.folder / "stderr.log", self.folder / "error.log"]
        return "".join(p.read_text(errors="replace") for p in parts if p.exists())[-5000:]

    def stop(self):
        if self.process and self.process.poll() is None:
            # SIGQUIT: a graceful stop; nginx's own workers go with their master.
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_answers(url):
    try:
        import redis

        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return False


def main():
    """`make front`: nginx on https://localhost:8443 and http://localhost:8080 in front of two
    gunicorn instances sharing the database and a Redis; Ctrl-C stops all of it."""
    import secrets
    import sys

    def interrupted(_signal, _frame):
        raise KeyboardInterrupt

    # Ctrl-C, and a TERM from a process manager, stop everything started below.
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    sys.stdout.reconfigure(line_buffering=True)
    problem = missing()
    if problem:
        sys.exit(f"make front: {problem}: apt-get install {' '.join(PACKAGES)}")
    https_port = int(os.environ.get("FRONT_HTTPS_PORT", "8443"))
    http_port = int(os.environ.get("FRONT_HTTP_PORT", "8080"))
    folder = ROOT / "var" / "front"
    folder.mkdir(parents=True, exist_ok=True)
    processes = []

    def start(command, log, **kwargs):
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=(folder / log).open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )
        processes.append(process)
        return process

    env = dict(os.environ)
    if not env.get("DJANGO_SECRET_KEY"):
        print(
            "make front: DJANGO_SECRET_KEY is not set; using a throwaway key for this run.",
            flush=True,
        )
        env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    env.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
    env.setdefault("EMAIL_URL", "consolemail://")
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_PROXY_SSL_HEADER="X-Forwarded-Proto",
        TRUSTED_PROXY_COUNT="1",
        FORWARDED_ALLOW_IPS="127.0.0.1,::1",
    )
    env.setdefault("WEB_CONCURRENCY", "2")
    nginx = None
    try:
        redis_url = env.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
        if not _redis_answers(redis_url):
            port = _free_port()
            redis = start(
                [
                    "redis-server",
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                "redis.log",
            )
            wait_for_port(port, redis, "redis-server")
            redis_url = f"redis://127.0.0.1:{port}/0"
            print(f"make front: started Redis on {redis_url}")
        env["REDIS_URL"] = redis_url
        for command in (("collectstatic", "--noinput", "-v0"), ("migrate", "--noinput", "-v0")):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
        upstreams = []
        for name in ("a", "b"):
            port = _free_port()
            instance = start(
                [sys.executable, "-m", "gunicorn", "-c", "genmig/gunicorn.conf.py"],
                f"gunicorn-{name}.log",
                env=dict(env, GUNICORN_BIND=f"127.0.0.1:{port}"),
            )
            wait_for_port(port, instance, f"gunicorn instance {name}", seconds=60)
            upstreams.append(f"127.0.0.1:{port}")
        certificate, key = self_signed_certificate(folder / "tls")
        config = render(
            folder / "nginx",
            https_port=https_port,
            http_port=http_port,
            upstreams=upstreams,
            certificate=certificate,
            key=key,
        )
        nginx = Nginx(config).start(https_port)
        print(
            f"make front: https://localhost:{https_port}/ (self-signed certificate) and "
            f"http://localhost:{http_port}/, nginx in front of gunicorn on "
            f"{' and '.join(upstreams)}; logs in {folder}. Ctrl-C stops all of it."
        )
        while all(p.poll() is None for p in processes) and nginx.process.poll() is None:
            time.sleep(0.5)
        print("make front: a process stopped; stopping the rest (see the logs).", flush=True)
    except KeyboardInterrupt:
        print("\nmake front: stopping", flush=True)
    finally:
        if nginx:
            nginx.stop()
        for process in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
