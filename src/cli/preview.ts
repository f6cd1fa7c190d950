// Placeholder until the preview command lands; replaced by its implementation.
export async function main(_argv: string[]): Promise<number> {
  process.stderr.write('teams-device-operator preview: not built yet\n');
  return 1;
}
