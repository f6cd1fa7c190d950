// The `teams-device-operator` command: one subcommand per file in src/cli/ (bin.ts runs it).

interface Subcommand {
  summary: string;
  load: () => Promise<{ main: (argv: string[]) => Promise<number> }>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  preview: {
    summary: 'print every update the operator would make for the YAML you commit, and when',
    load: () => import('./preview.js'),
  },
  local: {
    summary: 'run everything on this machine (control plane, broker, operator, proxies) with a live view',
    load: () => import('./local.js'),
  },
  run: {
    summary: 'run the operator against a cluster (KUBECONFIG or in-cluster)',
    load: () => import('./run.js'),
  },
  proxy: {
    summary: "run one device proxy of a DeviceProxyPool (what the pool's pods run)",
    load: () => import('./proxy.js'),
  },
  cluster: {
    summary: 'run the embedded Kubernetes-compatible control plane on 127.0.0.1',
    load: () => import('./cluster.js'),
  },
  'device-agent': {
    summary: 'serve the device agent REST contract over simulated devices (for the http driver)',
    load: () => import('./device-agent.js'),
  },
  'mosquitto-acl': {
    summary:
      'print the mosquitto acl_file of the TeamsDevices on stdin (kubectl get teamsdevices -A -o json)',
    load: () => import('./mosquitto-acl.js'),
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((name) => name.length));
  const lines = Object.entries(SUBCOMMANDS).map(([name, cmd]) => `  ${name.padEnd(width)}  ${cmd.summary}`);
  return [
    'Usage: teams-device-operator <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `teams-device-operator <command> --help` for the options of a command.',
  ].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = SUBCOMMANDS[name];
  if (!command) {
    process.stderr.write(`teams-device-operator: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const module = await command.load();
  return module.main(rest);
}
