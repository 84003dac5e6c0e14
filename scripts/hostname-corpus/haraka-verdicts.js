// Haraka's verdict on PTR names: reads "name<TAB>ip" lines on stdin, writes one verdict per line,
// "generic" or "not-generic", from haraka-plugin-fcrdns's own is_generic_rdns (with haraka-net-utils
// and haraka-tld, as npm installs them), called with a minimal connection object.
'use strict'
// haraka-tld reports loading its lists on stdout; keep stdout for the verdicts
console.log = (...args) => console.error(...args)
const readline = require('node:readline')
const tlds = require('haraka-tld')
const fcrdns = require('haraka-plugin-fcrdns')

const connection = (ip) => ({
  remote: { ip },
  results: { add() {}, push() {} },
  loginfo() {},
  logdebug() {},
})

async function main() {
  if (tlds.ready) await tlds.ready
  const rl = readline.createInterface({ input: process.stdin })
  for await (const line of rl) {
    const [name, ip] = line.split('\t')
    const generic = fcrdns.is_generic_rdns.call(fcrdns, connection(ip), name)
    process.stdout.write(generic ? 'generic\n' : 'not-generic\n')
  }
}
main()
