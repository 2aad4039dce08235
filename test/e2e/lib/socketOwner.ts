// Which local process sent a request to a loopback simulator: the client end of the TCP connection
// (127.0.0.1:<clientPort> -> 127.0.0.1:<serverPort>) is looked up in /proc/net/tcp{,6} for its socket
// inode, and the inode among the open file descriptors of the candidate processes. Linux only; call it
// while the connection is open (from the simulator's onRequest hook).
import * as fs from 'fs';

function hexPort(address: string): number {
  return parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
}

/** Socket inode of the connection whose local port is `clientPort` and remote port is `serverPort`. */
function clientSocketInode(clientPort: number, serverPort: number): string | undefined {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      if (hexPort(cols[1]) === clientPort && hexPort(cols[2]) === serverPort) return cols[9];
    }
  }
  return undefined;
}

/** The label of the candidate process that holds the client end of the connection, or undefined. */
export function socketOwner(clientPort: number | undefined, serverPort: number, candidates: Record<string, number>): string | undefined {
  if (clientPort === undefined) return undefined;
  const inode = clientSocketInode(clientPort, serverPort);
  if (!inode) return undefined;
  const wanted = `socket:[${inode}]`;
  for (const [label, pid] of Object.entries(candidates)) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === wanted) return label;
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return undefined;
}
