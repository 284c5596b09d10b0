#!/bin/sh
# /usr/local/bin/compliance — the command line as the service account "compliance",
# with the production settings of /etc/compliance/compliance.env (or of the file
# COMPLIANCE_SETTINGS names: a trial restore uses its own). Run it as root; give it
# absolute paths (the service account may not read the folder you are in). The settings
# file is read by systemd (EnvironmentFile=) and by this shell: keep values unquoted,
# without spaces, $ or backquotes.
set -eu
set -a
. "${COMPLIANCE_SETTINGS:-/etc/compliance/compliance.env}"
set +a
exec runuser -u compliance -- /opt/compliance/venv/bin/compliance "$@"
