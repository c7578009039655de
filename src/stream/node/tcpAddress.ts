/** `tcp://HOST:PORT` addresses of stream sources and of `emit --to`, IPv6 literals included. */
import { UsageError } from '../../util/errors.js';

/** Host (IPv6 literals without their brackets) and port of `tcp://HOST:PORT`. */
export function tcpAddress(spec: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new UsageError(`'${spec}' is not tcp://HOST:PORT (an IPv6 address goes in brackets: tcp://[::1]:9000)`);
  }
  const port = Number(url.port);
  if (url.protocol !== 'tcp:' || !url.hostname || !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new UsageError(`'${spec}' is not tcp://HOST:PORT`);
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

/** Whether a host name or address reaches only this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
