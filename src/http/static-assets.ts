/**
 * @module The one way winnow serves its own static files (the console's stylesheet and scripts, the
 * /docs page's Swagger UI): a fixed allow-list, read once on first use, linked with a content hash.
 *
 * A page links `{prefix}{name}?v={hash}`. Asked for with the current hash, a file never changes, so
 * browsers keep it for a year; without it (or with an old one), they revalidate by ETag. So a
 * browser never runs last version's script against this version's page after an upgrade, and
 * still fetches nothing twice. Text is gzipped for clients that accept it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';

export const CSS = 'text/css; charset=utf-8';
export const JS = 'text/javascript; charset=utf-8';
export const PNG = 'image/png';

/** A file a page may load: where it is on disk, and its content type. */
export interface AssetFile {
  file: string | URL;
  type: string;
}

interface Asset {
  type: string;
  body: Buffer;
  /** Short sha256 of the body: the `?v=` the page links, and the ETag. */
  hash: string;
  gzipped?: Buffer;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

export class StaticAssets {
  #loaded: Map<string, Asset> | undefined;

  /**
   * @param prefix the URL path the files are served under, e.g. `/console/assets/`
   * @param files name → file; only these names are served (a Map, so '__proto__' or '..' finds nothing)
   */
  constructor(readonly prefix: string, private readonly files: ReadonlyMap<string, AssetFile>) {}

  /** The names served, for an error message that says what exists. */
  names(): string[] {
    return [...this.files.keys()];
  }

  /** The URL a page links `name` by, with its content hash. Throws for a name not in the list: a bug in the page. */
  href(name: string): string {
    const asset = this.#assets().get(name);
    if (!asset) throw new Error(`no asset '${name}' under ${this.prefix}`);
    return `${this.prefix}${name}?v=${asset.hash}`;
  }

  /** The answer to `GET {prefix}{name}`, or undefined when the name is not in the list. */
  serve(c: Context, name: string): Response | undefined {
    const asset = this.#assets().get(name);
    if (!asset) return undefined;
    const etag = `"${asset.hash}"`;
    const headers: Record<string, string> = {
      'content-type': asset.type, etag, vary: 'accept-encoding', 'x-content-type-options': 'nosniff',
      'cache-control': c.req.query('v') === asset.hash ? IMMUTABLE : 'no-cache',
    };
    if (c.req.header('if-none-match')?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return c.body(null, 304, headers);
    // Swagger UI's bundle is 1.7 MB and compresses to a quarter of that; PNGs are compressed already.
    if (asset.type !== PNG && acceptsGzip(c.req.header('accept-encoding'))) {
      asset.gzipped ??= gzipSync(asset.body);
      return c.body(new Uint8Array(asset.gzipped), 200, { ...headers, 'content-encoding': 'gzip' });
    }
    return c.body(new Uint8Array(asset.body), 200, headers);
  }

  // Read on first use, so processes that never serve a page (the CLI) pay nothing.
  #assets(): Map<string, Asset> {
    return (this.#loaded ??= new Map([...this.files].map(([name, { file, type }]) => [name, readAsset(file, type)])));
  }
}

function readAsset(file: string | URL, type: string): Asset {
  let body = readFileSync(file);
  // Source maps are not served, so a pointer to one would only 404 in a browser's dev tools.
  if (type !== PNG) body = Buffer.from(body.toString('utf8').replace(/\n?(?:\/\/# sourceMappingURL=\S+|\/\*# sourceMappingURL=[^*]*\*\/)\s*$/, '\n'));
  return { type, body, hash: createHash('sha256').update(body).digest('hex').slice(0, 16) };
}

/** True when the Accept-Encoding header lists gzip without q=0. */
function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    return (coding === 'gzip' || coding === 'x-gzip') && (!q || Number(q[1]) > 0);
  });
}
