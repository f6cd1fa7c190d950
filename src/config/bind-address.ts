// HOST:PORT flag values, as controller-runtime's --metrics-bind-address and --health-probe-bind-address
// take them: "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:8080", or ":8080" for every interface.

export interface BindAddress {
  /** '' for every interface (":PORT"). */
  host: string;
  /** 0: any free port. */
  port: number;
}

/** The loopback interface: the default of every listener of this project unless told otherwise. */
export const LOOPBACK = '127.0.0.1';

const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]*)):(\d{1,5})$/;
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/** The address, or why it is not one (without the flag's name). */
export function parseBindAddress(text: string): BindAddress | string {
  const match = HOST_PORT.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) return `"${text}" is not HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080, :8080)`;
  const host = match[1] ?? match[2] ?? '';
  if (match[2] && !HOSTNAME.test(host)) return `"${host}" is not a host name or IP address`;
  return { host, port };
}
