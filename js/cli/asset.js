// The registration body for one asset from the command line: sizeBytes and the MIME type from a
// local file when one is given, explicit values otherwise (explicit values win).

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import mime from 'mime-types';
import { UsageError } from './args.js';

/** The MIME type of a file whose extension says nothing. */
export const UNKNOWN_MIME_TYPE = 'application/octet-stream';

/**
 * @param {Record<string, any>} single the `single` part of the settings
 * @returns {Promise<Record<string, unknown>>} the asset fields to send (no secret)
 */
export async function assetFromOptions(single) {
  let { sizeBytes, mimeType } = single;
  let fileName;
  if (single.file !== undefined) {
    const info = await fileInfo(single.file);
    sizeBytes = info.size;
    mimeType ??= mime.lookup(single.file) || UNKNOWN_MIME_TYPE;
    fileName = basename(single.file);
  }
  const name = single.name ?? fileName ?? lastSegment(single.cdnUrl);
  if (!name) throw new UsageError('give --name: it cannot be taken from the file or the URL');
  const asset = { name, cdnUrl: single.cdnUrl, mimeType, sizeBytes };
  const optional = {
    thumbnailUrl: single.thumbnailUrl,
    tags: single.tags,
    campaignId: single.campaignId,
    uploadedBy: single.uploadedBy,
  };
  for (const [field, value] of Object.entries(optional)) {
    if (value !== undefined) asset[field] = value;
  }
  return asset;
}

async function fileInfo(path) {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new UsageError(`cannot read --file ${path}: ${error.code ?? error.message}`);
  }
  if (!info.isFile()) throw new UsageError(`--file ${path} is not a regular file`);
  return info;
}

/** The decoded last path segment of a URL, or undefined. */
function lastSegment(url) {
  try {
    const segment = new URL(url).pathname.split('/').filter(Boolean).pop();
    return segment ? decodeURIComponent(segment) : undefined;
  } catch {
    return undefined;
  }
}
