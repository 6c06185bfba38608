/**
 * The bundle bench's HTTP client, built as a load generator is (wrk, h2load): one keep-alive connection
 * per lane, each request written as prepared bytes, each answer read only as far as its status line and
 * Content-Length. On a 2-core machine the client shares the CPU with the server it measures, so the less
 * it does the more the figure is the server's. Not a general client: one request at a time per connection,
 * and answers must carry Content-Length (the bundle server and the echo floor both do).
 */
import { connect, type Socket } from 'node:net';

const headerEnd = Buffer.from('\r\n\r\n');

export class LoadConnection {
  private header: Buffer | null = null;
  private remaining = 0;
  private status = 0;
  private answerBytes = 0;
  /** True once the socket closed (a server ends idle keep-alive connections): open a new one. */
  closed = false;
  private pending: {
    resolve: (answer: { status: number; bytes: number }) => void;
    reject: (error: Error) => void;
  } | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly host: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => {
      this.closed = true;
      this.fail(new Error('the server closed the connection'));
    });
  }

  /** Opens a connection to `url`'s host and port. */
  static open(url: string): Promise<LoadConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new LoadConnection(socket, `${hostname}:${port}`)));
      socket.once('error', reject);
    });
  }

  /** POSTs `body` to `path`; resolves with the answer's status and body size once the whole answer is read. */
  post(path: string, contentType: string, body: Buffer): Promise<{ status: number; bytes: number }> {
    if (this.pending) return Promise.reject(new Error('one request at a time per connection'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.header = null;
      this.remaining = -1;
      this.socket.cork();
      this.socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${this.host}\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      this.socket.write(body);
      this.socket.uncork();
    });
  }

  close(): void {
    this.pending = null;
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    if (!this.pending) return;
    if (this.remaining < 0) {
      // Still in the header: find its end, then the status and the body's length.
      this.header = this.header ? Buffer.concat([this.header, chunk]) : chunk;
      const end = this.header.indexOf(headerEnd);
      if (end < 0) return;
      const text = this.header.toString('latin1', 0, end);
      this.status = Number(text.slice(9, 12));
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text);
      if (!length) return this.fail(new Error(`an answer without Content-Length: ${text.split('\r\n')[0]}`));
      this.answerBytes = Number(length[1]);
      this.remaining = this.answerBytes - (this.header.length - end - headerEnd.length);
    } else this.remaining -= chunk.length;
    if (this.remaining <= 0) {
      const done = this.pending;
      this.pending = null;
      done.resolve({ status: this.status, bytes: this.answerBytes });
    }
  }

  private fail(error: Error): void {
    const waiting = this.pending;
    this.pending = null;
    waiting?.reject(error);
  }
}
