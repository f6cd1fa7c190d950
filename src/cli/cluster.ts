// Placeholder until the cluster command lands; replaced by its implementation.
export async function main(_argv: string[]): Promise<number> {
  process.stderr.write('teams-device-operator cluster: not built yet\n');
  return 1;
}
