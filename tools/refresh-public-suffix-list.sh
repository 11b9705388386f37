#!/usr/bin/env bash
# Refreshes the bundled Public Suffix List (MPL 2.0, https://publicsuffix.org), which SiteNames reads to tell a
# same-site request from a relay's. The build never downloads it. Run from the repository's root:
#   tools/refresh-public-suffix-list.sh              # from publicsuffix.org
#   tools/refresh-public-suffix-list.sh 5.6.5        # from Apache HttpClient's copy on Maven Central, where only
#                                                    # Maven Central is reachable (org/publicsuffix/list/...)
# then read the VERSION line at the top of the file and commit it with that date in the message.
set -euo pipefail
target=abuse-guard-api/src/main/resources/io/github/abuseguard/internal/public_suffix_list.dat
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
if [ $# -eq 0 ]; then
  curl -fsSL https://publicsuffix.org/list/public_suffix_list.dat -o "$tmp"
else
  ./mvnw -B -ntp -q dependency:get -Dartifact="org.apache.httpcomponents.client5:httpclient5:$1"
  unzip -p "$HOME/.m2/repository/org/apache/httpcomponents/client5/httpclient5/$1/httpclient5-$1.jar" \
    org/publicsuffix/list/effective_tld_names.dat > "$tmp"
fi
grep -q '===BEGIN ICANN DOMAINS===' "$tmp" || { echo "not a Public Suffix List" >&2; exit 1; }
grep -q '===BEGIN PRIVATE DOMAINS===' "$tmp" || { echo "the list lacks its private section" >&2; exit 1; }
cp "$tmp" "$target"
grep -m1 '^// VERSION' "$target"
