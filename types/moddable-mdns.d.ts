/*
 * `mdns` (imported as "moddable:mdns"), host-name claiming only. Written by this project.
 * Describes: modules/network/mdns/mdns.js (manifest modules/network/mdns/manifest.json, preloaded).
 *
 * `new MDNS({hostName}, callback)` claims `<hostName>.local` by probing; the callback gets
 * (MDNS.hostName, name) with the name finally claimed (a suffix is added on a conflict), or
 * (MDNS.hostName, "") when claiming failed. add() services only after the claim.
 */
declare module "moddable:mdns" {
  export default class MDNS {
    static readonly hostName: 1;
    static readonly retry: 2;
    static readonly error: -1;
    constructor(options: { hostName?: string }, callback?: (message: number, value?: string) => unknown);
    add(service: { name: string; protocol: "tcp" | "udp"; port: number; txt?: Record<string, string> }): void;
    close(): void;
  }
}
