/*
 * `securesocket` (imported as "moddable:securesocket"). Written by this project.
 * Describes: modules/crypt/securesocket/securesocket.js (default export SecureSocket), brought in by
 * $(MODDABLE)/modules/crypt/tls.json. The gateway never constructs it: it hands the class to the SDK's MQTT
 * client and HTTP Request as their `Socket` option (with `secure` TLS options), which construct it with
 * their socket dictionary ({host, port, secure, ...}); the session's server name is the host.
 */
declare module "moddable:securesocket" {
  export default class SecureSocket {
    constructor(dictionary: { host?: string; port?: number; secure?: Record<string, unknown>; [option: string]: unknown });
    close(): void;
  }
}
