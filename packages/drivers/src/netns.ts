// Network namespaces for tests: hosts linked by veth pairs, made and removed by the test itself.
// Only for tests; the addresses used live in 198.18.0.0/15 (ARCHITECTURE: test networks).
import { runCommand, type RunOptions, type RunResult } from './process.js';

export class Netns {
  private constructor(readonly name: string) {}

  /** Creates a namespace with loopback up; removes a stale one of the same name first. */
  static async create(name: string): Promise<Netns> {
    await runCommand('ip', ['netns', 'del', name]).catch(() => undefined);
    await runCommand('ip', ['netns', 'add', name]);
    const ns = new Netns(name);
    await ns.run('ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** Runs a program inside the namespace (argv, never a shell). */
  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return runCommand('ip', ['netns', 'exec', this.name, command, ...args], options);
  }

  /** `ip netns exec NAME` as an argv prefix, for processes the caller spawns itself. */
  execPrefix(): string[] {
    return ['ip', 'netns', 'exec', this.name];
  }

  async remove(): Promise<void> {
    await runCommand('ip', ['netns', 'del', this.name]).catch(() => undefined);
  }
}

/**
 * Links two namespaces with a veth pair and gives each end an address ("198.18.1.1/24").
 * Interface names must be unique on the machine while both exist (at most 15 characters).
 */
export async function link(
  a: Netns,
  aIf: string,
  aAddress: string,
  b: Netns,
  bIf: string,
  bAddress: string,
): Promise<void> {
  await runCommand('ip', [
    'link',
    'add',
    aIf,
    'netns',
    a.name,
    'type',
    'veth',
    'peer',
    'name',
    bIf,
    'netns',
    b.name,
  ]);
  for (const [ns, ifname, address] of [
    [a, aIf, aAddress],
    [b, bIf, bAddress],
  ] as const) {
    await ns.run('ip', ['addr', 'add', address, 'dev', ifname]);
    await ns.run('ip', ['link', 'set', ifname, 'up']);
  }
}
