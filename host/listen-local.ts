/** Listening on 127.0.0.1 for the host's servers (web page, embedded broker, test proxy). */
import type { AddressInfo, Server } from "node:net";

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Listens on 127.0.0.1:`port` (0 = any free port) and gives the bound port; `fallbackToFree`: a taken port gives a free one instead. */
export async function listenLocal(server: Server, port: number, fallbackToFree = false): Promise<number> {
  try {
    return await listen(server, port);
  } catch (e) {
    if (!fallbackToFree || (e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    return listen(server, 0);
  }
}
