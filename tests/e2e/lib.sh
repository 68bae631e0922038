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
