// A minimal protocol client over a real `ws` WebSocket with TLS, for tests.
import { WebSocket } from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

export interface TestClientOptions {
  localAddress?: string;
  path?: string;
  cert?: string;
  key?: string;
}

export class TestClient {
  readonly ws: WebSocket;
  private readonly inbox: unknown[] = [];
  private waiters: ((m: unknown) => void)[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;

  constructor(port: number, ca: string, options: TestClientOptions = {}) {
    this.ws = new WebSocket(`wss://127.0.0.1:${port}${options.path ?? '/connect'}`, {
      ca,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      // A device's certificate (and chain) and key, for mutual TLS (DECISIONS 77).
      ...(options.cert !== undefined ? { cert: options.cert, key: options.key } : {}),
    });
    this.ws.on('message', (data: Buffer, isBinary) => {
      const msg: unknown = isBinary ? data : JSON.parse(data.toString('utf8'));
      const w = this.waiters.shift();
      if (w) w(msg);
      else this.inbox.push(msg);
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
    });
    this.ws.on('error', () => undefined);
  }

  static async connect(port: number, ca: string, options: TestClientOptions = {}): Promise<TestClient> {
    const c = new TestClient(port, ca, options);
    await c.opened;
    return c;
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** The next message, or a rejection after `ms`. */
  next(ms = 5000): Promise<Record<string, unknown>> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued as Record<string, unknown>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no message within ${ms} ms`));
      }, ms);
      const waiter = (m: unknown): void => {
        clearTimeout(timer);
        resolve(m as Record<string, unknown>);
      };
      this.waiters.push(waiter);
    });
  }

  async request(message: unknown): Promise<Record<string, unknown>> {
    this.send(message);
    return this.next();
  }

  /** version (matching: no installer registered) then authorize. */
  async login(
    login: string,
    password: string,
    version = { major: 1, minor: 0, build: 0 },
  ): Promise<Record<string, unknown>> {
    await this.request({ type: 'version', ...version, os: 'linux' });
    return this.request({ type: 'authorize', login, password });
  }

  close(): void {
    this.ws.close();
  }
}
