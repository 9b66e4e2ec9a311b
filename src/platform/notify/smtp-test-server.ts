/**
 * Test support: a real SMTP server (the `smtp-server` package) on 127.0.0.1 that keeps what it
 * receives, and a small decoder of the plain-text messages nodemailer writes (RFC 2047 encoded
 * words in headers, base64 or quoted-printable bodies), so tests check what a mail client shows.
 */
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  close(): Promise<void>;
}

/** Starts the server on `port` (0 = a free one). */
export async function startTestSmtpServer(port = 0): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    // Plain SMTP on the loopback: no TLS certificate to set up, no login.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('latin1'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('the SMTP test server has no port');
  return {
    port: address.port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A free TCP port on the loopback where nothing listens (yet). */
export async function freePort(): Promise<number> {
  const probe = await startTestSmtpServer(0);
  await probe.close();
  return probe.port;
}

function decodeEncodedWords(value: string): string {
  // Adjacent encoded words separated only by white space are joined (RFC 2047 §6.2).
  const joined = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
  return joined.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_m, _charset: string, encoding: string, text: string) => {
    if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
    const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  });
}

export interface ParsedMail {
  headers: Record<string, string>;
  /** The raw (undecoded) header values, to check they are ASCII-safe. */
  rawHeaders: Record<string, string>;
  text: string;
}

/** Parses a single-part text/plain message. */
export function parseMail(raw: string): ParsedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const rawHeaders: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) rawHeaders[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const headers = Object.fromEntries(Object.entries(rawHeaders).map(([k, v]) => [k, decodeEncodedWords(v)]));
  const encoding = (rawHeaders['content-transfer-encoding'] ?? '7bit').toLowerCase();
  let bytes: Buffer;
  if (encoding === 'base64') bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else if (encoding === 'quoted-printable') {
    const unfolded = body.replace(/=\r\n/g, '');
    bytes = Buffer.from(unfolded.replace(/=([0-9A-F]{2})/gi, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  } else bytes = Buffer.from(body, 'latin1');
  return { headers, rawHeaders, text: bytes.toString('utf8').replace(/\r\n/g, '\n').trimEnd() };
}
