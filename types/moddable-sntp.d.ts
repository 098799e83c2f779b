/*
 * `sntp` (imported as "moddable:sntp"). Written by this project.
 * Describes: modules/network/sntp/sntp.js (manifest modules/network/sntp/manifest.json, preloaded;
 * also included by examples/manifest_net.json).
 * The callback gets (SNTP.time, seconds since 1970) on success; (SNTP.retry) while retrying; and
 * (SNTP.error) on failure, where returning another host name makes it try that host.
 */
declare module "moddable:sntp" {
  export default class SNTP {
    /** 1 */
    static readonly time: number;
    /** 2 */
    static readonly retry: number;
    /** -1 */
    static readonly error: number;
    constructor(options: { host: string }, callback: (this: SNTP, message: number, value?: number) => string | void);
    close(): void;
  }
}
