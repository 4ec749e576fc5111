# syntax=docker/dockerfile:1
# The `commons` binary in a small image, run as a user without privileges.
#   docker build -t commons .
#   docker run -p 8080:8080 commons serve --demo     (the embedded default, for a look)
# compose.yaml runs it the production way: PostgreSQL, an S3-compatible store, two replicas.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
# The registry and the target folder are caches of the builder, not layers of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p commons-api --bin commons \
 && cp target/release/commons /commons \
 && strip /commons

FROM debian:bookworm-slim
# CA certificates for the object store and a JWKS over HTTPS; nothing else is needed at run time
# (the PDF reader is the binary itself, run as `commons extract-pdf`).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/commons --create-home commons
COPY --from=build /commons /usr/local/bin/commons
USER 10001:10001
WORKDIR /var/lib/commons
ENV COMMONS_DATA_DIR=/var/lib/commons \
    COMMONS_LISTEN=0.0.0.0:8080 \
    COMMONS_LOG_FORMAT=json
VOLUME ["/var/lib/commons"]
EXPOSE 8080 9090
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/commons"]
CMD ["serve"]
