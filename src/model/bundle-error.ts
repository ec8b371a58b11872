/** @module The one error type bundle I/O throws, with a code callers can branch on and a message naming the file. */

/** Why a bundle could not be read or written. */
export type BundleErrorCode =
  | 'missing_file'
  | 'invalid_manifest'
  | 'unsupported_format'
  | 'sha256_mismatch'
  | 'spec_hash_mismatch'
  | 'already_exists';

/**
 * A bundle that cannot be trusted or written. The message starts with the path of the offending
 * file or directory, then says what is wrong, e.g. `models/aml/3/model.onnx: sha256 mismatch: …`.
 */
export class BundleError extends Error {
  override name = 'BundleError';
  readonly code: BundleErrorCode;
  /** The file or directory the problem is about. */
  readonly path: string;

  constructor(code: BundleErrorCode, path: string, detail: string, options?: { cause?: unknown }) {
    super(`${path}: ${detail}`, options);
    this.code = code;
    this.path = path;
  }
}

/** True for a Node "no such file or directory" error. */
export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** True when a rename failed because the target directory already exists and is not empty. */
export function isTargetTaken(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}
