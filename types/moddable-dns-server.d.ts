/*
 * `dns/server` (imported as "moddable:dns/server"). Written by this project.
 * Describes: modules/network/dns/dnsserver.js (mapped by the app's manifest, as
 * examples/network/dns/dnsserver/manifest.json does).
 *
 * A UDP DNS server on port 53 (or `port`) that answers A queries only: for each it calls
 * callback(Server.resolve = 1, name) and answers with the dotted IPv4 address returned, or not at all
 * for a falsy return. Used for the captive onboarding page (every name resolves to the gateway).
 */
declare module "moddable:dns/server" {
  export default class DNSServer {
    static readonly resolve: 1;
    constructor(callback: (message: number, name: string) => string | undefined, options?: { port?: number; ttl?: number });
    close(): void;
  }
}
