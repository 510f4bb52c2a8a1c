import { describe, expect, it } from 'vitest';
import { generateKeyPair } from './keys.js';
import { UserspaceWireGuard } from './userspace.js';

const config = { privateKey: generateKeyPair().privateKey, listenPort: 51820, address: '100.64.0.1/16' };

describe('UserspaceWireGuard without a wireguard-go', () => {
  it('checks its options and configuration before starting anything', async () => {
    expect(() => new UserspaceWireGuard({ interfaceName: '' })).toThrow(
      'invalid WireGuard interface name ""',
    );
    const driver = new UserspaceWireGuard({ interfaceName: 'kdw-unused1' });
    expect(driver.kind).toBe('userspace');
    expect(driver.pid).toBeUndefined();
    const badKey = 'not-a-key-but-maybe-a-secret';
    const error = await driver.up({ ...config, privateKey: badKey }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('the WireGuard private key must be 32 bytes in standard base64');
    await expect(driver.up({ ...config, listenPort: 70000 })).rejects.toThrow(
      'invalid WireGuard listen port: 70000',
    );
    await expect(driver.up({ ...config, address: '100.64.0.1' })).rejects.toThrow(
      'invalid tunnel address (ADDRESS/PREFIX needed): "100.64.0.1"',
    );
  });

  it('says which program could not be started', async () => {
    const driver = new UserspaceWireGuard({
      interfaceName: 'kdw-unused2',
      wireguardGo: '/nonexistent/wireguard-go',
    });
    await expect(driver.up(config)).rejects.toThrow(
      'cannot start /nonexistent/wireguard-go for kdw-unused2: spawn /nonexistent/wireguard-go ENOENT',
    );
    expect(driver.pid).toBeUndefined();
  });

  it('names the interface when its wireguard-go is not running', async () => {
    const driver = new UserspaceWireGuard({ interfaceName: 'kdw-unused3' });
    await expect(driver.peers()).rejects.toThrow(
      'cannot reach wireguard-go of interface kdw-unused3 at /var/run/wireguard/kdw-unused3.sock: ENOENT',
    );
  });
});
