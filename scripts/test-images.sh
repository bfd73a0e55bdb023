#!/usr/bin/env bash
# Build the local test images berth's tests use. No registry, no network:
# every image is `FROM scratch` + Debian's static busybox (busybox-static).
#
#   scripts/test-images.sh            build (cached: a rebuild keeps the ids) + verify
#   BERTH_TEST_IMAGES_VERIFY=0 ...    build only
#
# Images (all: label berth-test=1, EXPOSE 8080, busybox applets in /bin, /tmp):
#   berth-test/app:v1|v2|v3  busybox httpd on :8080, docroot /www
#                            GET /                 -> 200 "v1\n" (v2, v3)
#                            GET /healthz          -> 200 "ok\n"
#                            GET /cgi-bin/version  -> 200 "$VERSION\n", or "v1\n" when VERSION is unset
#   berth-test/app:env       like v1, but GET / -> 200 "$VERSION\n" ("unset\n" when VERSION is unset)
#   berth-test/app:bad       GET / -> 200 "bad\n"; GET /healthz -> 500 (never ready)
#   berth-test/app:crash     entrypoint exits 1 at once (after one line on stderr)
#   berth-test/nginx         Debian's nginx binary (nginx-light) and its libraries + the busybox
#                            applets; /etc/nginx/nginx.conf serves 200 "nginx\n" on :8080. A router a
#                            test runs as a container on an overlay network (tests/it/swarm.rs).
#   berth-test/app:sh        entrypoint `/bin/sh -c`, default command `exec httpd -f -p 8080 -h /www`
#                            (GET / -> 200 "sh\n", /healthz -> 200 "ok\n"): a workload's `command`
#                            scripts a misbehaving app (crash loops, late listeners, health checks)
#
# PID 1 is busybox itself (no init): without `docker run --init` (berth's
# `init: true`) it ignores SIGTERM, so `docker stop` waits the full grace period.
# Prints "IMAGE ID" per image on stdout; progress on stderr. Idempotent.
set -euo pipefail

REPO=berth-test/app
TAGS=(v1 v2 v3 env bad crash sh)
VERIFY=${BERTH_TEST_IMAGES_VERIFY:-1}

log() { printf 'test-images: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---- packages ---------------------------------------------------------------
pkg_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
missing=()
pkg_installed busybox-static || missing+=(busybox-static)
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q "${missing[@]}"
fi
BUSYBOX=$(dpkg -L busybox-static | grep -E '/bin/busybox$' | head -n 1)
[ -x "$BUSYBOX" ] || die "busybox-static installed but no busybox binary found"
if command -v file >/dev/null 2>&1 && ! file -L "$BUSYBOX" | grep -q 'statically linked'; then
    die "$BUSYBOX is not statically linked"
fi

docker version >/dev/null 2>&1 || die "no Docker daemon answers (run scripts/ensure-docker.sh first)"
# The classic builder needs no buildx plugin and works with every client/daemon pair.
export DOCKER_BUILDKIT=0

WORK=$(mktemp -d /tmp/berth-test-images.XXXXXX)
VERIFY_CONTAINERS=()
cleanup() {
    if [ "${#VERIFY_CONTAINERS[@]}" -gt 0 ]; then
        docker rm -f "${VERIFY_CONTAINERS[@]}" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# ---- build contexts ---------------------------------------------------------
# common_rootfs DIR: busybox + one symlink per applet in /bin, /tmp, /etc/passwd|group.
common_rootfs() {
    local root=$1 applet
    mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/www/cgi-bin"
    chmod 1777 "$root/tmp"
    cp "$BUSYBOX" "$root/bin/busybox"
    chmod 0755 "$root/bin/busybox"
    for applet in $("$BUSYBOX" --list); do
        [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
    done
    printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    printf 'ok\n' >"$root/www/healthz"
}

# cgi FILE BODY-EXPR: a CGI script answering 200 text/plain with BODY-EXPR (shell-expanded at request time)
cgi() {
    cat >"$1" <<EOF
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
printf '%s\n' "$2"
EOF
    chmod 0755 "$1"
}

HTTPD_ENTRYPOINT='["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]'

make_context() { # make_context TAG DIR
    local tag=$1 dir=$2 root=$2/rootfs entrypoint=$HTTPD_ENTRYPOINT cmd=
    cp -a "$WORK/common" "$root"
    case "$tag" in
        v1 | v2 | v3)
            printf '%s\n' "$tag" >"$root/www/index.html"
            cgi "$root/www/cgi-bin/version" "\${VERSION:-$tag}"
            ;;
        env)
            # No index.html: busybox httpd serves GET / with /cgi-bin/index.cgi.
            # shellcheck disable=SC2016 # expanded by the CGI script, at request time
            cgi "$root/www/cgi-bin/index.cgi" '${VERSION:-unset}'
            # shellcheck disable=SC2016
            cgi "$root/www/cgi-bin/version" '${VERSION:-unset}'
            ;;
        bad)
            # busybox httpd only runs CGI under /cgi-bin/, so /healthz cannot
            # answer 500 there: a tiny nc-based server does (one fork per connection).
            rm -f "$root/www/healthz"
            printf 'bad\n' >"$root/www/index.html"
            cat >"$root/bin/bad-httpd-handler" <<'EOF'
#!/bin/sh
# One HTTP request on stdin/stdout (run by `nc -ll -e`).
read -r method path proto || exit 0
cr=$(printf '\r')
while read -r line; do
    line=${line%"$cr"}
    [ -z "$line" ] && break
done
case "$path" in
    /healthz | /healthz\?*) code="500 Internal Server Error"; body="unhealthy" ;;
    / | /index.html | /\?* | /index.html\?*) code="200 OK"; body="bad" ;;
    *) code="404 Not Found"; body="not found" ;;
esac
printf 'HTTP/1.0 %s\r\nContent-Type: text/plain\r\nContent-Length: %s\r\nConnection: close\r\n\r\n' \
    "$code" "$((${#body} + 1))"
[ "$method" = HEAD ] || printf '%s\n' "$body"
EOF
            chmod 0755 "$root/bin/bad-httpd-handler"
            entrypoint='["/bin/busybox", "nc", "-ll", "-p", "8080", "-e", "/bin/bad-httpd-handler"]'
            ;;
        crash)
            entrypoint='["/bin/sh", "-c", "echo '"'"'berth-test/app:crash: exiting with status 1'"'"' >&2; exit 1"]'
            ;;
        sh)
            printf 'sh\n' >"$root/www/index.html"
            entrypoint='["/bin/sh", "-c"]'
            cmd='CMD ["exec httpd -f -p 8080 -h /www"]'
            ;;
        *) die "unknown tag $tag" ;;
    esac
    cat >"$dir/Dockerfile" <<EOF
FROM scratch
COPY rootfs/ /
LABEL berth-test="1"
EXPOSE 8080
WORKDIR /
ENTRYPOINT $entrypoint
$cmd
EOF
    # Fixed mtimes: identical contexts give identical cache keys and image ids.
    find "$dir" -exec touch -h -d @0 {} +
}

common_rootfs "$WORK/common"
declare -A IDS
for tag in "${TAGS[@]}"; do
    dir=$WORK/$tag
    mkdir -p "$dir"
    make_context "$tag" "$dir"
    log "building $REPO:$tag"
    if ! out=$(docker build -q --label berth-test=1 -t "$REPO:$tag" "$dir" 2>&1); then
        printf '%s\n' "$out" >&2
        die "docker build of $REPO:$tag failed"
    fi
    IDS[$tag]=$(docker image inspect -f '{{.Id}}' "$REPO:$tag")
done

# berth-test/nginx: the host's nginx with exactly the libraries it links.
NGINX_REPO=berth-test/nginx
nginx_context() { # nginx_context DIR
    local dir=$1 root=$1/rootfs lib
    cp -a "$WORK/common" "$root"
    mkdir -p "$root/usr/sbin" "$root/etc/nginx" "$root/run" "$root/var/log/nginx"
    mkdir -p "$root"/var/lib/nginx/{body,fastcgi,proxy,scgi,uwsgi}
    cp /usr/sbin/nginx "$root/usr/sbin/nginx"
    for lib in $(ldd /usr/sbin/nginx | grep -o '/[^ ]*'); do
        cp --parents -L "$lib" "$root"
    done
    printf 'www-data:x:33:33:www-data:/var/www:/bin/false\n' >>"$root/etc/passwd"
    printf 'www-data:x:33:\n' >>"$root/etc/group"
    cat >"$root/etc/nginx/nginx.conf" <<'EOF'
daemon off;
error_log stderr;
events {}
http {
    access_log off;
    server { listen 8080; location / { return 200 "nginx\n"; } }
}
EOF
    cat >"$dir/Dockerfile" <<'EOF'
FROM scratch
COPY rootfs/ /
LABEL berth-test="1"
EXPOSE 8080
ENTRYPOINT ["/usr/sbin/nginx"]
EOF
    find "$dir" -exec touch -h -d @0 {} +
}
mkdir -p "$WORK/nginx"
nginx_context "$WORK/nginx"
log "building $NGINX_REPO"
if ! out=$(docker build -q --label berth-test=1 -t "$NGINX_REPO" "$WORK/nginx" 2>&1); then
    printf '%s\n' "$out" >&2
    die "docker build of $NGINX_REPO failed"
fi
NGINX_ID=$(docker image inspect -f '{{.Id}}' "$NGINX_REPO")

# ---- verification -----------------------------------------------------------
# start_container IMAGE [docker run args...]: runs it detached, sets $c (name) and $ip.
# Not in a $(...) subshell, so the EXIT trap knows every container to remove.
start_container() {
    local image=$1
    shift
    c=berth-test-verify-$$-${#VERIFY_CONTAINERS[@]}
    VERIFY_CONTAINERS+=("$c")
    docker run -d --name "$c" --label berth-test=1 "$@" "$image" >/dev/null
    ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$c")
}

# expect_http URL CODE BODY: poll up to 15 s until URL answers CODE with BODY + newline
expect_http() {
    local url=$1 code=$2 body=$3 got_code got_body
    for _ in $(seq 1 30); do
        got_body=$(curl -s --max-time 2 -o - -w '\n%{http_code}' "$url" 2>/dev/null || true)
        got_code=${got_body##*$'\n'}
        got_body=${got_body%$'\n'*}
        got_body=${got_body%$'\n'} # the body's own trailing newline
        if [ "$got_code" = "$code" ] && [ "$got_body" = "$body" ]; then return 0; fi
        sleep 0.5
    done
    die "$url: want $code '$body', got ${got_code:-none} '${got_body:-}'"
}

expect_code() { # expect_code URL CODE (body not checked)
    local url=$1 code=$2 got
    for _ in $(seq 1 30); do
        got=$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "$url" 2>/dev/null || true)
        [ "$got" = "$code" ] && return 0
        sleep 0.5
    done
    die "$url: want HTTP $code, got ${got:-none}"
}

verify() {
    local tag c ip rc
    for tag in v1 v2 v3; do
        start_container "$REPO:$tag"
        expect_http "http://$ip:8080/" 200 "$tag"
        expect_http "http://$ip:8080/index.html" 200 "$tag"
        expect_http "http://$ip:8080/healthz" 200 ok
        expect_http "http://$ip:8080/cgi-bin/version" 200 "$tag"
        expect_code "http://$ip:8080/nope" 404
        docker rm -f "$c" >/dev/null
    done
    # VERSION from the environment, and docker's --init (berth's default) works on scratch.
    start_container "$REPO:v2" --init -e VERSION=from-env
    expect_http "http://$ip:8080/cgi-bin/version" 200 from-env
    docker rm -f "$c" >/dev/null

    start_container "$REPO:env" -e VERSION=hello-env
    expect_http "http://$ip:8080/" 200 hello-env
    expect_http "http://$ip:8080/healthz" 200 ok
    docker rm -f "$c" >/dev/null
    start_container "$REPO:env"
    expect_http "http://$ip:8080/" 200 unset
    docker rm -f "$c" >/dev/null

    start_container "$REPO:bad"
    expect_http "http://$ip:8080/healthz" 500 unhealthy
    expect_http "http://$ip:8080/" 200 bad
    docker rm -f "$c" >/dev/null

    start_container "$REPO:sh"
    expect_http "http://$ip:8080/" 200 sh
    docker rm -f "$c" >/dev/null
    c=berth-test-verify-$$-${#VERIFY_CONTAINERS[@]}
    VERIFY_CONTAINERS+=("$c")
    docker run -d --name "$c" --label berth-test=1 "$REPO:sh" \
        "echo scripted >/www/index.html; exec httpd -f -p 8080 -h /www" >/dev/null
    ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$c")
    expect_http "http://$ip:8080/" 200 scripted
    docker rm -f "$c" >/dev/null

    start_container "$REPO:crash"
    rc=$(docker wait "$c")
    [ "$rc" = 1 ] || die "$REPO:crash exited with $rc, want 1"
    docker rm -f "$c" >/dev/null
    start_container "$NGINX_REPO"
    expect_http "http://$ip:8080/" 200 nginx
    docker rm -f "$c" >/dev/null
    log "verified: ${TAGS[*]} and $NGINX_REPO"
}

if [ "$VERIFY" != 0 ]; then verify; fi

for tag in "${TAGS[@]}"; do
    printf '%s:%s %s\n' "$REPO" "$tag" "${IDS[$tag]}"
done
printf '%s %s\n' "$NGINX_REPO" "$NGINX_ID"
