//! The host's own log line: a timestamp and `[host]`, beside the functions' `[name]` lines
//! in the same log (.local/logs/functions.log).

export function log(message: string): void {
  console.log(`${new Date().toISOString()} [host] ${message}`);
}
