import { describe, expect, it } from 'vitest';
import { NoTunnelDriver, findOnPath, selectTunnelDriver } from './detect.js';
import { UserspaceWireGuard } from './userspace.js';
import { WgCliWireGuard } from './wg-cli.js';

const everything = (name: string): string => `/usr/bin/${name}`;
const nothing = (): undefined => undefined;
const PEER = { publicKey: 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=', allowedIps: ['100.64.0.2/32'] };

describe('selectTunnelDriver', () => {
  const base = { interfaceName: 'kordon-gw0' };

  it('auto picks the kernel driver when the module is loaded', () => {
    const { driver, reason } = selectTunnelDriver('auto', {
      ...base,
      kernelModulePath: '/',
      findProgram: everything,
    });
    expect(driver).toBeInstanceOf(WgCliWireGuard);
    expect(driver.kind).toBe('kernel');
    expect(driver.interfaceName).toBe('kordon-gw0');
    expect(reason).toBe('kernel WireGuard through wg (auto: / exists)');
  });

  it('auto picks wireguard-go without the module', () => {
    const { driver, reason } = selectTunnelDriver('auto', {
      ...base,
      kernelModulePath: '/nonexistent/wireguard',
      findProgram: everything,
    });
    expect(driver).toBeInstanceOf(UserspaceWireGuard);
    expect(driver.kind).toBe('userspace');
    expect(reason).toBe(
      'wireguard-go (auto: no kernel module at /nonexistent/wireguard, wireguard-go is on PATH)',
    );
  });

  it('auto with neither tells which package to install', () => {
    expect(() =>
      selectTunnelDriver('auto', {
        ...base,
        kernelModulePath: '/nonexistent/wireguard',
        findProgram: nothing,
      }),
    ).toThrow(
      'no WireGuard available: the kernel has no wireguard module (/nonexistent/wireguard) and wireguard-go is not ' +
        'on PATH; install the wireguard-go package (and wireguard-tools), load the kernel module ' +
        '(modprobe wireguard), or start with --wireguard none',
    );
  });

  it('explicit choices check their program', () => {
    expect(selectTunnelDriver('userspace', { ...base, findProgram: everything }).driver.kind).toBe(
      'userspace',
    );
    expect(selectTunnelDriver('kernel', { ...base, findProgram: everything }).driver.kind).toBe('kernel');
    expect(() => selectTunnelDriver('userspace', { ...base, findProgram: nothing })).toThrow(
      'the userspace WireGuard driver needs `wireguard-go` on PATH: install the wireguard-go package',
    );
    expect(() => selectTunnelDriver('kernel', { ...base, findProgram: nothing })).toThrow(
      'the kernel WireGuard driver needs `wg`: install the wireguard-tools package',
    );
    expect(() =>
      selectTunnelDriver('userspace', { interfaceName: 'much-too-long-name', findProgram: everything }),
    ).toThrow('invalid WireGuard interface name');
  });

  it('finds programs on PATH', () => {
    expect(findOnPath('sh', '/nonexistent:/bin:/usr/bin')).toMatch(/^\/(usr\/)?bin\/sh$/);
    expect(findOnPath('no-such-program-kordon', '/bin:/usr/bin')).toBeUndefined();
  });
});

describe('NoTunnelDriver', () => {
  it('succeeds with no peers and refuses to add any', async () => {
    const { driver, reason } = selectTunnelDriver('none', {
      interfaceName: 'kordon-gw0',
      findProgram: nothing,
    });
    expect(driver).toBeInstanceOf(NoTunnelDriver);
    expect(driver.kind).toBe('none');
    expect(reason).toBe('no WireGuard driver (--wireguard none): tunnels are refused');
    await driver.up({ privateKey: 'x', listenPort: 1, address: '100.64.0.1/16' });
    await driver.applyPeers({ add: [], remove: [PEER.publicKey] });
    await driver.replacePeers([]);
    expect(await driver.peers()).toEqual([]);
    await expect(driver.applyPeers({ add: [PEER], remove: [] })).rejects.toThrow(
      'this gateway runs without a WireGuard driver (--wireguard none)',
    );
    await expect(driver.replacePeers([PEER])).rejects.toThrow(
      'this gateway runs without a WireGuard driver (--wireguard none)',
    );
    await driver.down();
  });
});
