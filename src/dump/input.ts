// Reading a dump from a file, stdin (`-`) or a pprof HTTP endpoint.

import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';

/** Dumps of very large processes run to hundreds of MB; beyond this, refuse. */
const MAX_BYTES = 1 << 30;

export function isUrl(arg: string): boolean {
  return /^https?:\/\//i.test(arg);
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * GETs a pprof endpoint. Only called for arguments that are URLs: the
 * command never touches the network otherwise. Redirects are not followed
 * (pprof handlers do not redirect; a redirect usually means a login page).
 */
export function fetchUrl(url: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = url.toLowerCase().startsWith('https:') ? https : http;
    const req = client.get(url, { timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        const where = res.headers.location ? ` (redirect to ${res.headers.location})` : '';
        reject(new Error(`GET ${url}: HTTP ${res.statusCode ?? '?'}${where}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BYTES) {
          req.destroy(new Error(`GET ${url}: response larger than ${MAX_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no response within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

export interface InputOptions {
  cwd: string;
  stdin: NodeJS.ReadableStream;
  timeoutMs: number;
}

/** Reads one input argument; throws an Error with a user-facing message. */
export async function readInput(arg: string, options: InputOptions): Promise<string> {
  if (arg === '-') return readStream(options.stdin);
  if (isUrl(arg)) return fetchUrl(arg, options.timeoutMs);
  const file = path.resolve(options.cwd, arg);
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_BYTES) throw new Error(`${arg}: larger than ${MAX_BYTES} bytes`);
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${arg}: no such file`);
    if (code === 'EISDIR') throw new Error(`${arg}: is a directory`);
    throw err instanceof Error ? err : new Error(String(err));
  }
}
