#!/usr/bin/env bash
# Creates the development accounts, only if missing:
#   coordinator  (role coordinator)
#   teamlead     (role team-lead of the first team, i.e. the lowest team id)
# Password: env RESOURCEMAP_DEV_PASSWORD, else one generated once into .local/dev-password (git-ignored)
# and printed. Never use these accounts on a shared or public server.
# Usage: scripts/dev-accounts.sh <path-to-MapApi.dll>   (run.sh calls it after seeding)
source "$(dirname "$0")/lib.sh"
API="${1:?usage: scripts/dev-accounts.sh <path-to-MapApi.dll>}"
[ -f "$API" ] || die "no such file: $API"

if [ -n "${RESOURCEMAP_DEV_PASSWORD:-}" ]; then
  password="$RESOURCEMAP_DEV_PASSWORD"; origin="from RESOURCEMAP_DEV_PASSWORD"
else
  file="$REPO_ROOT/.local/dev-password"
  if [ ! -s "$file" ]; then
    mkdir -p "$REPO_ROOT/.local"
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=\n' > "$file")
  fi
  password="$(cat "$file")"; origin="stored in .local/dev-password"
fi

RESOURCEMAP_USER_PASSWORD="$password" dotnet "$API" users add coordinator coordinator \
  --display-name "Cán bộ điều phối (dev)" --if-missing
RESOURCEMAP_USER_PASSWORD="$password" dotnet "$API" users add teamlead team-lead --team first \
  --display-name "Đội trưởng (dev)" --if-missing \
  || log "teamlead not created (no team in the database yet?)"
log "development accounts: coordinator / teamlead, password: $password ($origin)"
