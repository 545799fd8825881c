# sitegen in a container: a static (musl) binary on Alpine, so CI systems that run job scripts
# inside an image (GitLab CI, Jenkins, Drone, Woodpecker) build a site without a Rust toolchain.
# The image has a shell and CA certificates (for `sitegen push`), no ENTRYPOINT, and works in
# /site.
#
# Build (linux/amd64 or linux/arm64; the release workflow builds both with buildx):
#   docker build -t sitegen --build-arg VERSION=0.2.0 --build-arg SITEGEN_COMMIT="$(git rev-parse --short=10 HEAD)" .
# Build a site (the current folder) into ./public:
#   docker run --rm -v "$PWD:/site" ghcr.io/sitegen-zh/sitegen:0.2.0 sitegen build
# (add `--user "$(id -u):$(id -g)"` to own the output as yourself rather than root.)
#
# GitLab Pages (.gitlab-ci.yml); GitLab publishes the job's public/ folder, and the cache
# keeps resized pictures between runs:
#   pages:
#     image: ghcr.io/sitegen-zh/sitegen:0.2.0
#     rules:
#       - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
#     cache:
#       key: sitegen
#       paths: [.sitegen-cache/]
#     script:
#       - sitegen check
#       - sitegen build --minify --base-url "$CI_PAGES_URL/"
#     artifacts:
#       paths: [public]
#
# tests/container.rs builds this image where a Docker engine runs, and elsewhere runs the
# build stage's script itself; it also reads this file to check that the build stage runs
# scripts/build-static.sh and that the final stage copies the binary the script wrote.

# Rust 1.93 >= Cargo.toml's rust-version (1.89). Debian, because musl-tools (musl-gcc, for
# the C in libwebp and the tree-sitter grammars) is a Debian package.
FROM rust:1.93-bookworm AS build
# Unpinned: bookworm's musl-tools only ever gets security fixes, and a pinned version vanishes
# from the mirrors when one lands.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends musl-tools \
    && rm -rf /var/lib/apt/lists/*
# The target of the machine (or emulated machine) this stage runs on: x86_64 or aarch64.
RUN rustup target add "$(uname -m)-unknown-linux-musl"
WORKDIR /src
COPY . .
# .git is not in the build context: build.rs takes the commit `sitegen --version` prints from
# this (RUN sees build args as environment variables).
ARG SITEGEN_COMMIT=""
RUN scripts/build-static.sh /sitegen

FROM alpine:3.22
ARG VERSION=dev
LABEL org.opencontainers.image.title="sitegen" \
      org.opencontainers.image.description="A fast static site generator for Chinese-language tech-news portals" \
      org.opencontainers.image.source="https://github.com/sitegen-zh/sitegen" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="$VERSION"
# Alpine's own package, current with the base tag: HTTPS for `sitegen push`, and
# update-ca-certificates for a company's own CA on self-hosted CI.
# hadolint ignore=DL3018
RUN apk add --no-cache ca-certificates
COPY --from=build /sitegen /usr/local/bin/sitegen
WORKDIR /site
CMD ["sitegen", "build"]
