/** A genesis for another network: the package genesis under a different network name. */
export function otherGenesisJson (packageGenesis: string): string {
  const json = JSON.parse(packageGenesis) as { network: string }
  return JSON.stringify({ ...json, network: `${json.network}-other` }, null, 2) + '\n'
}
