/** An embedded MQTT broker (aedes) on 127.0.0.1 for `npm start` and the end-to-end tests. */
import { createServer, type Server } from "node:net";
import { Aedes } from "aedes";
import { listenLocal } from "./listen-local.js";

export interface EmbeddedBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts aedes on `port` (0 = any free port); `fallbackToFree`: a taken port gives a free one instead. */
export async function startEmbeddedBroker(port = 0, fallbackToFree = false): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  const actual = await listenLocal(server, port, fallbackToFree);
  return {
    url: `mqtt://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}
