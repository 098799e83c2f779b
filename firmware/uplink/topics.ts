/**
 * MQTT topic names of the gateway (docs/uplinks.md). One topic level per id; ids are reduced to
 * [A-Za-z0-9_-] so a wildcard (+ #), a level separator (/) or a NUL can never get in (MQTT 3.1.1
 * §4.7), and so they are valid Home Assistant node and object ids.
 */
export interface TopicOptions {
  /** Root of the gateway's topics (default "wmbus"). */
  prefix?: string;
  /** Home Assistant discovery prefix (default "homeassistant"). */
  discoveryPrefix?: string;
}

/** An id usable as one topic level and as an HA node/object id ("" becomes "_"). */
export function topicId(id: string): string {
  const s = id.replace(/[^A-Za-z0-9_-]/g, "_");
  return s === "" ? "_" : s;
}

/** A prefix of one or more levels without empty levels or wildcards. */
function prefixLevels(p: string): string {
  return p.split("/").filter((l) => l !== "").map(topicId).join("/");
}

export class Topics {
  readonly prefix: string;
  readonly discoveryPrefix: string;
  readonly gateway: string;

  constructor(gatewayId: string, o: TopicOptions = {}) {
    this.prefix = prefixLevels(o.prefix ?? "wmbus") || "wmbus";
    this.discoveryPrefix = prefixLevels(o.discoveryPrefix ?? "homeassistant") || "homeassistant";
    this.gateway = topicId(gatewayId);
  }

  /** Retained JSON reading of one meter. */
  meter(meterId: string): string {
    return `${this.prefix}/${this.gateway}/${topicId(meterId)}`;
  }

  /** Retained gateway state: {"state":"online", …stats} or the LWT {"state":"offline"}. */
  get status(): string {
    return `${this.prefix}/${this.gateway}/status`;
  }

  /** Raw frames (firmware/uplink/raw.ts): the JSON record on .../raw, the rtl_wmbus line on .../raw/rtlwmbus. */
  raw(kind: "json" | "rtlwmbus"): string {
    return `${this.prefix}/${this.gateway}/raw` + (kind === "rtlwmbus" ? "/rtlwmbus" : "");
  }

  /** HA discovery config topic of one sensor: <prefix>/sensor/<node>/<object>/config. */
  discovery(objectId: string): string {
    return `${this.discoveryPrefix}/sensor/${this.gateway}/${topicId(objectId)}/config`;
  }
}
