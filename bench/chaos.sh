#!/usr/bin/env bash
# The short chaos run for CI (.ci/run): jobs through kill -9 of a worker, kill -9 of the Web node and a database
# restart; fails on a lost or duplicated job or row, or a wait over 60 s after the database is back. Under two minutes.
exec bash "$(dirname "$0")/stack.sh" chaos --quick
