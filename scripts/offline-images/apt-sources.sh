#!/usr/bin/env bash
# Prints the apt sources of FILE that belong to SUITE's family (SUITE, SUITE-updates, SUITE-security), in FILE's own
# format (deb822 .sources stanzas, or one-line .list entries); everything else is left out. The offline images are
# built from SUITE alone: a host that also lists another suite (trixie-backports, say) would otherwise hand the image
# newer libraries than its suite's packages were built against ("libssl3t64 : Breaks: libssl3").
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SUITE FILE" >&2; exit 2; }
suite=$1
file=$2

case "$file" in
  *.sources)
    # A stanza keeps only its suites of the family; a stanza with none of them is dropped.
    awk -v suite="$suite" '
      function wanted(s) { return s == suite || s == suite "-updates" || s == suite "-security" }
      function flush(   i) {
        if (n > 0 && kept != "") {
          if (printed++) print ""
          for (i = 1; i <= n; i++) print (tolower(lines[i]) ~ /^suites:/ ? "Suites: " kept : lines[i])
        }
        n = 0; kept = ""
      }
      /^[[:space:]]*$/ { flush(); next }
      /^[[:space:]]*#/ { next }
      {
        lines[++n] = $0
        if (tolower($1) == "suites:") for (i = 2; i <= NF; i++) if (wanted($i)) kept = kept (kept == "" ? "" : " ") $i
      }
      END { flush() }' "$file" ;;
  *)
    # deb [options] URI SUITE COMPONENT...: the suite is the first field after the URI (options are in brackets).
    awk -v suite="$suite" '
      function wanted(s) { return s == suite || s == suite "-updates" || s == suite "-security" || s == suite "/updates" }
      $1 != "deb" { next }
      { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } }
      wanted($(i + 1)) { print }' "$file" ;;
esac
