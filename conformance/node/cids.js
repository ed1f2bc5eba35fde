'use strict'
// Prints the CIDs that ipfs-only-hash@4 (js-ipfs's importer) gives each file named on the command
// line, as JSON {path: {"v0": ..., "v1": ...}}. v1 means CIDv1 with raw leaves, as
// `ipfs add --cid-version=1` makes it. Optional first argument `--chunk=N,links=M` changes the
// chunk size and the links per node to exercise deep trees on small inputs.
const fs = require('fs')
const Hash = require('ipfs-only-hash')

async function main (args) {
  const layout = {}
  if (args.length && args[0].startsWith('--chunk=')) {
    const [chunk, links] = args.shift().slice('--chunk='.length).split(',links=').map(Number)
    Object.assign(layout, { maxChunkSize: chunk, avgChunkSize: chunk, maxChildrenPerNode: links })
  }
  const out = {}
  for (const path of args) {
    const content = fs.readFileSync(path)
    out[path] = {
      v0: await Hash.of(content, { ...layout }),
      v1: await Hash.of(content, { ...layout, cidVersion: 1, rawLeaves: true })
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}

main(process.argv.slice(2)).catch((err) => { console.error(err); process.exit(1) })
