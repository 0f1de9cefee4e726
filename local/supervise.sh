#!/usr/bin/env bash
# supervise.sh <part> <command...>: runs one part of the local stack and starts it again
# when it exits, as the functions host does for each function, so a REST server or a
# Storage API that crashes is back within seconds instead of leaving the gateway
# answering 502 until someone restarts the stack.
#
# - An exit within the first 5 s is a failed start-up: the supervisor exits with it, so
#   `stack.sh start` reports the part's error at once rather than restarting it forever.
# - Later exits restart the part after 1 s, doubling up to 30 s while it keeps dying
#   within 30 s of a start; each restart is a line in the part's log.
# - TERM or INT (stack.sh stop signals the whole process group) stops the part and the
#   supervisor together; HUP is passed on to the part (`stack.sh reload functions`).
set -u
part="$1"; shift
first=$(date +%s)
delay=1
child=
trap 'if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi; exit 0' TERM INT
trap 'if [ -n "$child" ]; then kill -HUP "$child" 2>/dev/null; fi' HUP
while :; do
  started=$(date +%s)
  "$@" &
  child=$!
  # A trapped signal (HUP) ends `wait` early while the part runs on: wait again.
  while :; do
    wait "$child"
    rc=$?
    kill -0 "$child" 2>/dev/null || break
  done
  child=
  now=$(date +%s)
  if [ $(( now - first )) -lt 5 ]; then exit "$rc"; fi
  if [ $(( now - started )) -ge 30 ]; then delay=1; fi
  printf '=== %s exited (status %s) %s; restarting in %ss\n' "$part" "$rc" "$(date -Is)" "$delay"
  sleep "$delay" & wait $!
  delay=$(( delay * 2 > 30 ? 30 : delay * 2 ))
done
