#!/bin/sh
# `docker compose` for machines whose only Compose is Debian's docker-compose (1.29, bookworm has no v2
# plugin package): a Docker CLI plugin that hands `docker compose …` to it. scripts/setup.sh --test
# installs it as ~/.docker/cli-plugins/docker-compose only when `docker compose` is missing.
if [ "$1" = "docker-cli-plugin-metadata" ]; then
  printf '{"SchemaVersion":"0.1.0","Vendor":"Debian docker-compose via Mirror","Version":"%s","ShortDescription":"Docker Compose (Debian docker-compose 1.29)"}\n' "$(docker-compose version --short 2>/dev/null || echo unknown)"
  exit 0
fi
[ "$1" = "compose" ] && shift
exec docker-compose "$@"
