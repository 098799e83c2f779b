/** Application layer (EN 13757-3): data records, compact frames and format frames. */
export type { DataRecord, RecordFunction } from "./record.js";
export {
  parseRecords,
  parseRecordsLenient,
  parseRecordsWithHeaders,
  parseRecordHeader,
  decodeRecordData,
  recordName,
  type RecordHeader,
  type ParsedRecords,
} from "./records.js";
export {
  FormatCache,
  formatSignature,
  parseHeaderList,
  formatHeaderBytes,
  learnFromFullFrame,
  fullFrameCrc,
  decodeFormatFrame,
  decodeCompact,
  type Format,
  type FormatScope,
  type FormatFrame,
} from "./compact.js";
