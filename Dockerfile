# syntax=docker/dockerfile:1
#
# Switchboard: one static binary with the console embedded.
#
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) -t switchboard .
#   docker run -p 8080:8080 -v switchboard-data:/data switchboard      # embedded default
#
# docker-compose.yml runs the production shape (PostgreSQL + Redis, separate workers).

# ---- console: Vite + React build into frontend/dist
FROM node:20-bookworm-slim AS console
# The lock file is written by npm 11 (as on the developers' machines); use the same major.
RUN npm install -g npm@11 --no-audit --no-fund
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY frontend/ ./
# The schema, for a build step that (re)generates GraphQL types from it.
COPY graph/schema/ /src/graph/schema/
RUN npm run build

# ---- binary: static Go build with the console's dist/ embedded
FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# .dockerignore keeps any local frontend/dist out of the context: embed the fresh build.
COPY --from=console /src/frontend/dist/ ./frontend/dist/
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath \
      -ldflags "-s -w -X github.com/switchboard-hub/switchboard/server.Version=${VERSION}" \
      -o /out/switchboard . \
 && mkdir -p /out/data

# ---- runtime: distroless static (CA certificates and tzdata, no shell), non-root
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/switchboard /switchboard
# The embedded default (no database/Redis URL) keeps its SQLite file and generated key here.
COPY --from=build --chown=65532:65532 /out/data /data
ENV SWITCHBOARD_ADDR=:8080 \
    SWITCHBOARD_DATA_DIR=/data
VOLUME ["/data"]
USER 65532:65532
EXPOSE 8080
# No curl in distroless: the binary GETs its own /healthz (at SWITCHBOARD_ADDR).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/switchboard", "admin", "healthcheck"]
ENTRYPOINT ["/switchboard"]
CMD ["serve"]
