#!/usr/bin/env bash
# Regenerates the receivers' columns of the host name corpus (src/test/resources/hostnames/*.tsv):
#   spamassassin  Debian's spamassassin rules (RDNS_DYNAMIC, 20_dynrdns.cf) run by SpamAssassin itself
#   haraka        haraka-plugin-fcrdns is_generic_rdns (with haraka-net-utils) from npm
# The name, ip, label and source columns are kept as they are. Run by developers after editing the
# corpus; the tests only read the committed files and need neither program.
#   scripts/hostname-corpus.sh            all files
#   scripts/hostname-corpus.sh FILE...    some files
set -euo pipefail
cd "$(dirname "$0")/.."

FCRDNS_VERSION=1.2.1
NET_UTILS_VERSION=1.9.3
dir=src/test/resources/hostnames
work=target/hostname-corpus
log() { printf '[hostname-corpus] %s\n' "$*" >&2; }

if ! perl -MMail::SpamAssassin -e 1 2>/dev/null; then
  if [[ $(id -u) == 0 ]]; then
    log "installing Debian's spamassassin"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends spamassassin >&2
  else
    log "needs Debian's spamassassin: sudo apt-get install spamassassin"; exit 1
  fi
fi
mkdir -p "$work/node"
if [[ ! -f "$work/node/node_modules/haraka-plugin-fcrdns/package.json" ]] \
  || ! grep -q "\"version\": \"$FCRDNS_VERSION\"" "$work/node/node_modules/haraka-plugin-fcrdns/package.json"; then
  log "installing haraka-plugin-fcrdns@$FCRDNS_VERSION haraka-net-utils@$NET_UTILS_VERSION from npm"
  (cd "$work/node"
   [[ -f package.json ]] || npm init -y >/dev/null
   npm install --no-audit --no-fund --silent \
     "haraka-plugin-fcrdns@$FCRDNS_VERSION" "haraka-net-utils@$NET_UTILS_VERSION" >&2)
fi
sa_version=$(perl -MMail::SpamAssassin -e 'print $Mail::SpamAssassin::VERSION')

files=("$@")
[[ ${#files[@]} -gt 0 ]] || files=("$dir"/*.tsv)
for f in "${files[@]}"; do
  log "$f"
  body="$work/$(basename "$f").body"
  tail -n +2 "$f" | cut -f1-4 > "$body"
  cut -f1,2 "$body" | perl scripts/hostname-corpus/sa-verdicts.pl > "$work/sa"
  cut -f1,2 "$body" | NODE_PATH="$work/node/node_modules" node scripts/hostname-corpus/haraka-verdicts.js \
    > "$work/haraka" 2>/dev/null
  [[ $(wc -l < "$work/sa") == $(wc -l < "$body") && $(wc -l < "$work/haraka") == $(wc -l < "$body") ]] \
    || { log "a receiver gave fewer verdicts than $f has names"; exit 1; }
  { head -n 1 "$f"; paste "$body" "$work/sa" "$work/haraka"; } > "$work/out"
  mv "$work/out" "$f"
done
log "done: SpamAssassin $sa_version (rules $(dpkg-query -W -f '${Version}' spamassassin 2>/dev/null || echo '?')), haraka-plugin-fcrdns $FCRDNS_VERSION, haraka-net-utils $NET_UTILS_VERSION"
