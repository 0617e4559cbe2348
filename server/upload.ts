// Reading an upload (POST /api/refresh): the rules for file names, multer's limits,
// the cap on all files together (413 the moment it is passed) and the files held in
// memory as they arrive (refreshJobs.ts writes them out just before the load).

import { unknownName } from '../lib/messages.js';
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { SOURCES } from '../etl/contract.js';
import { HttpError, sendHttpError } from './httpError.js';
import { holdChunk, savedName, type HeldFile, type Job } from './refreshJobs.js';

/** One upload while it is read: the files held so far and the bytes they take. */
export interface Upload {
  held: HeldFile[];
  saved: Set<string>;
  refused: Job['refused_uploads'];
  bytes: number;
  /** Contract files named by more than one uploaded file: none of those is loaded, as with met load. */
  ambiguous: Set<string>;
}

/** The default cap on one upload, all its files together: MET_MAX_UPLOAD_MB, or 200 MB. */
export function defaultMaxUploadBytes(): number {
  const env = process.env.MET_MAX_UPLOAD_MB;
  const mb = env !== undefined && /^\s*\d+\s*$/.test(env) && Number(env) > 0 ? Number(env) : 200;
  return mb * 1024 * 1024;
}

/** Longest uploaded file name accepted (the contract's names are under 30 characters). */
export const MAX_FILE_NAME = 255;

/**
 * The rule an uploaded file's name breaks, or null. A name is a plain file name: no
 * control characters (NUL included), no folder separators, at most MAX_FILE_NAME characters.
 */
export function fileNameProblem(name: string): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'a file name may not contain control characters (such as NUL or a line break)';
  if (/[\\/]/.test(name)) return 'a file name may not contain / or \\: send the file itself, named as in the data contract, not a path';
  if (name.length > MAX_FILE_NAME) return `a file name may be at most ${MAX_FILE_NAME} characters long`;
  if (name.trim() === '' || name === '.' || name === '..') return 'a file needs a name: name it as in the data contract';
  return null;
}

/** The limits of one upload (multer's, besides the cap on all files together). */
const LIMITS = { files: 20, fields: 5, parts: 30, fieldSize: 1024, fieldNameSize: 100, headerPairs: 20 };

/** What an upload broke, in words: the limits of LIMITS above. */
export function multerRule(err: multer.MulterError): string {
  switch (err.code) {
    case 'LIMIT_UNEXPECTED_FILE':
      return `a file was sent in another field than 'files' (Unexpected field): send the extracts in the field 'files'`;
    case 'LIMIT_FILE_COUNT':
      return `Too many files: send at most ${LIMITS.files} extracts at once`;
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_PART_COUNT':
      return `Too many fields: send the extracts in 'files' and, for an SSDA903 return, its 'area'`;
    case 'LIMIT_FIELD_VALUE':
      return `Field value too long: a field may be at most ${LIMITS.fieldSize} characters`;
    case 'LIMIT_FIELD_KEY':
      return `Field name too long: a field name may be at most ${LIMITS.fieldNameSize} characters`;
    default:
      return err.message;
  }
}

/** An upload over the cap: answered 413 at once, and the connection closed after the answer. */
export class UploadTooLarge extends HttpError {
  constructor(cap: number) {
    super(
      413,
      `the upload is larger than the ${Math.round(cap / (1024 * 1024))} MB this server accepts at once (all files together): send fewer files per refresh`,
      true,
    );
    this.name = 'UploadTooLarge';
  }
}

/** A multipart body that could not be read, or a file name that breaks a rule: 400. */
export class UploadRefused extends HttpError {
  constructor(message: string) {
    super(400, message);
    this.name = 'UploadRefused';
  }
}

/**
 * The refusals that need only the headers, before a byte of the body is read: a
 * Content-Encoding or a body that is not multipart (415), a Content-Length over the cap (413).
 */
export function refuseByHeaders(req: Request, cap: number): void {
  const encoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    const named = encoding === 'gzip' || encoding === 'deflate' || encoding === 'br' ? encoding : 'an encoding';
    throw new HttpError(
      415,
      `the upload was refused: send it without Content-Encoding (${named} is not accepted); the server reads plain multipart/form-data only`,
    );
  }
  if (!req.is('multipart/form-data')) {
    throw new HttpError(415, `the upload was refused: send the extracts as multipart/form-data, in the field 'files'`);
  }
  const length = req.get('content-length');
  if (length !== undefined && Number(length) > cap) throw new UploadTooLarge(cap);
}

/** Starts holding an upload for the request; whatever happens to it, the bytes held go with it. */
export function startUpload(req: Request, res: Response): void {
  req.met.upload = { held: [], saved: new Set(), refused: [], bytes: 0, ambiguous: new Set() };
  res.on('close', () => {
    if (req.met.upload) req.met.upload.held = [];
  });
}

/**
 * Multer storage that keeps each file's bytes in memory, as the chunks received,
 * counting every file of the request against one cap: past it, the request is
 * answered 413 at once and nothing more is kept.
 */
class HeldStorage implements multer.StorageEngine {
  constructor(private readonly cap: number) {}

  _handleFile(req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    const u = req.met.upload!;
    const held: HeldFile = { name: savedName(file.originalname)!, chunks: [] };
    let size = 0;
    let over = false;
    const tooLarge = () => {
      if (over) return;
      over = true;
      held.chunks = null;
      const err = new UploadTooLarge(this.cap);
      sendHttpError(req, req.res!, err);
      file.stream.resume();
      cb(err);
    };
    file.stream.on('limit', tooLarge);
    file.stream.on('data', (chunk: Buffer) => {
      if (over) return;
      u.bytes += chunk.length;
      size += chunk.length;
      if (u.bytes > this.cap) tooLarge();
      else {
        held.chunks!.push(chunk);
        holdChunk(chunk);
      }
    });
    file.stream.on('end', () => {
      if (over) return;
      u.held.push(held);
      cb(null, { size });
    });
    file.stream.on('error', (e) => {
      if (over) return;
      over = true;
      held.chunks = null;
      cb(e);
    });
  }

  _removeFile(req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    const u = req.met.upload;
    const name = savedName(file.originalname);
    if (u) u.held = u.held.filter((h) => h.name !== name);
    cb(null);
  }
}

const CONTRACT_FILES = SOURCES.map((s) => s.file);

/**
 * Which files of an upload are kept: a name that breaks a rule refuses the whole
 * upload (400); a file in another field, not of the contract, or sent twice is
 * left out and listed in refused_uploads.
 */
const fileFilter: multer.Options['fileFilter'] = (req, file, cb) => {
  const u = req.met.upload!;
  const rule = fileNameProblem(file.originalname);
  if (rule) {
    cb(new UploadRefused(`the upload was refused: ${rule}`));
    return;
  }
  const name = savedName(file.originalname);
  // A name that is not a contract file's could be a child's: shown by its length only, as by the load.
  const shown = name ? file.originalname : unknownName(file.originalname);
  if (file.fieldname !== 'files') {
    u.refused.push({ file: shown, reason: `sent in field '${file.fieldname}': send files in the field 'files'` });
    cb(null, false);
  } else if (!name) {
    u.refused.push({ file: shown, reason: `not a file of the data contract: name it as one of ${CONTRACT_FILES.join(', ')}` });
    cb(null, false);
  } else if (u.saved.has(name)) {
    // Which of two files naming one extract was meant cannot be known (met load refuses both too).
    u.ambiguous.add(name);
    u.refused.push({
      file: shown,
      reason: `another file of this upload also names ${name} (sent twice, or named differing only in case), so neither was loaded: send one`,
    });
    cb(null, false);
  } else {
    u.saved.add(name);
    cb(null, true);
  }
};

/**
 * Reads the multipart body into req.met.upload (startUpload first). Its errors go on
 * to the error handler: ours and multer's as they are, anything else (busboy's: a
 * body that is not well-formed multipart) as an UploadRefused.
 */
export function readUpload(cap: number): RequestHandler {
  const read = multer({
    storage: new HeldStorage(cap),
    // The name as sent, path and all, so that a name with a path is refused rather than cut to its base name.
    preservePath: true,
    // fileSize: one file is never over the cap; HeldStorage also counts all files together.
    limits: { ...LIMITS, fileSize: cap },
    fileFilter,
  }).array('files', LIMITS.files);
  return (req, res, next) => {
    read(req, res, (err?: unknown) => {
      if (err === undefined || err === null) next();
      else if (err instanceof HttpError || err instanceof multer.MulterError) next(err);
      else next(new UploadRefused('the upload was refused: the body is not well-formed multipart/form-data'));
    });
  };
}
