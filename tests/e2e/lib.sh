# Helpers shared by the end-to-end scripts (sourced).

# prints PATTERN COMMAND...: runs COMMAND and succeeds if it succeeded and its output matches
# PATTERN (grep). The output is read to the end first: `COMMAND | grep -q` under pipefail fails
# at random when grep exits at the first match and COMMAND dies of SIGPIPE writing the rest.
prints() {
  local pattern=$1 out
  shift
  out=$("$@") || return 1
  grep -q -- "$pattern" <<< "$out"
}

# server_port LOG: the port a `vaxreg serve --port 0` reports in LOG ("listening on
# http://127.0.0.1:PORT"), waiting up to 30 s for the line (a debug build on a loaded machine
# starts slowly); prints nothing and fails when it never comes.
server_port() {
  local log=$1 port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] && echo "$port"
}
