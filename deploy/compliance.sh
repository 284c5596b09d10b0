#!/bin/sh
# /usr/local/bin/compliance — the command line as the service account "compliance",
# with the production settings of /etc/compliance/compliance.env. Run it as root; give
# it absolute paths (the service account may not read the folder you are in).
set -eu
set -a
. /etc/compliance/compliance.env
set +a
exec runuser -u compliance -- /opt/compliance/venv/bin/compliance "$@"
