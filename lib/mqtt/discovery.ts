// deno-lint-ignore-file camelcase -- the keys are Home Assistant's, spelled as it documents them
/**
 * Home Assistant MQTT discovery: the retained config messages that make every socket appear in
 * Home Assistant with no YAML. Per socket: a `switch` (the relay), an `event` (its button and
 * reboots) and diagnostic `sensor`s (clock skew, and the schedule's next event when one runs).
 * Keys are those Home Assistant's MQTT switch, event and sensor platforms document
 * (`tests/fixtures/mqtt/` holds them and the expected config of each entity).
 */
import type { Mac } from "../protocol/mac.ts";
import { type BridgeTopics, macHex } from "./topics.ts";

/** One retained discovery message. */
export interface DiscoveryMessage {
  /** `<prefix>/<component>/<node id>/<object id>/config`. */
  readonly topic: string;
  /** The config object (published as JSON). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** The socket a set of discovery messages describes. */
export interface DiscoveredDevice {
  /** Its topic level (alias or MAC hex). */
  readonly level: string;
  /** Its MAC. */
  readonly mac: Mac;
  /** The name shown in Home Assistant: its alias, or the name stored in it, or its MAC. */
  readonly name: string;
}

/** The entities a socket gets; `nextEvent` only while a schedule runs. */
export const ENTITIES = ["switch", "button", "clock_skew", "next_event"] as const;

/**
 * The object id of one entity of a socket: `<mac hex>_<entity>`. The MAC comes first so that
 * the bridge can tell, from a retained config alone, which socket it belonged to.
 *
 * @example
 * ```ts
 * import { Mac } from "@s20/s20";
 * import { objectIdOf } from "@s20/s20/mqtt";
 *
 * objectIdOf(Mac.parse("ac:cf:23:24:19:c0"), "switch"); // "accf232419c0_switch"
 * ```
 */
export function objectIdOf(mac: Mac, entity: typeof ENTITIES[number]): string {
  return `${macHex(mac)}_${entity}`;
}

/**
 * Every discovery message of one socket.
 *
 * @example
 * ```ts
 * import { Mac } from "@s20/s20";
 * import { BridgeTopics, discoveryMessages } from "@s20/s20/mqtt";
 *
 * const topics = new BridgeTopics({ base: "s20", discoveryPrefix: "homeassistant", nodeId: "s20" });
 * const messages = discoveryMessages(topics, {
 *   level: "desk",
 *   mac: Mac.parse("ac:cf:23:24:19:c0"),
 *   name: "desk",
 * }, { schedule: false });
 * messages.map((m) => m.topic); // switch, event and clock-skew sensor configs
 * ```
 *
 * @param topics The bridge's topics.
 * @param device The socket.
 * @param options `schedule`: whether the next-event sensor is included; `version`: s20's.
 * @returns One message per entity.
 */
export function discoveryMessages(
  topics: BridgeTopics,
  device: DiscoveredDevice,
  options: { readonly schedule: boolean; readonly version?: string },
): DiscoveryMessage[] {
  const version = options.version;
  const node = topics.nodeId;
  const unique = (entity: string) => `s20_${macHex(device.mac)}_${entity}_${node}`;
  const shared = {
    availability: [{ topic: topics.bridgeState }, { topic: topics.availability(device.level) }],
    availability_mode: "all",
    device: {
      identifiers: [`s20_${macHex(device.mac)}`],
      connections: [["mac", device.mac]],
      name: device.name,
      model: "S20 Wi-Fi socket",
      manufacturer: "Orvibo",
      ...(version ? { sw_version: `s20 ${version}` } : {}),
    },
    origin: { name: "s20", ...(version ? { sw_version: version } : {}) },
    qos: 1,
  };
  const state = topics.state(device.level);
  const messages: DiscoveryMessage[] = [
    {
      topic: topics.discovery("switch", objectIdOf(device.mac, "switch")),
      config: {
        ...shared,
        name: null,
        unique_id: unique("switch"),
        device_class: "outlet",
        state_topic: state,
        value_template: "{{ value_json.state }}",
        state_on: "ON",
        state_off: "OFF",
        command_topic: topics.set(device.level),
        payload_on: "ON",
        payload_off: "OFF",
        json_attributes_topic: state,
        json_attributes_template:
          "{{ {'ip': value_json.ip, 'last_seen': value_json.last_seen} | tojson }}",
      },
    },
    {
      topic: topics.discovery("event", objectIdOf(device.mac, "button")),
      config: {
        ...shared,
        name: "Button",
        unique_id: unique("button"),
        device_class: "button",
        state_topic: topics.event(device.level),
        event_types: ["press", "reboot"],
      },
    },
    {
      topic: topics.discovery("sensor", objectIdOf(device.mac, "clock_skew")),
      config: {
        ...shared,
        name: "Clock skew",
        unique_id: unique("clock_skew"),
        entity_category: "diagnostic",
        device_class: "duration",
        state_class: "measurement",
        unit_of_measurement: "s",
        suggested_display_precision: 1,
        state_topic: state,
        value_template:
          "{{ value_json.clock_skew_s if value_json.clock_skew_s is not none else 'None' }}",
      },
    },
  ];
  if (options.schedule) {
    messages.push({
      topic: topics.discovery("sensor", objectIdOf(device.mac, "next_event")),
      config: {
        ...shared,
        name: "Next scheduled event",
        unique_id: unique("next_event"),
        entity_category: "diagnostic",
        device_class: "timestamp",
        state_topic: state,
        value_template: "{{ value_json.next_event if value_json.next_event else 'None' }}",
        json_attributes_topic: state,
        json_attributes_template: "{{ {'action': value_json.next_action} | tojson }}",
      },
    });
  }
  return messages;
}

/** The discovery topics of a socket's entities that `schedule` leaves out (to remove them). */
export function absentEntityTopics(
  topics: BridgeTopics,
  mac: Mac,
  options: { readonly schedule: boolean },
): string[] {
  return options.schedule ? [] : [topics.discovery("sensor", objectIdOf(mac, "next_event"))];
}

/** The MAC hex at the head of one of our object ids, or `null`. */
export function macHexOfObjectId(objectId: string): string | null {
  const match = /^([0-9a-f]{12})_[a-z_]+$/.exec(objectId);
  return match ? match[1]! : null;
}
