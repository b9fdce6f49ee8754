// Prints a new private signing key (EdDSA, or ES256 with `--es256`) as a JSON array for TOKENLIFE_SIGNING_KEYS.
// Keep it secret; give every instance the same keys. To rotate, see docs/server.md ("Rotating keys").
import { generateSigningKey } from '@tokenlife/server'

const key = await generateSigningKey(process.argv.includes('--es256') ? 'ES256' : 'EdDSA')
console.log(JSON.stringify([key]))
